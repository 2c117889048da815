"""Reading QR badges from camera frames (OpenCV's QR detector), at a bounded rate.

A badge's QR code holds ``fa-badge:<token>`` (attendance.pins); any other QR code is
ignored. Detecting on a 640x480 frame took 4-10 ms on the development machine (x86; 36 ms on
pure noise; measure on the kiosk's board), so it runs at most once per ``min_interval_s``
(4 per second: a few percent of one core), and the same token is reported once per
``repeat_after_s`` (a badge held up for two seconds is one check-in attempt, not eight).
Not thread safe: one scanner per inference thread.
"""

from __future__ import annotations

import cv2

from attendance import pins
from faceid.types import ImageBGR

MIN_INTERVAL_S = 0.25
REPEAT_AFTER_S = 5.0


class BadgeScanner:
    def __init__(self, min_interval_s: float = MIN_INTERVAL_S,
                 repeat_after_s: float = REPEAT_AFTER_S) -> None:
        self._detector = cv2.QRCodeDetector()
        self._min_interval_s = min_interval_s
        self._repeat_after_s = repeat_after_s
        self._next_scan_s = float("-inf")
        self._last_token: str | None = None
        self._last_until_s = float("-inf")
        self.scans = 0  # frames actually scanned (for tests and benchmarks)

    def scan(self, image: ImageBGR, now_s: float) -> str | None:
        """The badge token seen in ``image`` (``now_s``: monotonic seconds), or None when
        it is too soon to scan, nothing readable is there, or it repeats the last token."""
        if now_s < self._next_scan_s:
            return None
        self._next_scan_s = now_s + self._min_interval_s
        self.scans += 1
        try:
            text, _points, _straight = self._detector.detectAndDecode(image)
        except cv2.error:
            return None  # a frame the detector cannot handle is simply not a badge
        token = pins.token_from_payload(text) if text else None
        if token is None:
            return None
        if token == self._last_token and now_s < self._last_until_s:
            return None
        self._last_token, self._last_until_s = token, now_s + self._repeat_after_s
        return token
