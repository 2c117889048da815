"""The check-in engine: frames in, state objects out. Runs on the inference worker thread.

One ``step`` takes the newest camera frame (older ones were dropped by the buffer), runs the
recognizer and turns its decisions into punches and greetings. The engine owns the store
and models it was built with (SQLite connections belong to the thread that opened them), so
it is created on the worker thread by a factory, and it recovers from missing models by
itself: ``ModelsMissing`` is shown and the pack is loaded again every RETRY_MODELS_S seconds.
The engine owns the mode (EngineMode); what a decision does at the door is
kiosk.app.door_decisions, an enrolment capture is kiosk.app.enrol_session.
"""

from __future__ import annotations

import enum
import logging
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from faceid.badges import BadgeScanner
from faceid.types import ImageBGR
from kiosk.app import admin_settings
from kiosk.app.alt_checkin import AltCheckinDesk
from kiosk.app.door_decisions import DoorDecisions, EngineCounters
from kiosk.app.door_tracks import TrackLedger
from kiosk.app.enrol_session import EnrolSession
from kiosk.app.face_code import FaceCodeFlow
from kiosk.app.liveness_guard import ChallengePhase, LivenessGuard
from kiosk.app.ports import (
    Analysis,
    AttendanceDesk,
    DoorPort,
    Recognizer,
    SyncStatus,
)
from kiosk.app.requests import (
    AcknowledgeReminder,
    CancelEnrollment,
    FaceCodeEntered,
    ListPeople,
    LoadSettings,
    PinEntered,
    RunDoctor,
    SaveSettings,
    SetAdminMode,
    SetKeypadOpen,
    SkipEnrollmentPose,
    StartEnrollment,
    WorkerRequest,
)
from kiosk.app.state import (
    CameraPhase,
    CameraState,
    DoctorReport,
    EnrollmentFinished,
    Guidance,
    GuidanceKey,
    KioskState,
    ModelsMissing,
    PeopleDirectory,
    StatusBar,
    StorageFailed,
)
from kiosk.camera import CameraReader, CameraStatus, Frame, LatestFrameBuffer
from kiosk.errors import ModelError, StoreError

log = logging.getLogger(__name__)

RETRY_MODELS_S = 10.0
STATUS_EVERY_S = 1.0
GALLERY_CHECK_S = 5.0  # how often the store is asked whether the gallery changed

_CAMERA_PHASES = {
    CameraStatus.STARTING: CameraPhase.STARTING,
    CameraStatus.LIVE: CameraPhase.LIVE,
    CameraStatus.OFFLINE: CameraPhase.OFFLINE,
    CameraStatus.ENDED: CameraPhase.ENDED,
    CameraStatus.STOPPED: CameraPhase.ENDED,
}


class EngineMode(enum.Enum):
    """What the engine does with frames; exactly one at a time.

    FACES      recognise, punch, scan QR badges (the resting mode)
    CHALLENGE  an active head-turn challenge runs: frames go to it (from FACES)
    KEYPAD     someone types a PIN: faces wait, badges are not scanned (from FACES/CHALLENGE)
    ADMIN      admin screens: no punches; a listed admin's face may enter (from any)
    ENROLLING  capturing enrolment frames; back to where it started when done or cancelled

    Leaving CHALLENGE for anything but its own end cancels the challenge.
    """

    FACES = "faces"
    CHALLENGE = "challenge"
    KEYPAD = "keypad"
    ADMIN = "admin"
    ENROLLING = "enrolling"


@dataclass
class _Capture:
    session: EnrolSession  # kiosk.app.enrol_session
    return_to: EngineMode  # the mode the enrolment was started from


class CheckInEngine:
    """Turns frames into KioskState objects. ``submit`` is thread-safe; the rest is not."""

    def __init__(self, *, frames: LatestFrameBuffer, camera: CameraReader | None,
                 recognizer_factory: Callable[[], Recognizer], desk: AttendanceDesk,
                 sync: SyncStatus | None = None, kiosk_name: str = "",
                 doctor: Callable[[], DoctorReport] | None = None,
                 retry_models_s: float = RETRY_MODELS_S,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 door: DoorPort | None = None,
                 alt_checkin: AltCheckinDesk | None = None) -> None:
        self._frames = frames
        self._camera = camera
        self._recognizer_factory = recognizer_factory
        self._recognizer: Recognizer | None = None
        self._next_model_try = 0.0
        self._desk = desk
        self._sync = sync
        self._kiosk_name = kiosk_name
        self._doctor = doctor
        self._retry_models_s = retry_models_s
        self._clock = clock
        self._requests: queue.SimpleQueue[WorkerRequest] = queue.SimpleQueue()
        self._mode = EngineMode.FACES
        self._capture: _Capture | None = None  # set exactly while ENROLLING
        self._camera_phase: CameraPhase | None = None
        self._next_status = 0.0
        self._next_gallery_check = 0.0
        self._pack_name = "-"
        self.counters = EngineCounters()
        self._door = door  # GPIO relay/buzzer/LED, when the site has them
        # PIN keypad and QR badges (people who decline face check-in); None: faces only.
        self._alt = alt_checkin
        self._badges = BadgeScanner() if alt_checkin is not None else None
        # Refused attempts recorded, and the active challenge.
        self._guard = LivenessGuard(desk)
        # Face + code: the open "type your code" question (kiosk.app.face_code).
        self._face_code = FaceCodeFlow(desk, self._guard)
        # One decision per tracked face (kiosk.app.door_tracks).
        self._tracks = TrackLedger()
        # Punches, refusals and second chances (kiosk.app.door_decisions).
        self._doors = DoorDecisions(desk=desk, door=door, guard=self._guard,
                                    face_code=self._face_code, tracks=self._tracks,
                                    counters=self.counters)

    def submit(self, request: WorkerRequest) -> None:
        """Queue a request from the GUI thread; handled at the start of the next step."""
        self._requests.put(request)

    @property
    def mode(self) -> EngineMode:
        return self._mode

    def _enter(self, mode: EngineMode) -> None:
        """The one place the mode changes (see EngineMode for the transitions)."""
        if self._mode is EngineMode.CHALLENGE and self._guard.challenging:
            self._guard.cancel_challenge()  # left before the challenge ended
        if mode is not EngineMode.ENROLLING:
            self._capture = None
        self._mode = mode

    def step(self, timeout_s: float = 0.2) -> list[KioskState]:
        """Handle requests, then one frame (waiting up to ``timeout_s`` s for it)."""
        out: list[KioskState] = []
        try:
            self._handle_requests(out)
            self._check_camera(out)
            recognizer = self._ensure_recognizer(out)
            frame = self._frames.get(timeout_s)
            if frame is not None and recognizer is not None:
                self.counters.frames_analysed += 1
                if self._mode is EngineMode.ENROLLING:
                    self._capture_step(recognizer, frame.image, frame.monotonic_s, out)
                else:
                    self._recognize_step(recognizer, frame, out)
            self._maybe_refresh_gallery()
            self._maybe_status(out)
        except StoreError as exc:
            # A full or failing disk: nothing of this step was recorded (each write is one
            # transaction). Say so on the screen and keep running: space may come back.
            self.counters.store_failures += 1
            log.error("the kiosk store refused a write: %s", exc)
            out.append(StorageFailed(at=datetime.now(UTC), detail=str(exc)))
        return out

    def close(self) -> None:
        if self._recognizer is not None:
            self._recognizer.close()  # an operating point being chosen off this thread
        self._desk.close()
        if self._door is not None:
            self._door.close()

    # -- pieces of a step ----------------------------------------------------------------
    def _ensure_recognizer(self, out: list[KioskState]) -> Recognizer | None:
        if self._recognizer is not None or time.monotonic() < self._next_model_try:
            return self._recognizer
        try:
            self._recognizer = self._recognizer_factory()
        except ModelError as exc:
            log.warning("models not ready: %s", exc)
            self._next_model_try = time.monotonic() + self._retry_models_s
            out.append(ModelsMissing(detail=str(exc)))
            return None
        self._pack_name = self._recognizer.pack_name
        self._tracks.forget_all()
        log.info("model pack %s loaded", self._pack_name)
        self._next_status = 0.0
        return self._recognizer

    def _recognize_step(self, recognizer: Recognizer, frame: Frame,
                        out: list[KioskState]) -> None:
        at = frame.captured_at
        analysis = recognizer.analyse(frame.image, at)
        if self._mode is EngineMode.CHALLENGE:
            self._challenge_step(analysis, frame, out)
            return
        guidance = self._doors.guidance(analysis, frame)
        out.append(guidance)
        self._doors.follow_refusals(analysis, frame, out)
        decision = analysis.decision
        if self._mode is EngineMode.KEYPAD:  # someone is typing a PIN: faces wait
            return
        if self._mode is EngineMode.ADMIN:  # no punches; a listed admin's face may enter
            entry = (admin_settings.admin_face_entry(decision, self._desk)
                     if decision is not None else None)
            if entry is not None:
                out.append(entry)
            return
        if decision is None:
            self._scan_badge(frame, analysis.guidance, out)
            return
        if self._doors.decide(recognizer, decision, analysis, frame, guidance, out):
            self._enter(EngineMode.CHALLENGE)

    def _challenge_step(self, analysis: Analysis, frame: Frame, out: list[KioskState]) -> None:
        """One frame of the active challenge; it ends (back to FACES) passed or failed."""
        step = self._guard.challenge_step(analysis, frame.captured_at, frame.monotonic_s)
        key = analysis.guidance if step.phase is ChallengePhase.PASSED else step.guidance
        out.append(Guidance(key, analysis.faces, analysis.frame_size, frame.monotonic_s,
                            analysis.primary_track))
        if step.phase is ChallengePhase.PROMPT:
            return
        self._enter(EngineMode.FACES)
        if step.phase is ChallengePhase.PASSED:
            self._doors.punch(step.decision, frame.image, frame.captured_at, out)
        else:
            self._doors.liveness_failed(step.decision, frame.captured_at, out)

    def _scan_badge(self, frame: Frame, guidance: GuidanceKey, out: list[KioskState]) -> None:
        """Look for a QR badge, at a bounded rate, unless a face decision is in progress."""
        if self._badges is None or self._alt is None or guidance is GuidanceKey.CHECKING:
            return
        token = self._badges.scan(frame.image, frame.monotonic_s)
        if token is not None:
            self._doors.alt_outcome(self._alt.punch_with_badge(token, frame.captured_at), out)

    def _capture_step(self, recognizer: Recognizer, image: ImageBGR, captured_s: float,
                      out: list[KioskState]) -> None:
        capture = self._capture
        if capture is None:
            return
        ended = capture.session.step(recognizer, image, captured_s, out)
        if ended is None:
            return
        self._enter(capture.return_to)
        finished = capture.session.finish(ended, self._desk, recognizer)
        if finished.ok:
            self._tracks.forget_all()  # the rebuilt pipeline numbers its tracks anew
        out.append(finished)

    def _handle_requests(self, out: list[KioskState]) -> None:
        while True:
            try:
                request = self._requests.get_nowait()
            except queue.Empty:
                return
            self._handle(request, out)

    def _handle(self, request: WorkerRequest, out: list[KioskState]) -> None:
        """One request from the GUI thread; its answers (if any) go to ``out``."""
        match request:
            case SetAdminMode(active=active):
                if not active:
                    self._enter(EngineMode.FACES)
                elif self._mode is not EngineMode.ENROLLING:
                    self._enter(EngineMode.ADMIN)
            case ListPeople():
                out.append(PeopleDirectory(self._desk.people()))
            case StartEnrollment() | SkipEnrollmentPose() | CancelEnrollment():
                self._enrolment_request(request, out)
            case LoadSettings() | SaveSettings():
                out.extend(self._settings_request(request))
            case PinEntered(employee_code=code, pin=pin):
                if self._alt is not None and self._mode in (EngineMode.FACES,
                                                            EngineMode.KEYPAD):
                    self._doors.alt_outcome(
                        self._alt.punch_with_pin(code, pin, self._clock()), out)
            case SetKeypadOpen(active=active):
                self._keypad(active)
                if not active:
                    self._face_code.cancel()  # an unanswered question is dropped
            case FaceCodeEntered(employee_code=code):
                self._answer_code(code, out)
            case AcknowledgeReminder(person_id=person_id, reminder_id=reminder_id):
                self._acknowledge(person_id, reminder_id)
            case RunDoctor():
                if self._doctor is not None:
                    out.append(self._doctor())

    def _enrolment_request(self, request: StartEnrollment | SkipEnrollmentPose |
                           CancelEnrollment, out: list[KioskState]) -> None:
        """Start an enrolment capture (from FACES or the admin screens), skip its pose, or
        cancel it (back to the mode it started from)."""
        match request:
            case StartEnrollment():
                start = (EngineMode.ADMIN if self._mode in (EngineMode.ADMIN,
                                                             EngineMode.ENROLLING)
                         else EngineMode.FACES)
                self._enter(EngineMode.ENROLLING)
                self._capture = _Capture(EnrolSession(request), return_to=start)
            case SkipEnrollmentPose():
                if self._capture is not None:
                    self._capture.session.skip_pose()
            case CancelEnrollment():
                if self._capture is not None:
                    out.append(EnrollmentFinished(None, "", 0, 0, ok=False,
                                                  error="cancelled"))
                    self._enter(self._capture.return_to)

    def _keypad(self, open_: bool) -> None:
        """The PIN keypad opened or closed on the staff screen (ignored in admin modes)."""
        if open_ and self._mode in (EngineMode.FACES, EngineMode.CHALLENGE):
            self._enter(EngineMode.KEYPAD)
        elif not open_ and self._mode is EngineMode.KEYPAD:
            self._enter(EngineMode.FACES)

    def _answer_code(self, code: str, out: list[KioskState]) -> None:
        """The code typed for face + code (kiosk.app.face_code): punch or refuse."""
        if self._recognizer is None or self._mode in (EngineMode.ADMIN, EngineMode.ENROLLING):
            return
        self._doors.alt_outcome(self._face_code.answer(code, self._recognizer, self._clock(),
                                                       time.monotonic()), out)

    def _acknowledge(self, person_id: UUID, reminder_id: str) -> None:
        """A touch on "Got it" (kiosk.app.reminders): a reminder_ack event, status kept."""
        if self._desk.acknowledge_reminder(person_id, reminder_id, self._clock()):
            log.info("reminder %s acknowledged by %s", reminder_id, person_id)

    def _settings_request(self, request: LoadSettings | SaveSettings) -> list[KioskState]:
        """The admin settings screen (kiosk.app.admin_settings)."""
        desk = self._desk
        if isinstance(request, LoadSettings):
            return [admin_settings.settings_view(desk, self._recognizer)]
        saved = admin_settings.save_settings(request, desk, self._recognizer, self._camera)
        self._tracks.forget_all()  # new thresholds rebuild the pipeline (new track ids)
        self._kiosk_name = desk.settings.kiosk_name  # the status bar shows it at once
        self._next_status = 0.0
        return [saved]

    def _check_camera(self, out: list[KioskState]) -> None:
        if self._camera is None:
            return
        phase = _CAMERA_PHASES[self._camera.status]
        if phase is not self._camera_phase:
            self._camera_phase = phase
            out.append(CameraState(phase, self._camera.detail))

    def _maybe_refresh_gallery(self) -> None:
        """Follow the store's gallery (the sync worker applies feed pages to it): rebuild it
        and its operating point when it changed, between decisions, every GALLERY_CHECK_S."""
        now = time.monotonic()
        if self._recognizer is None or self._mode is EngineMode.ENROLLING or \
                now < self._next_gallery_check:
            return
        self._next_gallery_check = now + GALLERY_CHECK_S
        if self._recognizer.refresh_if_changed():
            self._tracks.forget_all()  # the rebuilt pipeline numbers its tracks anew

    def _maybe_status(self, out: list[KioskState]) -> None:
        now = time.monotonic()
        if now < self._next_status:
            return
        self._next_status = now + STATUS_EVERY_S
        online = self._sync.online() if self._sync is not None else None
        if self._door is not None:
            self._door.set_online(bool(online))
        out.append(StatusBar(online=online, backlog=self._desk.backlog(),
                             camera=self._camera_phase or CameraPhase.STARTING,
                             pack=self._pack_name, kiosk_name=self._kiosk_name,
                             models_ready=self._recognizer is not None))

