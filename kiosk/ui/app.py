"""Running the kiosk screen: QApplication, window, camera thread, inference worker, shutdown.

``run_kiosk_app`` is called by ``kiosk run`` on the main thread and returns the exit code
once the window closes, a time limit passes, enough punches were made, or a finite camera
source (file, folder) ended in offscreen mode. Everything it started is stopped and joined
before it returns: no thread or window outlives it.
"""

from __future__ import annotations

import logging
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk.app.admin_lockout import AdminLockout
from kiosk.app.checkin import CheckInEngine
from kiosk.app.state import CameraPhase, CameraState, Greeting
from kiosk.camera import CameraReader, LatestFrameBuffer
from kiosk.ui.window import KioskWindow
from kiosk.ui.workers import InferenceWorker

log = logging.getLogger(__name__)

VIETNAMESE_SAMPLE = "Đi muộn 12 phút — Nguyễn Thị Hồng"


class KioskParts(Protocol):
    """What the composition root (kiosk.app.runtime) hands to the screen."""

    camera: CameraReader
    preview_frames: LatestFrameBuffer
    language: Literal["vi", "en"]
    zone_name: str
    card_seconds: float
    admin_timeout_s: float
    fullscreen: bool
    sound: bool
    admin_pin_hash: str | None
    admin_lockout: AdminLockout  # wrong admin PINs, kept in the store

    def build_engine(self) -> CheckInEngine: ...

    def camera_drops(self) -> int: ...

    def start_background(self) -> None: ...

    def stop_background(self) -> None: ...


@dataclass
class RunLimits:
    """When a headless run stops: seconds, punches, and whether the source ending stops it."""

    max_seconds: float | None = None
    exit_after_punches: int | None = None
    exit_when_camera_ends: bool = False


@dataclass
class RunReport:
    punches: int = 0
    repeats: int = 0
    greetings: int = 0
    frames_shown: int = 0
    frames_analysed: int = 0
    frames_dropped: int = 0
    seconds: float = 0.0
    threads_stopped: bool = False  # the inference QThread and the camera thread both ended


def use_kiosk_font() -> None:
    """The application font every kiosk screen is laid out for: a family with Vietnamese
    diacritics (DejaVu Sans when installed), 14 pt. GUI thread, after QApplication exists."""
    fonts = vietnamese_font_families()
    if fonts:
        preferred = "DejaVu Sans" if "DejaVu Sans" in fonts else fonts[0]
        QApplication.setFont(QFont(preferred, 14))
    else:
        log.warning("no font with Vietnamese diacritics (install fonts-dejavu-core)")


def vietnamese_font_families() -> list[str]:
    """Font families fontconfig says cover Vietnamese (``fc-list :lang=vi``); [] if none."""
    try:
        result = subprocess.run(["fc-list", ":lang=vi", "family"], capture_output=True,
                                text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    families = {line.split(",")[0].strip() for line in result.stdout.splitlines()}
    return sorted(f for f in families if f)


def run_kiosk_app(parts: KioskParts, limits: RunLimits, *, offscreen: bool = False,
                  report: RunReport | None = None,
                  observer: Callable[[object], bool | None] | None = None) -> int:
    """Show the kiosk (main thread) until closed or a limit is reached; 0 on a clean exit.

    ``observer`` (benchmarks, tests) sees every state object on the GUI thread right after
    the window rendered it; returning True closes the window (ends the run).
    """
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication.instance() or QApplication([])
    use_kiosk_font()
    del app  # the instance lives on in Qt; the local name is not needed
    window = _make_window(parts)
    worker = InferenceWorker(parts.build_engine)
    report = report if report is not None else RunReport()
    started = time.monotonic()
    exit_code = [0]

    def on_state(state: object) -> None:
        if not window.isVisible():
            return  # closing: states still queued from the worker are dropped
        window.show_state(state)
        if observer is not None and observer(state):
            QTimer.singleShot(0, window.close)
        _follow_limits(state, window, report, limits)

    def on_failed(message: str) -> None:
        exit_code[0] = 2
        window.close()

    worker.state.connect(on_state)
    worker.failed.connect(on_failed)
    window.request.connect(worker.submit)
    if limits.max_seconds:
        QTimer.singleShot(int(limits.max_seconds * 1000), window.close)
    loop = QEventLoop()
    window.closed.connect(loop.quit)
    worker.start()
    parts.camera.start()
    parts.start_background()
    if parts.fullscreen and not offscreen:
        show_full_screen(window)
    else:
        window.resize(1280, 800)
        window.show()
    try:
        loop.exec()
    finally:
        _shutdown(parts, window, worker, report)
        report.seconds = time.monotonic() - started
    return exit_code[0]


def _make_window(parts: KioskParts) -> KioskWindow:
    return KioskWindow(language=parts.language,
                       zone=ZoneInfo(parts.zone_name), card_seconds=parts.card_seconds,
                       admin_timeout_s=parts.admin_timeout_s,
                       admin_pin_hash=parts.admin_pin_hash,
                       preview_buffer=parts.preview_frames, sound=parts.sound,
                       admin_lockout=parts.admin_lockout)


def _follow_limits(state: object, window: KioskWindow, report: RunReport,
                   limits: RunLimits) -> None:
    """Count a greeting in ``report``; close the window (soon) when a run limit is reached."""
    if isinstance(state, Greeting):
        report.greetings += 1
        if not state.repeat:
            report.punches += 1
        else:
            report.repeats += 1
        if limits.exit_after_punches and report.punches >= limits.exit_after_punches:
            QTimer.singleShot(0, window.close)
    if (limits.exit_when_camera_ends and isinstance(state, CameraState)
            and state.phase is CameraPhase.ENDED):
        QTimer.singleShot(500, window.close)  # let the last frames' states arrive


def show_full_screen(window: KioskWindow) -> None:
    """Full screen on X11 with or without a window manager, and under a Wayland kiosk
    compositor (cage).

    ``showFullScreen`` only asks a window manager (_NET_WM_STATE_FULLSCREEN). Without one
    (bare X, Xvfb) the window kept its default size, the layout's minimum (1274x652 px), and
    left a 148 px band below it; an explicit geometry is clamped to that same minimum, so on
    800x480 or 1024x600 panels the window overflowed the screen instead. The window is
    therefore fixed to the screen's size (the screen geometry tests lay the window out at
    each supported size this way) and follows the screen when its resolution changes.
    Frameless: Qt's Wayland client otherwise draws its own title bar and borders.
    """
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint)
    screen = window.screen() or QApplication.primaryScreen()
    window.fit_to_screen(screen.geometry())
    screen.geometryChanged.connect(window.fit_to_screen)  # a slot: ends with the window
    window.showFullScreen()


def _shutdown(parts: KioskParts, window: KioskWindow, worker: InferenceWorker,
              report: RunReport) -> None:
    window.shutdown()
    parts.camera.stop()
    if not worker.stop():
        log.error("the inference worker did not stop within 10 s")
    parts.stop_background()
    report.threads_stopped = worker.isFinished() and not parts.camera.is_alive()
    report.frames_shown = window.preview.frames_shown
    report.frames_dropped = parts.camera_drops()
    if worker.engine is not None:
        report.frames_analysed = worker.engine.counters.frames_analysed
    window.close()
    window.deleteLater()
    QApplication.processEvents()
    log.info("kiosk stopped: %d punches, %d repeats, %d frames shown, %d analysed",
             report.punches, report.repeats, report.frames_shown, report.frames_analysed)
