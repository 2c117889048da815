"""One captured frame: pixels plus when and in which order it was captured."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from faceid.types import ImageBGR


@dataclass(frozen=True)
class Frame:
    """A BGR uint8 image (H x W x 3) captured at ``captured_at`` (timezone-aware UTC).

    ``seq`` counts frames delivered by one reader since it started (0, 1, 2, ...), so a
    consumer can tell how many frames it skipped. ``monotonic_s`` is time.monotonic() at
    capture, for latency measurements that must not jump with the wall clock.
    """

    image: ImageBGR
    captured_at: datetime
    seq: int
    monotonic_s: float
    source: str = ""
