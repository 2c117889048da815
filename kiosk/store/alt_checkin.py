"""PIN and QR badge credentials on the kiosk: hashes from the feed, wrong-PIN bookkeeping.

The hashes live on the ``people`` row, sealed with the data key (kiosk.store.identity), so
erasing a person erases them and a copied file without the key has none to guess at.
Each person upsert of the feed carries the current ``pin_hash`` and ``badge_hash``
(absent = none): applying it replaces both. A person is found by the keyed digest of the
code or of the badge hash. Wrong PINs are counted per keyed digest of the employee code as
typed (known or not, so the screen reveals nothing about which codes exist); the lock
decision is the caller's (kiosk.app.alt_checkin).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from faceid.sealing import DataKeyring
from kiosk.store import identity
from kiosk.store.connection import Connection
from kiosk.store.records import Person, from_iso, to_iso

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class PinFailures:
    """Wrong PINs in a row for one employee code; ``locked_until`` (UTC) when locked."""

    failures: int = 0
    locked_until: datetime | None = None


def apply_person_credentials(raw: sqlite3.Connection, keyring: DataKeyring, person_id: UUID,
                             data: dict[str, Any]) -> None:
    """Replace the person's hashes with what a feed person upsert carries (ValueError if
    a present field is malformed)."""
    pin_hash = data.get("pin_hash")
    badge_hash = data.get("badge_hash")
    if pin_hash is not None and (not isinstance(pin_hash, str) or len(pin_hash) > 200):
        raise ValueError("pin_hash must be a string of at most 200 characters")
    if badge_hash is not None and (not isinstance(badge_hash, str)
                                   or not _SHA256_HEX.fullmatch(badge_hash)):
        raise ValueError("badge_hash must be 64 lower-case hex digits")
    identity.set_credentials(raw, keyring, person_id, pin_hash, badge_hash)


class AltCheckinStore:
    """Reads and writes of the check-in alternatives, over the store's locked connection."""

    def __init__(self, conn: Connection, keyring: DataKeyring) -> None:
        self._conn = conn
        self._keyring = keyring

    def _one(self, column: str, kind: str, value: str) -> dict[str, Any] | None:
        keys = identity.digests(self._keyring, kind, value)
        marks = ",".join("?" * len(keys))
        rows = self._conn.query(f"SELECT * FROM people WHERE {column} IN ({marks})"
                                " AND active = 1", keys)
        return rows[0] if len(rows) == 1 else None

    def person_for_code(self, employee_code: str) -> tuple[Person, str | None] | None:
        """The active person with this employee code and their PIN hash (None: no PIN)."""
        row = self._one("code_key", "code", employee_code)
        if row is None:
            return None
        return identity.person_of(self._keyring, row), \
            identity.credentials_of(self._keyring, row)[0]

    def person_for_badge(self, badge_hash: str) -> Person | None:
        row = self._one("badge_key", "badge", badge_hash)
        return None if row is None else identity.person_of(self._keyring, row)

    def credentials_of(self, person_id: UUID) -> tuple[str | None, str | None]:
        """(pin_hash, badge_hash) of a person; (None, None) when unknown."""
        rows = self._conn.query("SELECT * FROM people WHERE id = ?", (str(person_id),))
        return identity.credentials_of(self._keyring, rows[0]) if rows else (None, None)

    def code_digest(self, employee_code: str) -> str:
        """The keyed digest wrong PINs are counted under (and audited as): no plaintext."""
        return identity.primary_digest(self._keyring, "code", employee_code)

    def failures(self, employee_code: str) -> PinFailures:
        rows = self._conn.query("SELECT failures, locked_until FROM pin_failures"
                                " WHERE employee_code = ?", (self.code_digest(employee_code),))
        if not rows:
            return PinFailures()
        locked = rows[0]["locked_until"]
        return PinFailures(int(rows[0]["failures"]), from_iso(locked) if locked else None)

    def record_failure(self, employee_code: str, at: datetime, lock_after: int,
                       lock_for: timedelta) -> PinFailures:
        """Count one wrong PIN; the ``lock_after``-th in a row locks the code until
        ``at + lock_for`` and restarts the count."""
        key = self.code_digest(employee_code)
        with self._conn.transaction() as raw:
            row = raw.execute("SELECT failures FROM pin_failures WHERE employee_code = ?",
                              (key,)).fetchone()
            failures = (int(row[0]) if row else 0) + 1
            locked_until = at + lock_for if failures >= lock_after else None
            raw.execute(
                "INSERT INTO pin_failures (employee_code, failures, last_failed_at,"
                " locked_until) VALUES (?, ?, ?, ?) ON CONFLICT(employee_code) DO UPDATE SET"
                " failures = excluded.failures, last_failed_at = excluded.last_failed_at,"
                " locked_until = excluded.locked_until",
                (key, 0 if locked_until else failures, to_iso(at),
                 to_iso(locked_until) if locked_until else None))
        return PinFailures(failures, locked_until)

    def clear_failures(self, employee_code: str) -> None:
        with self._conn.transaction() as raw:
            raw.execute("DELETE FROM pin_failures WHERE employee_code = ?",
                        (self.code_digest(employee_code),))
