"""In-process rate limits for the endpoints that guess secrets: provisioning codes and admin
passwords. Per client address, sliding window; state lives on the app (one per process, so
with N uvicorn workers the effective limit is N times higher: still enough to make guessing a
10-character code or a 12-character password hopeless).
"""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass, field

from fastapi import Request

from sync_server.errors import ServerError

PROVISION_ATTEMPTS = 20  # per window per address: a site provisions a handful of kiosks
ADMIN_FAILURES = 10  # failed admin logins per window per address before refusing all
WINDOW_S = 300.0


class TooManyRequests(ServerError):
    status = 429
    title = "Too many requests"


@dataclass
class SlidingWindow:
    """Counts events per key over the last ``window_s`` seconds (thread safe)."""

    limit: int
    window_s: float = WINDOW_S
    _events: dict[str, collections.deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, key: str) -> int:
        with self._lock:
            return len(self._trimmed(key, time.monotonic()))

    def add(self, key: str) -> int:
        with self._lock:
            events = self._trimmed(key, time.monotonic())
            events.append(time.monotonic())
            return len(events)

    def _trimmed(self, key: str, now: float) -> collections.deque[float]:
        events = self._events.setdefault(key, collections.deque())
        while events and events[0] <= now - self.window_s:
            events.popleft()
        if not events and len(self._events) > 10_000:
            self._events.clear()  # bound memory under a spray of addresses
            events = self._events.setdefault(key, collections.deque())
        return events


def _windows(request: Request) -> dict[str, SlidingWindow]:
    state = request.app.state
    windows = getattr(state, "rate_windows", None)
    if windows is None:
        windows = {"provision": SlidingWindow(PROVISION_ATTEMPTS),
                   "admin": SlidingWindow(ADMIN_FAILURES)}
        state.rate_windows = windows
    return windows


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def check_provision_attempt(request: Request) -> None:
    """Count one provisioning attempt; 429 past the limit."""
    if _windows(request)["provision"].add(client_address(request)) > PROVISION_ATTEMPTS:
        raise TooManyRequests(f"more than {PROVISION_ATTEMPTS} provisioning attempts in "
                              f"{WINDOW_S:g} s from this address; wait and retry")


def check_admin_allowed(request: Request) -> None:
    """Refuse every admin login from an address with too many recent failures."""
    if _windows(request)["admin"].count(client_address(request)) >= ADMIN_FAILURES:
        raise TooManyRequests(f"too many failed admin logins from this address; wait "
                              f"{WINDOW_S:g} s")


def note_admin_failure(request: Request) -> None:
    _windows(request)["admin"].add(client_address(request))
