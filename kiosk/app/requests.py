"""What the screen asks the inference worker to do (GUI thread -> worker, through a queue)."""

from __future__ import annotations

from dataclasses import dataclass
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
    """Capture ``frames`` good frames of the person in front of the camera and enroll them.

    Either ``person_id`` (an existing person from the synced list) or ``new_person_name`` (a
    pending person created at the kiosk). ``consent_notice_version`` is the version of the
    notice text the person agreed to; ``collected_by`` names the admin for the consent record.
    """

    person_id: UUID | None
    new_person_name: str
    consent_notice_version: str
    collected_by: str = "kiosk-admin"
    frames: int = 5


@dataclass(frozen=True)
class CancelEnrollment:
    pass


@dataclass(frozen=True)
class RunDoctor:
    """Run the `kiosk doctor` checks (camera excluded: the kiosk holds it) and report."""


WorkerRequest = ListPeople | SetAdminMode | StartEnrollment | CancelEnrollment | RunDoctor
