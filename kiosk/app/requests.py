"""What the screen asks the inference worker to do (GUI thread -> worker, through a queue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID


@dataclass(frozen=True)
class ListPeople:
    """Send a PeopleDirectory (admin picker)."""


@dataclass(frozen=True)
class SetAdminMode:
    """While admin mode is on, faces are not punched (the admin is at the screen)."""

    active: bool


@dataclass(frozen=True)
class StartEnrollment:
    """Capture the person in front of the camera in ``frames`` guided poses (3-5, one frame
    each: kiosk.app.enrol_capture) and enroll them.

    Either ``person_id`` (an existing person from the synced list) or ``new_person_name`` (a
    pending person created at the kiosk). ``consent_notice_version`` is the version of the
    notice text the person agreed to; ``collected_by`` names the admin for the consent record.
    """

    person_id: UUID | None
    new_person_name: str
    consent_notice_version: str
    collected_by: str = "kiosk-admin"
    frames: int = 4
    # people the admin confirmed as different from this one (a look-alike refusal before)
    confirmed_different: tuple[UUID, ...] = ()


@dataclass(frozen=True)
class CancelEnrollment:
    pass


@dataclass(frozen=True)
class SkipEnrollmentPose:
    """Skip the pose asked now, when the last EnrollmentProgress said ``can_skip``."""


@dataclass(frozen=True)
class RunDoctor:
    """Run the `kiosk doctor` checks (camera excluded: the kiosk holds it) and report."""


@dataclass(frozen=True)
class LoadSettings:
    """Send a LocalSettingsView for the admin settings screen."""


@dataclass(frozen=True)
class SaveSettings:
    """Validate, save (store, audited) and apply the admin settings screen's values.

    Thresholds come as the text typed (the worker parses and range-checks them; an empty
    ``match_threshold`` means "the model pack's own threshold"). ``admin_people`` are the
    person ids allowed to open admin mode by face. Answered with a SettingsSaved state.
    """

    kiosk_name: str
    camera_source: str
    match_threshold: str
    liveness_threshold: str
    language: str
    admin_people: tuple[UUID, ...] = ()
    actor: str = "kiosk-admin"


@dataclass(frozen=True)
class PinEntered:
    """Check in by employee code and PIN, typed on the keypad (verified offline)."""

    employee_code: str
    pin: str = field(repr=False)  # never in a log line


@dataclass(frozen=True)
class FaceCodeEntered:
    """The employee code typed after the screen asked for it (face + code)."""

    employee_code: str


@dataclass(frozen=True)
class SetKeypadOpen:
    """While the PIN keypad is open, faces are not punched or refused (someone is typing)."""

    active: bool


@dataclass(frozen=True)
class AcknowledgeReminder:
    """The person on the greeting card touched "Got it" on one of their reminders."""

    person_id: UUID
    reminder_id: str


WorkerRequest = (ListPeople | SetAdminMode | StartEnrollment | CancelEnrollment
                 | SkipEnrollmentPose | RunDoctor
                 | LoadSettings | SaveSettings | PinEntered | SetKeypadOpen
                 | AcknowledgeReminder | FaceCodeEntered)
