"""QThread workers. They only emit immutable state objects; the GUI thread renders them."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QThread, Signal

from kiosk.app.checkin import CheckInEngine
from kiosk.app.requests import WorkerRequest
from kiosk.errors import EXPECTED_ERRORS
from kiosk.hw import sdnotify

log = logging.getLogger(__name__)


class InferenceWorker(QThread):
    """Builds the CheckInEngine on its own thread, then steps it until interrupted.

    ``state`` carries KioskState objects (queued to the GUI thread). ``failed`` carries a
    message when the engine cannot be built at all (for example the store cannot be opened).
    ``submit`` may be called from the GUI thread at any time, also before the engine exists.
    """

    state = Signal(object)
    failed = Signal(str)

    def __init__(self, engine_factory: Callable[[], CheckInEngine],
                 step_timeout_s: float = 0.1) -> None:
        super().__init__()
        self._engine_factory = engine_factory
        self._step_timeout_s = step_timeout_s
        self._pending: list[WorkerRequest] = []
        self._lock = threading.Lock()
        self.engine: CheckInEngine | None = None

    def submit(self, request: object) -> None:
        """Forward a WorkerRequest to the engine (GUI thread)."""
        with self._lock:
            if self.engine is None:
                self._pending.append(request)  # type: ignore[arg-type]
                return
        self.engine.submit(request)  # type: ignore[arg-type]

    def run(self) -> None:
        try:
            engine = self._engine_factory()
        except EXPECTED_ERRORS as exc:
            log.error("the kiosk engine could not start: %s", exc)
            self.failed.emit(str(exc))
            return
        with self._lock:
            for request in self._pending:
                engine.submit(request)
            self._pending.clear()
            self.engine = engine
        # Under systemd (Type=notify, WatchdogSec=) the frame loop is what proves the kiosk
        # alive: READY once it runs, then a watchdog ping at least every WatchdogSec/2.
        sdnotify.ready("checking in")
        ping_every_s = sdnotify.watchdog_interval_s()
        next_ping = time.monotonic()
        try:
            while not self.isInterruptionRequested():
                for item in engine.step(self._step_timeout_s):
                    self.state.emit(item)
                if ping_every_s is not None and time.monotonic() >= next_ping:
                    sdnotify.watchdog_ping()
                    next_ping = time.monotonic() + ping_every_s
        except EXPECTED_ERRORS as exc:
            log.error("the kiosk engine stopped: %s", exc)
            self.failed.emit(str(exc))
        finally:
            engine.close()

    def stop(self, timeout_ms: int = 10000) -> bool:
        """Ask the thread to finish and wait (GUI thread). True when it has finished."""
        self.requestInterruption()
        return self.wait(timeout_ms)
