"""Clocks: the only way the domain core learns what time it is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current instant, timezone-aware UTC.

    The domain functions take instants, not clocks: a caller passes ``clock.now()`` as the
    ``now`` of ``DayContext`` / ``build_day_summaries``, so a replay or a test fixes time.
    Implementations must be safe to call from any thread.
    """

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that says what it is told; ``set`` and ``advance`` move it (tests, replays)."""

    def __init__(self, instant: datetime) -> None:
        self._now = require_utc(instant, "FixedClock instant")

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = require_utc(instant, "FixedClock instant")

    def advance(self, by: timedelta) -> None:
        self._now += by


def require_utc(instant: datetime, what: str) -> datetime:
    """``instant`` converted to UTC; a naive datetime is refused (it has no meaning here)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {instant.isoformat()}")
    return instant.astimezone(UTC)
