"""In-process rate limits for the endpoints that guess secrets: provisioning codes. Per
client address (as sync_server.api.proxies settled it), sliding window; state lives on the
app (one per process, so with N uvicorn workers the effective limit is N times higher:
still enough to make guessing a 10-character code hopeless). Logins have their own
throttle in the database (sync_server.service.login_throttle).

Memory is bounded without forgetting: at most ``max_keys`` addresses are tracked one by
one; past that, every new address shares one overflow counter, so a spray of addresses
slows down its own newcomers instead of wiping everyone's counts.
"""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass, field

from fastapi import Request

from sync_server.errors import ServerError

PROVISION_ATTEMPTS = 20  # per window per address: a site provisions a handful of kiosks
WINDOW_S = 300.0
MAX_KEYS = 10_000
OVERFLOW_KEY = "\0overflow"


class TooManyRequests(ServerError):
    """429; ``retry_after_s`` (seconds), when known, becomes the ``Retry-After`` header."""

    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, retry_after_s: float | None = None) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


@dataclass
class SlidingWindow:
    """Counts events per key over the last ``window_s`` seconds (thread safe)."""

    limit: int
    window_s: float = WINDOW_S
    max_keys: int = MAX_KEYS
    _events: dict[str, collections.deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, key: str) -> int:
        with self._lock:
            return len(self._trimmed(key, time.monotonic()))

    def add(self, key: str) -> int:
        with self._lock:
            now = time.monotonic()
            events = self._trimmed(key, now)
            events.append(now)
            return len(events)

    def _trimmed(self, key: str, now: float) -> collections.deque[float]:
        if key not in self._events and len(self._events) >= self.max_keys:
            self._forget_idle(now)
            if len(self._events) >= self.max_keys:
                key = OVERFLOW_KEY
        events = self._events.setdefault(key, collections.deque())
        while events and events[0] <= now - self.window_s:
            events.popleft()
        return events

    def _forget_idle(self, now: float) -> None:
        """Drop the keys whose every event has left the window (they count 0 anyway)."""
        idle = [key for key, events in self._events.items()
                if key != OVERFLOW_KEY and (not events or events[-1] <= now - self.window_s)]
        for key in idle:
            del self._events[key]


def _windows(request: Request) -> dict[str, SlidingWindow]:
    state = request.app.state
    windows = getattr(state, "rate_windows", None)
    if windows is None:
        windows = {"provision": SlidingWindow(PROVISION_ATTEMPTS)}
        state.rate_windows = windows
    return windows


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def check_provision_attempt(request: Request) -> None:
    """Count one provisioning attempt; 429 past the limit."""
    if _windows(request)["provision"].add(client_address(request)) > PROVISION_ATTEMPTS:
        raise TooManyRequests(f"more than {PROVISION_ATTEMPTS} provisioning attempts in "
                              f"{WINDOW_S:g} s from this address; wait and retry")
