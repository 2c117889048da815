"""Check-in by PIN or QR badge: identify offline, then punch exactly like a face.

For people who decline face recognition. The identity comes from a hash published by the
server (kiosk.store.alt_checkin); the punch goes through StoreDesk.punch with source "pin"
or "qr", so the cooldown, the verdict, the greeting and the outbox are the face path's.
Liveness does not apply: a PIN or badge proves knowledge or possession, not presence.

Wrong PINs are counted per employee code as typed; the PIN_LOCK_AFTER-th wrong PIN in a row
locks that code for PIN_LOCK_FOR (audited in the kiosk's audit log). The screen never says
whether the code or the PIN was wrong, and an unknown code costs the same scrypt time as a
known one, so the keypad does not reveal which codes exist. Runs on the inference worker
thread (every call blocks on SQLite and on scrypt, tens of milliseconds).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import cache

from attendance import pins
from kiosk.app.desk import StoreDesk
from kiosk.app.state import AltCheckinRefused, AltRefusal, Greeting
from kiosk.store import PunchSource

log = logging.getLogger(__name__)

PIN_LOCK_AFTER = 5
PIN_LOCK_FOR = timedelta(minutes=5)


@cache
def _decoy_hash() -> str:
    """A hash to verify against when the code is unknown (same cost as a real check)."""
    return pins.hash_pin("58213")


class AltCheckinDesk:
    """PIN and badge check-ins over a StoreDesk (same worker thread, same store)."""

    def __init__(self, desk: StoreDesk, actor: str = "kiosk") -> None:
        self._desk = desk
        self._actor = actor

    def punch_with_pin(self, employee_code: str, pin: str,
                       at: datetime) -> Greeting | AltCheckinRefused:
        """Punch the person with ``employee_code`` if ``pin`` is theirs (``at``: UTC)."""
        code = employee_code.strip()
        if not code or not pin:
            return AltCheckinRefused(AltRefusal.WRONG_PIN, attempts_left=PIN_LOCK_AFTER)
        credentials = self._desk.store.alt_checkin
        state = credentials.failures(code)
        if state.locked_until is not None and state.locked_until > at:
            return AltCheckinRefused(AltRefusal.LOCKED, locked_until=state.locked_until)
        found = credentials.person_for_code(code)
        stored = found[1] if found is not None and found[1] else None
        if not self._pin_matches(pin, stored) or found is None:
            counted = credentials.record_failure(code, at, PIN_LOCK_AFTER, PIN_LOCK_FOR)
            if counted.locked_until is not None:
                log.warning("PIN check-in locked for code %r until %s", code,
                            counted.locked_until.isoformat())
                self._desk.store.audit_log.record(self._actor, "pin_locked", code,
                                       {"failures": counted.failures,
                                        "locked_until": counted.locked_until.isoformat()})
                return AltCheckinRefused(AltRefusal.LOCKED, locked_until=counted.locked_until)
            return AltCheckinRefused(AltRefusal.WRONG_PIN,
                                     attempts_left=PIN_LOCK_AFTER - counted.failures)
        credentials.clear_failures(code)
        return self._desk.punch(found[0].id, at, PunchSource.PIN)

    def punch_with_badge(self, token: str, at: datetime) -> Greeting | AltCheckinRefused:
        """Punch the holder of the badge ``token`` (the text after the QR prefix)."""
        person = self._desk.store.alt_checkin.person_for_badge(pins.badge_token_hash(token))
        if person is None:
            return AltCheckinRefused(AltRefusal.UNKNOWN_BADGE)
        return self._desk.punch(person.id, at, PunchSource.QR)

    @staticmethod
    def _pin_matches(pin: str, stored: str | None) -> bool:
        try:
            matched = pins.verify_pin(pin, stored or _decoy_hash())
        except ValueError as exc:  # a malformed hash from the feed: refuse, say why in the log
            log.error("stored PIN hash is unusable: %s", exc)
            return False
        return matched and stored is not None
