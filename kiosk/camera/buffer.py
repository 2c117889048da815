"""A bounded latest-frame buffer: the consumer always gets the newest frame, never a backlog."""

from __future__ import annotations

import threading

from kiosk.camera.frames import Frame


class LatestFrameBuffer:
    """Holds at most one frame. ``put`` replaces an unread frame and counts it as dropped.

    Thread-safe: the camera thread calls ``put``; one consumer thread calls ``get``.
    Frames that arrive while the consumer is busy (inference) are dropped, never queued, so
    memory is bounded and the consumer never falls behind the camera.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._frame: Frame | None = None
        self._closed = False
        self.put_count = 0
        self.dropped_count = 0

    def put(self, frame: Frame) -> None:
        """Store ``frame`` as the newest one (camera thread)."""
        with self._condition:
            if self._frame is not None:
                self.dropped_count += 1
            self._frame = frame
            self.put_count += 1
            self._condition.notify_all()

    def get(self, timeout_s: float | None = None) -> Frame | None:
        """Take the newest frame, waiting up to ``timeout_s`` seconds; None on timeout/close."""
        with self._condition:
            if self._frame is None and not self._closed:
                self._condition.wait(timeout_s)
            frame, self._frame = self._frame, None
            self._condition.notify_all()
            return frame

    def take_nowait(self) -> Frame | None:
        """The newest unread frame or None, without waiting (e.g. a GUI repaint timer)."""
        with self._condition:
            frame, self._frame = self._frame, None
            self._condition.notify_all()
            return frame

    def wait_until_taken(self, timeout_s: float) -> bool:
        """Block until the consumer took the pending frame (lock-step replay); False on timeout."""
        with self._condition:
            return self._condition.wait_for(lambda: self._frame is None or self._closed,
                                            timeout_s)

    def close(self) -> None:
        """Wake any waiting consumer; later ``get`` calls return at once."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()
