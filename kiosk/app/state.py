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

from faceid.types import ImageBGR


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
    TURN_LEFT = "turn_left"  # the active liveness challenge (vision.active_liveness)
    TURN_RIGHT = "turn_right"
    LIVENESS_RETRY = "liveness_retry"  # the second chance after a liveness doubt


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
    # the primary (largest) face's tracker id: a card for another track ends at once
    primary_track: int | None = None


@dataclass(frozen=True)
class ReminderItem:
    """A reminder as shown on a shared screen: title, due instant (UTC) and flags only."""

    reminder_id: str
    title: str
    due_at: datetime | None = None
    overdue: bool = False
    urgent: bool = False
    acknowledged: bool = False  # "Got it" already touched: shown without the button


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
    verdict_quiet: bool = False  # the verdict says little ("no shift today"): shown small
    # the person's first enrolled face chip (encoded JPEG/PNG bytes), shown beside the name
    # so a wrong match is caught at the door; None when the store holds no chip
    enrolled_chip: bytes | None = field(default=None, repr=False)
    # the face the recognizer decided on (encoded JPEG of the deciding frame's face box),
    # shown beside the enrolled chip; None for PIN and QR check-ins
    live_face: bytes | None = field(default=None, repr=False)
    track_id: int | None = None  # the tracked face decided on (None: PIN, QR, face + code)


@dataclass(frozen=True)
class NotRecognized:
    """A live face nobody enrolled is close enough to (or two people too close to tell);
    ``track_id`` is the tracked face refused."""

    at: datetime
    track_id: int | None = None


@dataclass(frozen=True)
class CodeRequested:
    """Face alone was not sure: the screen asks for the employee code (face + code);
    ``digits``: only its last N characters are needed (None: the whole code)."""

    at: datetime
    digits: int | None = None


@dataclass(frozen=True)
class LivenessFailed:
    """A photo or a screen (after the second chance), or a head-turn challenge not done."""

    at: datetime
    track_id: int | None = None


@dataclass(frozen=True)
class StorageFailed:
    """A write to the kiosk's store failed (e.g. the disk is full): nothing was recorded,
    so the person is told to use another way and the admin must act; the kiosk keeps
    running and tries again with the next face."""

    at: datetime
    detail: str


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
    """Admin enrollment capture: poses captured so far out of ``target``, with live feedback.

    ``pose`` is the pose asked now (kiosk.app.enrol_capture.Pose value, a screen-text key),
    ``in_oval`` whether the face sits in the framing oval and is big enough, ``refused`` the
    reason this frame's capture was refused ("" when none), ``face_box`` the face (x, y, w, h
    frame pixels, not mirrored) in a frame of ``frame_size`` (width, height). ``slow_pose``:
    the pose has been asked for 8 s or more without a capture; ``can_skip``: it may be
    skipped now (SkipEnrollmentPose), and ``target`` is then one less once it is.
    """

    person_name: str
    captured: int
    target: int
    guidance: GuidanceKey
    preview_chip: ImageBGR | None = field(default=None, compare=False)
    pose: str = ""
    in_oval: bool = False
    refused: str = ""
    face_box: tuple[float, float, float, float] | None = None
    frame_size: tuple[int, int] = (0, 0)
    slow_pose: bool = False
    can_skip: bool = False


@dataclass(frozen=True)
class EnrollmentFinished:
    """Enrollment result: templates stored (``ok``) or why not: ``error`` (a message in the
    kiosk's language, or "cancelled"), or ``problem``, a capture problem key the screen
    translates (``enroll.problem.<key>``: "no_pose_change", "not_live")."""

    person_id: UUID | None
    person_name: str
    templates_saved: int
    rejected: int
    ok: bool
    error: str = ""
    problem: str = ""
    # refused as already enrolled: that person (an admin may confirm different people)
    lookalike_id: UUID | None = None
    lookalike_name: str = ""


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


@dataclass(frozen=True)
class LocalSettingsView:
    """The admin settings screen's current values (the kiosk's effective settings).

    ``match_threshold`` None: the pack's own (``pack_match_threshold``, None before the
    models are loaded). ``people`` are the candidates for ``admin_people``.
    """

    kiosk_name: str
    camera_source: str
    match_threshold: float | None
    pack_match_threshold: float | None
    liveness_threshold: float
    language: str
    face_entry: bool
    admin_people: tuple[UUID, ...] = ()
    people: tuple[PersonChoice, ...] = ()


@dataclass(frozen=True)
class SettingsProblem:
    """One refused value: ``field`` (a SaveSettings field name) and a screen-text key
    (``settings.problem.<key>``) with a detail to format into it."""

    field: str
    key: str
    detail: str = ""


@dataclass(frozen=True)
class SettingsSaved:
    """The answer to SaveSettings: saved and applied (``ok``) or the problems, nothing saved.

    ``changed`` lists the dotted settings keys that changed (empty: nothing to save).
    """

    ok: bool
    view: LocalSettingsView
    problems: tuple[SettingsProblem, ...] = ()
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdminFaceEntry:
    """A person allowed in by face was recognized while admin mode asked for the PIN."""

    person_id: UUID
    person_name: str


class AltRefusal(enum.Enum):
    WRONG_PIN = "pin_wrong"  # wrong employee code or PIN (the screen does not say which)
    LOCKED = "pin_locked"  # too many wrong PINs for this code
    UNKNOWN_BADGE = "badge_unknown"  # a badge QR code no active person holds
    FACE_CODE_MISMATCH = "face_code_mismatch"  # face + code: the face is not that person's


@dataclass(frozen=True)
class AltCheckinRefused:
    """A PIN or QR badge check-in was refused; nothing was punched."""

    reason: AltRefusal
    attempts_left: int = 0
    locked_until: datetime | None = None  # UTC, for LOCKED


KioskState = (CameraState | Guidance | Greeting | NotRecognized | LivenessFailed
              | StorageFailed | StatusBar
              | ModelsMissing | EnrollmentProgress | EnrollmentFinished | PeopleDirectory
              | DoctorReport | LocalSettingsView | SettingsSaved | AdminFaceEntry
              | AltCheckinRefused | CodeRequested)
