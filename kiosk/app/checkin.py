"""The check-in engine: frames in, state objects out. Runs on the inference worker thread.

One ``step`` takes the newest camera frame (older ones were dropped by the buffer), runs the
recognizer and turns its decisions into punches and greetings. The engine owns the store
and models it was built with (SQLite connections belong to the thread that opened them), so
it is created on the worker thread by a factory, and it recovers from missing models by
itself: ``ModelsMissing`` is shown and the pack is loaded again every RETRY_MODELS_S seconds.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from faceid.badges import BadgeScanner
from faceid.types import ImageBGR
from kiosk.app import admin_settings
from kiosk.app.alt_checkin import AltCheckinDesk
from kiosk.app.liveness_guard import ChallengePhase, RefusalReason, guard_for
from kiosk.app.ports import (
    Analysis,
    AttendanceDesk,
    DecisionKind,
    DoorPort,
    FaceDecision,
    Recognizer,
    SyncStatus,
)
from kiosk.app.requests import (
    AcknowledgeReminder,
    CancelEnrollment,
    ListPeople,
    LoadSettings,
    PinEntered,
    RunDoctor,
    SaveSettings,
    SetAdminMode,
    SetKeypadOpen,
    StartEnrollment,
    WorkerRequest,
)
from kiosk.app.state import (
    AltCheckinRefused,
    CameraPhase,
    CameraState,
    DoctorReport,
    EnrollmentFinished,
    EnrollmentProgress,
    Greeting,
    Guidance,
    GuidanceKey,
    KioskState,
    LivenessFailed,
    ModelsMissing,
    NotRecognized,
    PeopleDirectory,
    StatusBar,
    StorageFailed,
)
from kiosk.camera import CameraReader, CameraStatus, Frame, LatestFrameBuffer
from kiosk.errors import ModelError, StoreError

log = logging.getLogger(__name__)

RETRY_MODELS_S = 10.0
STATUS_EVERY_S = 1.0
ENROLL_FRAME_GAP = 3  # take every 3rd usable frame so the samples differ a little

_CAMERA_PHASES = {
    CameraStatus.STARTING: CameraPhase.STARTING,
    CameraStatus.LIVE: CameraPhase.LIVE,
    CameraStatus.OFFLINE: CameraPhase.OFFLINE,
    CameraStatus.ENDED: CameraPhase.ENDED,
    CameraStatus.STOPPED: CameraPhase.ENDED,
}


@dataclass
class _Capture:
    request: StartEnrollment
    images: list[ImageBGR] = field(default_factory=list)
    usable_seen: int = 0


@dataclass
class EngineCounters:
    frames_analysed: int = 0
    punches: int = 0
    repeats: int = 0
    unknown: int = 0
    spoofs: int = 0
    store_failures: int = 0


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
        self._admin = False
        self._capture: _Capture | None = None
        self._camera_phase: CameraPhase | None = None
        self._next_status = 0.0
        self._pack_name = "-"
        self.counters = EngineCounters()
        self._door = door  # GPIO relay/buzzer/LED, when the site has them
        # PIN keypad and QR badges (people who decline face check-in); None: faces only.
        self._alt = alt_checkin
        self._badges = BadgeScanner() if alt_checkin is not None else None
        self._keypad_open = False
        # Refused attempts recorded and the active challenge (when the desk has a store).
        self._guard = guard_for(desk)

    def submit(self, request: WorkerRequest) -> None:
        """Queue a request from the GUI thread; handled at the start of the next step."""
        self._requests.put(request)

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
                if self._capture is not None:
                    self._capture_step(recognizer, frame.image, out)
                else:
                    self._recognize_step(recognizer, frame, out)
            self._maybe_status(out)
        except StoreError as exc:
            # A full or failing disk: nothing of this step was recorded (each write is one
            # transaction). Say so on the screen and keep running: space may come back.
            self.counters.store_failures += 1
            log.error("the kiosk store refused a write: %s", exc)
            out.append(StorageFailed(at=datetime.now(UTC), detail=str(exc)))
        return out

    def close(self) -> None:
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
        log.info("model pack %s loaded", self._pack_name)
        self._next_status = 0.0
        return self._recognizer

    def _recognize_step(self, recognizer: Recognizer, frame: Frame,
                        out: list[KioskState]) -> None:
        at = frame.captured_at
        analysis = recognizer.analyse(frame.image, at)
        if self._challenge_step(analysis, frame, out):
            return
        out.append(Guidance(analysis.guidance, analysis.faces, analysis.frame_size,
                            frame.monotonic_s))
        decision = analysis.decision
        if decision is None:
            if not (self._admin or self._keypad_open):
                self._scan_badge(frame, analysis.guidance, out)
            return
        if self._keypad_open:  # someone is typing a PIN: faces wait
            return
        if self._admin:  # no punches in admin mode; a listed admin's face may open it
            entry = (admin_settings.admin_face_entry(decision, self._desk)
                     if isinstance(self._desk, admin_settings.SettingsDesk) else None)
            if entry is not None:
                out.append(entry)
            return
        if decision.kind is DecisionKind.MATCH and decision.person_id is not None:
            if self._guard is not None and self._guard.wants_challenge():
                prompt = self._guard.start_challenge(decision, frame.image, analysis, at,
                                                     frame.monotonic_s)
                out.append(Guidance(prompt, analysis.faces, analysis.frame_size,
                                    frame.monotonic_s))
                return
            self._punch(decision, at, out)
        elif decision.kind is DecisionKind.SPOOF:
            if self._guard is not None:
                self._guard.record_refusal(decision, RefusalReason.LIVENESS, frame.image, at,
                                           frame.monotonic_s)
            self._liveness_failed(decision, at, out)
        else:
            self.counters.unknown += 1
            log.info("decision: not-recognized score=%.3f", decision.score)
            out.append(NotRecognized(at=at))
            if self._door is not None:
                self._door.refused()

    def _punch(self, decision: FaceDecision, at: datetime, out: list[KioskState]) -> None:
        """Record the punch of a MATCH (durably, before the greeting is shown)."""
        if decision.person_id is None:
            return
        greeting = self._desk.punch(decision.person_id, at)
        if greeting.repeat:
            self.counters.repeats += 1
        else:
            self.counters.punches += 1
        log.info("decision: %s person=%s name=%r score=%.3f verdict=%r punch=%s",
                 greeting.direction.value, greeting.person_id, greeting.person_name,
                 decision.score, greeting.verdict_text,
                 "repeat" if greeting.repeat else greeting.punch_id)
        out.append(greeting)
        if self._door is not None:
            self._door.checked_in()  # the punch is already committed

    def _liveness_failed(self, decision: FaceDecision, at: datetime,
                         out: list[KioskState]) -> None:
        """Show the refusal and signal the door (the refused attempt is already recorded)."""
        self.counters.spoofs += 1
        log.info("decision: liveness-failed score=%.3f liveness=%s", decision.score,
                 decision.liveness_score)
        out.append(LivenessFailed(at=at))
        if self._door is not None:
            self._door.refused()

    def _challenge_step(self, analysis: Analysis, frame: Frame, out: list[KioskState]) -> bool:
        """While an active challenge runs, frames go to it; True when this frame was its."""
        guard = self._guard
        if guard is None or not guard.challenging:
            return False
        if self._admin or self._keypad_open:
            guard.cancel_challenge()
            return False
        step = guard.challenge_step(analysis, frame.captured_at, frame.monotonic_s)
        key = analysis.guidance if step.phase is ChallengePhase.PASSED else step.guidance
        out.append(Guidance(key, analysis.faces, analysis.frame_size, frame.monotonic_s))
        if step.phase is ChallengePhase.PASSED:
            self._punch(step.decision, frame.captured_at, out)
        elif step.phase is ChallengePhase.FAILED:
            self._liveness_failed(step.decision, frame.captured_at, out)
        return True

    def _scan_badge(self, frame: Frame, guidance: GuidanceKey, out: list[KioskState]) -> None:
        """Look for a QR badge, at a bounded rate, unless a face decision is in progress."""
        if self._badges is None or self._alt is None or guidance is GuidanceKey.CHECKING:
            return
        token = self._badges.scan(frame.image, frame.monotonic_s)
        if token is not None:
            self._alt_outcome(self._alt.punch_with_badge(token, frame.captured_at), out)

    def _alt_outcome(self, outcome: Greeting | AltCheckinRefused,
                     out: list[KioskState]) -> None:
        """Count, log, signal the door and show a PIN/badge result, like a face decision."""
        out.append(outcome)
        if isinstance(outcome, AltCheckinRefused):
            log.info("decision: %s refused", outcome.reason.value)
            if self._door is not None:
                self._door.refused()
            return
        if outcome.repeat:
            self.counters.repeats += 1
        else:
            self.counters.punches += 1
        log.info("decision: %s person=%s by PIN/badge punch=%s", outcome.direction.value,
                 outcome.person_id, "repeat" if outcome.repeat else outcome.punch_id)
        if self._door is not None:
            self._door.checked_in()

    def _capture_step(self, recognizer: Recognizer, image: ImageBGR,
                      out: list[KioskState]) -> None:
        capture = self._capture
        if capture is None:
            return
        check = recognizer.check_capture(image)
        if check.usable:
            if capture.usable_seen % ENROLL_FRAME_GAP == 0:
                capture.images.append(image)
            capture.usable_seen += 1
        request = capture.request
        name = request.new_person_name or str(request.person_id)
        out.append(EnrollmentProgress(name, len(capture.images), request.frames,
                                      check.guidance, check.chip))
        if len(capture.images) < request.frames:
            return
        self._capture = None
        finished = self._desk.enroll(request.person_id, request.new_person_name,
                                     capture.images, request.consent_notice_version,
                                     request.collected_by)
        if finished.ok:
            people = recognizer.reload_gallery()
            log.info("enrolled %s (%d templates); %d people in the gallery",
                     finished.person_name, finished.templates_saved, people)
        out.append(finished)

    def _handle_requests(self, out: list[KioskState]) -> None:
        while True:
            try:
                request = self._requests.get_nowait()
            except queue.Empty:
                return
            match request:
                case SetAdminMode(active=active):
                    self._admin = active
                    if not active:
                        self._capture = None
                case ListPeople():
                    out.append(PeopleDirectory(self._desk.people()))
                case StartEnrollment():
                    self._capture = _Capture(request)
                case LoadSettings() | SaveSettings():
                    out.extend(self._settings_request(request))
                case PinEntered(employee_code=code, pin=pin):
                    if self._alt is not None and not self._admin:
                        self._alt_outcome(self._alt.punch_with_pin(code, pin, self._clock()),
                                          out)
                case SetKeypadOpen(active=active):
                    self._keypad_open = active
                case AcknowledgeReminder(person_id=person_id, reminder_id=reminder_id):
                    self._acknowledge(person_id, reminder_id)
                case RunDoctor():
                    if self._doctor is not None:
                        out.append(self._doctor())
                case CancelEnrollment():
                    if self._capture is not None:
                        out.append(EnrollmentFinished(None, "", 0, 0, ok=False,
                                                      error="cancelled"))
                    self._capture = None

    def _acknowledge(self, person_id: UUID, reminder_id: str) -> None:
        """A touch on "Got it" (kiosk.app.reminders): a reminder_ack event, status kept."""
        acknowledge = getattr(self._desk, "acknowledge_reminder", None)
        if acknowledge is None:
            log.error("reminder acknowledgement ignored: the desk cannot record it")
            return
        if acknowledge(person_id, reminder_id, self._clock()):
            log.info("reminder %s acknowledged by %s", reminder_id, person_id)

    def _settings_request(self, request: LoadSettings | SaveSettings) -> list[KioskState]:
        """The admin settings screen (kiosk.app.admin_settings); needs a StoreDesk."""
        desk = self._desk
        if not isinstance(desk, admin_settings.SettingsDesk):
            log.error("settings request ignored: the desk cannot save settings")
            return []
        if isinstance(request, LoadSettings):
            return [admin_settings.settings_view(desk, self._recognizer)]
        saved = admin_settings.save_settings(request, desk, self._recognizer, self._camera)
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
