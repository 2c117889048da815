"""What the check-in engine needs from vision, the store and the domain rules.

Small protocols so the engine reads plainly; kiosk/app/runtime.py adapts the real pieces
(faceid pack + pipeline, kiosk.store, attendance) to them. Every method here runs on
the inference worker thread.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from faceid.types import FloatArray, ImageBGR
from kiosk.app.state import EnrollmentFinished, FaceOutline, Greeting, GuidanceKey, PersonChoice
from kiosk.store import PunchSource

if TYPE_CHECKING:
    from kiosk.app.rolling import RollingOffer
    from kiosk.settings import KioskSettings, VisionSettings
    from kiosk.store import KioskStore


class DecisionKind(enum.Enum):
    MATCH = "match"
    UNKNOWN = "unknown"
    SPOOF = "spoof"
    CODE_NEEDED = "code_needed"  # face alone is not sure: ask for the employee code


@dataclass(frozen=True)
class FaceDecision:
    """A consensus decision over several frames of one tracked face (cosine score).

    ``liveness_score`` is the mean P(real) over the track's frames (None without a liveness
    model); ``resembled_id`` is, for a SPOOF, the enrolled identity the attack looked like
    (None: nobody); ``frames`` how many frames the decision rests on; ``box`` the face (x, y,
    w, h, frame pixels) on the deciding frame, for a refused attempt's snapshot.
    """

    kind: DecisionKind
    person_id: UUID | None
    score: float
    liveness_score: float | None = None
    resembled_id: UUID | None = None
    frames: int = 0
    track_id: int | None = None
    box: tuple[float, float, float, float] | None = None
    probe: FloatArray | None = None  # CODE_NEEDED: the fused embedding to verify 1:1
    rolling: RollingOffer | None = None  # MATCH: a template for the rolling set, if it may
    # CODE_NEEDED: the people the probe scores at or above the 1:1 threshold with, best first
    candidates: tuple[UUID, ...] = ()


@dataclass(frozen=True)
class Analysis:
    """One analysed frame: guidance, faces to outline, and a decision when one was reached."""

    guidance: GuidanceKey
    faces: tuple[FaceOutline, ...]
    frame_size: tuple[int, int]
    decision: FaceDecision | None = None
    # The primary (largest) face's tracker id and 5 landmarks (x, y image pixels, faceid
    # order), for the active head-turn challenge; None when no face was seen.
    primary_track: int | None = None
    primary_landmarks: tuple[tuple[float, float], ...] | None = None


@dataclass(frozen=True)
class CaptureCheck:
    """Enrollment live feedback for one frame: usable or what to fix, and what the guided
    capture (kiosk.app.enrol_capture) needs: the one face's box (x, y, w, h frame pixels),
    the frame's (width, height), head pose in degrees (faceid.quality.estimate_pose) and the
    face's P(real) in [0, 1] (None: no liveness models, or the face was not usable)."""

    usable: bool
    guidance: GuidanceKey
    chip: ImageBGR | None = None
    box: tuple[float, float, float, float] | None = None
    frame_size: tuple[int, int] = (0, 0)
    yaw_deg: float = 0.0
    pitch_deg: float = 0.0
    liveness: float | None = None


class Recognizer(Protocol):
    """Detect, check quality, recognize and reach consensus, frame by frame."""

    pack_name: str

    @property
    def pack_match_threshold(self) -> float:
        """The automatic 1:N threshold: the gallery-aware one (faceid.operating_point); the
        admin screen shows it beside an override."""
        ...

    @property
    def match_threshold(self) -> float:
        """The 1:N cosine threshold deciding now."""
        ...

    def retry_track(self, track_id: int) -> None:
        """Decide this tracked face again from its next frames only (door_tracks)."""
        ...

    def use_vision(self, vision: VisionSettings) -> int:
        """Apply changed thresholds at once; returns how many people are enrolled."""
        ...

    def analyse(self, image: ImageBGR, now: datetime) -> Analysis: ...

    def check_capture(self, image: ImageBGR) -> CaptureCheck: ...

    @property
    def liveness_threshold(self) -> float:
        """P(real) a face needs (enrolment captures use it per frame)."""
        ...

    @property
    def min_face_px(self) -> int:
        """The quality gate's minimum face size, box shorter side in pixels."""
        ...

    def reload_gallery(self, wait: bool = True) -> int:
        """Re-read templates from the store; returns how many people are enrolled. Unless
        ``wait``, the new gallery's operating point is chosen off this thread."""
        ...

    def verify(self, probe: FloatArray, person_id: UUID) -> bool:
        """1:1 at the verification threshold: is ``probe`` this person (face + code)?"""
        ...

    def refresh_if_changed(self) -> bool:
        """Rebuild the gallery and its operating point when the store's changed."""
        ...

    def close(self) -> None:
        """Stop background work (an operating point being chosen); the engine is closing."""
        ...


class AttendanceDesk(Protocol):
    """Everything the engine, the admin screens and the liveness guard ask of the desk:
    punches recorded durably with their greeting (domain rules), enrolment, reminders, the
    store and the effective settings. kiosk.app.desk.StoreDesk is the implementation."""

    store: KioskStore
    settings: KioskSettings  # replaced when the admin screen saves settings

    def punch(self, person_id: UUID, at: datetime,
              source: PunchSource = PunchSource.FACE) -> Greeting: ...

    def backlog(self) -> int: ...

    def people(self) -> tuple[PersonChoice, ...]: ...

    def enroll(self, person_id: UUID | None, new_person_name: str, images: Sequence[ImageBGR],
               consent_notice_version: str, collected_by: str, *,
               confirmed_different: Sequence[UUID] = ()) -> EnrollmentFinished: ...

    def acknowledge_reminder(self, person_id: UUID, reminder_id: str, at: datetime) -> bool:
        """A touch on "Got it"; False when it is not one of the person's reminders."""
        ...

    def apply_settings(self, settings: KioskSettings) -> None: ...

    def use_pack(self, pack: Any) -> None:
        """The loaded faceid pack, reused by enrolment at the kiosk."""
        ...

    def reenroll(self, embedder: Any) -> Any:
        """Rebuild templates for ``embedder`` from stored chips (a new pack)."""
        ...

    def keep_rolling(self, offer: RollingOffer) -> bool:
        """Add a punched MATCH's template to the person's rolling set (kiosk.store.rolling);
        False when the store's rules say no. Never fails the punch already recorded."""
        ...

    def templates_for(self, recognizer_id: str) -> tuple[list[UUID], FloatArray]: ...

    def close(self) -> None: ...


class SyncStatus(Protocol):
    """Whether the last exchange with the server worked (None: no server configured)."""

    def online(self) -> bool | None: ...


class DoorPort(Protocol):
    """Door relay, buzzer and status LED (kiosk.hw.gpio.DoorSignals); calls return at once."""

    def checked_in(self) -> None: ...

    def refused(self) -> None: ...

    def set_online(self, online: bool) -> None: ...

    def close(self) -> None: ...
