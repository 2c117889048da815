"""Choosing the gallery-aware operating point off the inference thread.

At 5,000 people choosing the point (faceid.operating_point.for_gallery: every cross-person
template pair) takes seconds; the inference thread must not stop deciding for that. When the
gallery changes and a point is already in use, the recognizer keeps deciding with the OLD
point and hands the new gallery's templates to this worker; the new point is picked up
between frames once it is ready (``take``). One computation at a time, on its own short-lived
thread ("operating-point"); a newer request made meanwhile runs right after it, so the
point that arrives last is the newest gallery's. The choice is pure (numpy, no store): the
recognizer stores it, on the inference thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from faceid.errors import FaceIdError

log = logging.getLogger(__name__)

Job = Callable[[], Any]  # computes one point (the worker thread calls it)


class PointWorker:
    """Runs point computations one at a time and keeps the newest finished result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._next: tuple[Job, object] | None = None  # requested while one was running
        self._ready: tuple[object, Any] | None = None  # (tag, point) not taken yet

    def submit(self, job: Job, tag: object) -> None:
        """Compute ``job()`` off this thread; ``tag`` comes back with its result."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._next = (job, tag)
                return
            self._start(job, tag)

    def _start(self, job: Job, tag: object) -> None:
        self._thread = threading.Thread(target=self._run, args=(job, tag),
                                        name="operating-point", daemon=True)
        self._thread.start()

    def _run(self, job: Job, tag: object) -> None:
        try:
            point = job()
        except (FaceIdError, ValueError, ArithmeticError, MemoryError):
            log.exception("choosing the operating point failed: the previous one stays")
            point = None
        with self._lock:
            if point is not None:
                self._ready = (tag, point)
            waiting, self._next = self._next, None
            if waiting is not None:
                self._start(*waiting)

    def take(self) -> tuple[object, Any] | None:
        """The newest finished (tag, point), once; None when nothing new is ready."""
        with self._lock:
            ready, self._ready = self._ready, None
            return ready

    def wait(self, timeout_s: float = 30.0) -> None:
        """Wait (at most ``timeout_s`` s per computation) until nothing runs or waits."""
        while True:
            with self._lock:
                thread = self._thread
            if thread is None or not thread.is_alive():
                return
            thread.join(timeout_s)
            if thread.is_alive():
                return

    def close(self, timeout_s: float = 30.0) -> None:
        """Drop any waiting request and wait for the running computation to end."""
        with self._lock:
            self._next = None
        self.wait(timeout_s)
