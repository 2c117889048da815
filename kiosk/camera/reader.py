"""The camera thread: reads a source, fills latest-frame buffers, survives a failing camera."""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from kiosk.camera.buffer import LatestFrameBuffer
from kiosk.camera.frames import Frame
from kiosk.camera.sources import FrameSource
from kiosk.errors import CameraError

log = logging.getLogger(__name__)


class CameraStatus(enum.Enum):
    STARTING = "starting"
    LIVE = "live"
    OFFLINE = "offline"  # failed; retrying with backoff
    ENDED = "ended"  # a finite source (file, folder) reached its end
    STOPPED = "stopped"


StatusCallback = Callable[[CameraStatus, str], None]


class CameraReader:
    """A plain daemon thread that moves frames from ``source`` into every buffer in ``sinks``.

    Non-live sources (files, folders) are paced at ``source.fps`` when ``realtime`` is true,
    else read as fast as the consumer allows. When the source raises CameraError the reader
    reports OFFLINE and re-opens it after a backoff that doubles from ``retry_initial_s`` up to
    ``retry_max_s`` seconds, and reports LIVE again once a frame arrives. With ``lockstep``
    (recordings only: tests, benchmarks) the reader waits until the first sink's frame was
    taken before reading the next, so no frame is dropped. ``on_status`` is
    called on the camera thread with (status, detail): keep it short and thread-safe.
    """

    def __init__(self, source: FrameSource, sinks: Sequence[LatestFrameBuffer], *,
                 on_status: StatusCallback | None = None, realtime: bool = True,
                 retry_initial_s: float = 0.5, retry_max_s: float = 10.0,
                 lockstep: bool = False) -> None:
        self.source = source
        self._sinks = list(sinks)
        self._on_status = on_status
        self._realtime = realtime
        self._retry_initial_s = retry_initial_s
        self._retry_max_s = retry_max_s
        self._lockstep = lockstep and not source.is_live
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="camera-reader", daemon=True)
        self.status = CameraStatus.STARTING
        self.detail = ""
        self.frames_read = 0
        self.failures = 0
        self._next_source: FrameSource | None = None

    def switch_source(self, source: FrameSource) -> None:
        """Read ``source`` from now on (any thread): the camera thread closes the current
        source after its frame in hand and opens the new one (admin settings screen)."""
        self._next_source = source

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Ask the thread to end and wait up to ``timeout_s`` seconds (any thread)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def _report(self, status: CameraStatus, detail: str = "") -> None:
        if status is self.status and status is not CameraStatus.OFFLINE:
            return
        self.status = status
        self.detail = detail
        log.info("camera %s: %s %s", self.source.name, status.value, detail)
        if self._on_status is not None:
            self._on_status(status, detail)

    def _run(self) -> None:
        delay = self._retry_initial_s
        while not self._stop.is_set():
            if self._next_source is not None:
                self.source, self._next_source = self._next_source, None
                self._lockstep = self._lockstep and not self.source.is_live
                delay = self._retry_initial_s
            try:
                self.source.open()
                ended = self._pump()
                delay = self._retry_initial_s
            except CameraError as exc:
                self.failures += 1
                self._report(CameraStatus.OFFLINE, str(exc))
                self._close_quietly()
                self._stop.wait(delay if self._next_source is None else 0.0)
                delay = min(delay * 2.0, self._retry_max_s)
                continue
            self._close_quietly()
            if ended:
                self._report(CameraStatus.ENDED)
                break
        if self.status is not CameraStatus.ENDED:
            self._report(CameraStatus.STOPPED)

    def _pump(self) -> bool:
        """Read until stop (False) or the end of a finite source (True). Raises CameraError."""
        period = 1.0 / self.source.fps if self.source.fps > 0 else 0.0
        next_due = time.monotonic()
        while not self._stop.is_set() and self._next_source is None:
            image = self.source.read()
            if image is None:
                return True
            now_mono = time.monotonic()
            frame = Frame(image=image, captured_at=datetime.now(UTC), seq=self.frames_read,
                          monotonic_s=now_mono, source=self.source.name)
            self.frames_read += 1
            for sink in self._sinks:
                sink.put(frame)
            self._report(CameraStatus.LIVE)
            if self._lockstep and self._sinks:
                while not self._stop.is_set() and not self._sinks[0].wait_until_taken(0.2):
                    pass
            if self._realtime and not self.source.is_live and period > 0:
                next_due = max(next_due + period, now_mono)
                self._stop.wait(max(0.0, next_due - time.monotonic()))
        return False

    def _close_quietly(self) -> None:
        try:
            self.source.close()
        except CameraError as exc:
            log.debug("closing %s failed: %s", self.source.name, exc)
