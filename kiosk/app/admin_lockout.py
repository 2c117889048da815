"""Wrong admin PINs: attempts left, then a lockout that grows, kept in the kiosk store.

After ``MAX_FAILURES`` wrong PINs in a row the PIN pad locks for ``FIRST_LOCK_S`` seconds;
each further lockout before a right PIN doubles it, up to ``MAX_LOCK_S``. The count and the
lock end (UTC) are one JSON value in the store's key/value settings (``store.settings``,
key ``admin_pin_lockout``), so a restart neither clears the count nor lifts a lock. A right
PIN clears everything. A lock end further ahead than ``MAX_LOCK_S`` (the clock was set back)
is cut to that.

The key/value store is any object with ``get(key) -> str | None`` and ``set(key, value)``:
kiosk.store.device_settings.DeviceSettings in the kiosk, MemoryValues where none is given.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kiosk.store.records import utc_now

SETTING_KEY = "admin_pin_lockout"
MAX_FAILURES = 5
FIRST_LOCK_S = 60.0
MAX_LOCK_S = 3600.0


class KeyValues(Protocol):
    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...


class MemoryValues:
    """Key/values held in memory (a kiosk window built without a store: tests, demos)."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self._values.get(key)

    def set(self, key: str, value: str) -> None:
        self._values[key] = value


@dataclass(frozen=True)
class LockoutStatus:
    attempts_left: int  # wrong PINs still allowed before the next lock
    locked_for_s: float  # seconds until the pad opens again; 0 when open
    next_lock_s: float  # how long the next lock will last, seconds


class AdminLockout:
    """Counts wrong admin PINs in ``values``; ``clock`` returns UTC now."""

    def __init__(self, values: KeyValues | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self._values = values if values is not None else MemoryValues()
        self._clock = clock

    def status(self) -> LockoutStatus:
        failures, lockouts, until = self._load()
        left_s = 0.0
        if until is not None:
            left_s = min(max(0.0, (until - self._clock()).total_seconds()), MAX_LOCK_S)
        return LockoutStatus(MAX_FAILURES - failures, left_s, _lock_seconds(lockouts + 1))

    def record_failure(self) -> LockoutStatus:
        """One wrong PIN (while not locked): count it, lock after the last attempt."""
        failures, lockouts, _until = self._load()
        failures += 1
        until = None
        if failures >= MAX_FAILURES:
            lockouts += 1
            failures = 0
            until = self._clock() + timedelta(seconds=_lock_seconds(lockouts))
        self._save(failures, lockouts, until)
        return self.status()

    def record_success(self) -> None:
        self._save(0, 0, None)

    def _load(self) -> tuple[int, int, datetime | None]:
        raw = self._values.get(SETTING_KEY)
        if not raw:
            return 0, 0, None
        try:
            data = json.loads(raw)
            until = datetime.fromisoformat(data["locked_until"]) if data.get(
                "locked_until") else None
            return int(data["failures"]), int(data["lockouts"]), until
        except (ValueError, KeyError, TypeError):
            return MAX_FAILURES - 1, 1, None  # unreadable: one attempt left, not open-ended

    def _save(self, failures: int, lockouts: int, until: datetime | None) -> None:
        self._values.set(SETTING_KEY, json.dumps({
            "failures": failures, "lockouts": lockouts,
            "locked_until": until.isoformat() if until is not None else None}))


def _lock_seconds(lockout_number: int) -> float:
    """How long the n-th lockout in a row lasts: 60 s, 120 s, 240 s, ... at most an hour."""
    return min(FIRST_LOCK_S * math.pow(2, max(0, lockout_number - 1)), MAX_LOCK_S)
