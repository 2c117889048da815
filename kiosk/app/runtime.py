"""The composition root: builds camera, store desk, recognizer and sync from KioskSettings.

Each component gets only its own settings section. The camera reader is built here (main
thread) and started by the screen; the store desk and the recognizer are built by
``build_engine`` ON THE INFERENCE WORKER THREAD, because SQLite connections and ONNX Runtime
sessions are used by the thread that made them.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from kiosk.app.admin_lockout import AdminLockout
from kiosk.app.admin_pin import load_pin_hash
from kiosk.app.checkin import CheckInEngine
from kiosk.app.ports import AttendanceDesk, Recognizer
from kiosk.app.state import DoctorReport, EnrollmentFinished
from kiosk.camera import CameraReader, LatestFrameBuffer, open_source
from kiosk.errors import EXPECTED_ERRORS
from kiosk.settings import KioskSettings

if TYPE_CHECKING:
    from kiosk.app.desk import SyncHandle
    from kiosk.store import KioskStore

log = logging.getLogger(__name__)


class KioskRuntime:
    """Everything ``kiosk run`` needs, satisfying kiosk.ui.app.KioskParts.

    ``replay_every_frame``: for file/folder cameras in headless runs, analyse every frame
    (lock-step) instead of replaying in real time and dropping what inference cannot keep up
    with (the live behaviour). An image-folder camera shows each photo for
    ``folder_hold_frames`` frames followed by ``folder_blank_frames`` empty ones;
    ``loop_recording`` replays a file or folder forever.
    """

    def __init__(self, settings: KioskSettings, *, replay_every_frame: bool = False,
                 folder_hold_frames: int = 8, folder_blank_frames: int = 2,
                 loop_recording: bool = False, camera_retry_initial_s: float = 0.5,
                 models_retry_s: float = 10.0) -> None:
        self.settings = settings
        camera = settings.camera
        source = open_source(camera.source, width=camera.width, height=camera.height,
                             fps=camera.fps, hold_frames=folder_hold_frames,
                             blank_frames=folder_blank_frames, loop=loop_recording)
        self.inference_frames = LatestFrameBuffer()
        self.preview_frames = LatestFrameBuffer()
        self.camera = CameraReader(source, [self.inference_frames, self.preview_frames],
                                   realtime=not replay_every_frame,
                                   lockstep=replay_every_frame,
                                   retry_initial_s=camera_retry_initial_s)
        self.language = settings.ui.language
        self.zone_name = settings.site.timezone
        self.card_seconds = settings.ui.card_seconds
        self.admin_timeout_s = settings.ui.admin_timeout_s
        self.fullscreen = settings.ui.fullscreen
        self.sound = settings.ui.sound
        self.admin_pin_hash = load_pin_hash(settings.sync.credential_file.parent)
        self._lockout_store, self.admin_lockout = _admin_lockout(settings)
        self.sync = SyncRunner(settings)
        self._models_retry_s = models_retry_s

    def build_engine(self) -> CheckInEngine:
        """The check-in engine with its own store connection (inference worker thread)."""
        from kiosk.app.alt_checkin import AltCheckinDesk
        from kiosk.app.desk import StoreDesk
        from kiosk.hw.speech import build_speaker

        desk = StoreDesk.open(self.settings)
        desk.wake_sync = self.sync.wake  # an urgent reminder shown: report it at once
        desk.speaker = build_speaker(self.settings.greeting)
        door = None
        if self.settings.gpio.enabled:
            from kiosk.hw.gpio import DoorSignals

            door = DoorSignals(self.settings.gpio)
        return CheckInEngine(frames=self.inference_frames, camera=self.camera,
                             recognizer_factory=lambda: build_recognizer(self.settings, desk),
                             desk=desk, sync=self.sync, kiosk_name=self.settings.kiosk_name,
                             doctor=self.doctor_report, retry_models_s=self._models_retry_s,
                             door=door,
                             alt_checkin=AltCheckinDesk(desk, self.settings.kiosk_name))

    def doctor_report(self) -> DoctorReport:
        """The doctor's checks except the camera (this process holds it); worker thread."""
        from kiosk.app.doctor import run_checks

        results = run_checks(self.settings, skip_camera=True)
        return DoctorReport(tuple(r.line() for r in results), all(r.ok for r in results))

    def camera_drops(self) -> int:
        """Frames the camera delivered that inference never saw (dropped, not queued)."""
        return self.inference_frames.dropped_count

    def start_background(self) -> None:
        self.sync.start()

    def stop_background(self) -> None:
        self.sync.stop()
        if self._lockout_store is not None:
            self._lockout_store.close()
            self._lockout_store = None


def _admin_lockout(settings: KioskSettings) -> tuple[KioskStore | None, AdminLockout]:
    """The admin PIN lockout over the store's settings (GUI thread; the connection is
    thread safe). If the store cannot be opened here the count lives in memory and the
    worker reports the storage failure as usual."""
    from kiosk.store import open_store

    try:
        store = open_store(settings.store.path)
    except EXPECTED_ERRORS as exc:
        log.error("admin PIN lockout kept in memory only: %s", exc)
        return None, AdminLockout()
    return store, AdminLockout(store.settings)


def build_recognizer(settings: KioskSettings, desk: AttendanceDesk) -> Recognizer:
    """Load the model pack and the gallery (worker thread). Raises ModelError if missing."""
    from faceid.packs import load_pack
    from kiosk.app.recognition import PipelineRecognizer
    from kiosk.errors import ModelMissingError
    from kiosk.store.operating_point import save_operating_point, stored_operating_point

    pack = load_pack(settings.vision.pack, settings.models.dir, threads=settings.vision.threads)
    if pack.liveness is None and settings.vision.require_liveness:
        raise ModelMissingError(
            f"pack {pack.name} has no liveness models installed, so printed photos and phone "
            "screens would check people in: run `kiosk models install minifasnet-v2 "
            "minifasnet-v1se --from DIR` (or set vision.require_liveness = false to accept "
            "that risk)")
    desk.use_pack(pack)  # enrollment at the kiosk reuses the loaded sessions
    desk.reenroll(pack.embedder)  # a new pack: templates rebuilt from stored chips first
    # the desk's vision section: it includes thresholds changed on the admin settings screen
    return PipelineRecognizer(pack, desk.settings.vision, desk.templates_for,
                              on_operating_point=lambda point: save_operating_point(
                                  desk.store, point),
                              stored_point=lambda: stored_operating_point(desk.store),
                              signature=desk.store.biometrics.gallery_signature,
                              code_people=desk.store.biometrics.code_people)


class SyncRunner:
    """Starts the store engineer's SyncWorker (a plain thread) when a server is configured.

    ``online()`` is what the status bar shows: None without a server, else whether the last
    exchange succeeded.
    """

    def __init__(self, settings: KioskSettings) -> None:
        self._settings = settings
        self._handle: SyncHandle | None = None
        self._lock = threading.Lock()

    def online(self) -> bool | None:
        """Any thread. False also while the first exchange has not happened yet."""
        if not self._settings.sync.server_url:
            return None
        handle = self._handle
        return bool(handle.online()) if handle is not None else False

    def wake(self) -> None:
        """Ask the running worker to sync now (any thread); nothing when not syncing."""
        handle = self._handle
        if handle is not None:
            handle.wake()

    def start(self) -> None:
        """Start syncing (main thread); a kiosk without a credential runs offline."""
        if not self._settings.sync.server_url:
            return
        from kiosk.app.desk import start_sync_worker

        try:
            handle = start_sync_worker(self._settings)
        except EXPECTED_ERRORS as exc:
            log.error("sync not started, punches stay in the outbox: %s", exc)
            return
        with self._lock:
            self._handle = handle

    def stop(self) -> None:
        with self._lock:
            handle, self._handle = self._handle, None
        if handle is not None:
            handle.stop()


def enroll_from_folder(settings: KioskSettings, *, person_id: UUID | None, name: str,
                       department: str, folder: Path, consent_version: str,
                       collected_by: str) -> EnrollmentFinished:
    """``kiosk enroll``: enroll one person from the photos in ``folder`` (CLI thread)."""
    from faceid.imageio import read_image
    from kiosk.app.desk import StoreDesk

    paths = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".bmp", ".webp"))
    images = [read_image(p) for p in paths]
    desk = StoreDesk.open(settings)
    try:
        return desk.enroll(person_id, name, images, consent_version, collected_by,
                           department=department, image_names=[p.name for p in paths])
    finally:
        desk.close()
