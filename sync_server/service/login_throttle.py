"""The login throttle: growing delays per (username, client address), never a lock-out.

Failed logins are rows of ``login_failures`` (one table for every server process, so
``uvicorn --workers`` count together). Two subjects are counted for each failure:

- the pair (username, address): after ``free_per_pair`` failures within ``window_s`` the
  next try from that address for that username must wait ``base_delay_s``, doubling with
  every further failure up to ``max_delay_s``;
- the address alone, with ``free_per_address`` free failures (one address guessing many
  usernames), then the same doubling.

A try during a delay is refused (429 with ``Retry-After``) and counts as a failure of the
pair, so hammering only lengthens that wait; it does not count for the address, so people
behind one shared address (an office's NAT) retrying their own logins do not lengthen each
other's wait. Nothing is counted per username alone: the real admin,
from their own address, logs in while an attacker elsewhere is being slowed down. The
client address is the one sync_server.api.proxies settled (trusted proxies only).
Each method works in the caller's transaction.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.web_models import LoginFailure


class LoginThrottle:
    """Growing delays after failed logins (module docstring); ``scope`` separates doors
    (the web login form, the admin API's HTTP Basic)."""

    def __init__(self, scope: str = "web", free_per_pair: int = 5,
                 free_per_address: int = 20, base_delay_s: float = 5.0,
                 max_delay_s: float = 900.0, window_s: float = 900.0) -> None:
        self.scope = scope
        self.free = {"p": free_per_pair, "a": free_per_address}
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.window = timedelta(seconds=window_s)

    def _subjects(self, username: str, address: str) -> dict[str, str]:
        user = username.strip().lower()[:150]
        return {"p": f"{self.scope}:p:{user}|{address[:100]}",
                "a": f"{self.scope}:a:{address[:100]}"}

    def delay_after(self, failures: int, kind: str = "p") -> float:
        """Seconds to wait after ``failures`` failures of a subject of ``kind``."""
        over = failures - self.free[kind]
        if over < 0:
            return 0.0
        return min(self.base_delay_s * 2.0 ** min(over, 40), self.max_delay_s)

    def retry_after(self, session: Session, username: str, address: str) -> float:
        """Seconds before ``username`` may try again from ``address`` (0: now)."""
        subjects = self._subjects(username, address)
        now = utc_now()
        rows = session.execute(
            select(LoginFailure.subject, func.count(), func.max(LoginFailure.at))
            .where(LoginFailure.subject.in_(subjects.values()),
                   LoginFailure.at >= now - self.window)
            .group_by(LoginFailure.subject)).all()
        kinds = {subject: kind for kind, subject in subjects.items()}
        wait = 0.0
        for subject, count, last in rows:
            delay = self.delay_after(int(count), kinds[subject])
            wait = max(wait, (last + timedelta(seconds=delay) - now).total_seconds())
        return wait

    def failed(self, session: Session, username: str, address: str) -> None:
        """Count a wrong password; forget failures older than the window."""
        now = utc_now()
        session.execute(delete(LoginFailure).where(LoginFailure.at < now - self.window))
        for subject in self._subjects(username, address).values():
            session.add(LoginFailure(id=uuid.uuid4(), subject=subject, at=now))

    def refused(self, session: Session, username: str, address: str) -> None:
        """Count a try made during a delay, for the pair only (module docstring)."""
        session.add(LoginFailure(id=uuid.uuid4(), subject=self._subjects(username, address)["p"],
                                 at=utc_now()))

    def succeeded(self, session: Session, username: str, address: str) -> None:
        """A right password: that pair's failures are forgotten (the address's stay)."""
        pair = self._subjects(username, address)["p"]
        session.execute(delete(LoginFailure).where(LoginFailure.subject == pair))
