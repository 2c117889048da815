"""The immutable state objects the kiosk screen renders.

Workers (inference, camera, sync status) build these and emit them; the UI only draws them.
Nothing here imports Qt. Times are timezone-aware UTC; the UI converts to the site zone for
display. Text that depends on the language is either a key the UI translates (guidance,
screens) or already translated by the domain rules (``Greeting.verdict_text``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from kiosk.vision.types import ImageBGR


class CameraPhase(enum.Enum):
    STARTING = "starting"
    LIVE = "live"
    OFFLINE = "offline"
    ENDED = "ended"


class GuidanceKey(enum.Enum):
    """What the person at the door should do; the UI shows it in large text."""

    NO_FACE = "no_face"
    MOVE_CLOSER = "move_closer"
    TOO_DARK = "too_dark"
    TOO_BRIGHT = "too_bright"
    HOLD_STILL = "hold_still"
    FACE_CAMERA = "face_camera"
    CENTRE_FACE = "centre_face"
    ONE_AT_A_TIME = "one_at_a_time"
    REMOVE_GLASSES = "remove_glasses"
    CHECKING = "checking"


class PunchDirection(enum.Enum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"


@dataclass(frozen=True)
class CameraState:
    phase: CameraPhase
    detail: str = ""


@dataclass(frozen=True)
class FaceOutline:
    """One face to outline on the preview: box (x, y, w, h) in frame pixels (not mirrored)."""

    box: tuple[float, float, float, float]
    good: bool


@dataclass(frozen=True)
class Guidance:
    """Live feedback for the current frame: the faces seen and what to do next."""

    key: GuidanceKey
    faces: tuple[FaceOutline, ...] = ()
    frame_size: tuple[int, int] = (0, 0)  # (width, height) of the analysed frame
    captured_monotonic_s: float = 0.0  # time.monotonic() when the frame was captured


@dataclass(frozen=True)
class ReminderItem:
    """A reminder as shown on a shared screen: title, due instant (UTC) and flags only."""

    reminder_id: str
    title: str
    due_at: datetime | None = None
    overdue: bool = False
    urgent: bool = False


@dataclass(frozen=True)
class Greeting:
    """A recognized person's check-in card. ``repeat`` = within the cooldown, no new punch."""

    person_id: UUID
    person_name: str
    department: str
    at: datetime
    direction: PunchDirection
    verdict_text: str
    reminders: tuple[ReminderItem, ...] = ()
    punch_id: UUID | None = None
    repeat: bool = False


@dataclass(frozen=True)
class NotRecognized:
    at: datetime


@dataclass(frozen=True)
class LivenessFailed:
    at: datetime


@dataclass(frozen=True)
class StatusBar:
    """The always-visible bottom line. ``online`` is None when no server is configured."""

    online: bool | None
    backlog: int
    camera: CameraPhase
    pack: str
    kiosk_name: str = ""
    models_ready: bool = True


@dataclass(frozen=True)
class ModelsMissing:
    """Full-screen: the model pack cannot be loaded; ``fix`` is the command that helps."""

    detail: str
    fix: str = "kiosk models install"


@dataclass(frozen=True)
class EnrollmentProgress:
    """Admin enrollment capture: good frames so far out of ``target``, with live feedback."""

    person_name: str
    captured: int
    target: int
    guidance: GuidanceKey
    preview_chip: ImageBGR | None = field(default=None, compare=False)


@dataclass(frozen=True)
class EnrollmentFinished:
    """Enrollment result: templates stored (``ok``) or why not (``error``, a message key)."""

    person_id: UUID | None
    person_name: str
    templates_saved: int
    rejected: int
    ok: bool
    error: str = ""


@dataclass(frozen=True)
class PersonChoice:
    """A person the admin can pick for enrollment (from the synced list, or pending)."""

    person_id: UUID
    name: str
    department: str = ""
    enrolled: bool = False


@dataclass(frozen=True)
class PeopleDirectory:
    people: tuple[PersonChoice, ...]


@dataclass(frozen=True)
class DoctorReport:
    """`kiosk doctor` lines ("PASS ..."/"FAIL ... -- fix: ...") for the admin screen."""

    lines: tuple[str, ...]
    ok: bool


KioskState = (CameraState | Guidance | Greeting | NotRecognized | LivenessFailed | StatusBar
              | ModelsMissing | EnrollmentProgress | EnrollmentFinished | PeopleDirectory
              | DoctorReport)
