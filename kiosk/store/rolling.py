"""Rolling templates: a few recent check-in templates per person, beside the enrolment ones.

A check-in far above the 1:N threshold, live and clear of everyone else (kiosk.app.rolling
decides that) may keep the track's template so the person's genuine scores stay high as
faces age, grow beards or change glasses. The rules held here, in one transaction:

- at most ``limit`` rolling templates per person and recognizer (default 3): the oldest is
  replaced; enrolment templates are never touched;
- at most one per person in 24 hours (rolling templates synced from other kiosks count);
- only for a person who has enrolment templates of that recognizer and a consent on record
  (not withdrawn): the new template is covered by that consent;
- the new template is queued for the server like an enrolment (marked rolling) and the
  change is written to the audit log, in the same transaction.

Erasure and consent withdrawal remove rolling templates with the others (same table).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import numpy as np
import numpy.typing as npt

from faceid.sealing import DataKeyring
from kiosk.store import enrollment_outbox, feed
from kiosk.store.connection import Connection
from kiosk.store.records import to_iso, utc_now

DEFAULT_LIMIT = 3
MIN_GAP = timedelta(hours=24)


@dataclass(frozen=True)
class RollingAdded:
    """What ``RollingTemplates.add`` did: the new template's id and the ones it replaced."""

    template_id: UUID
    replaced: tuple[UUID, ...]


class RollingTemplates:
    """The rolling set of each person (rows of ``templates`` with ``rolling = 1``)."""

    def __init__(self, conn: Connection, keyring: DataKeyring) -> None:
        self._conn = conn
        self._keyring = keyring

    def add(self, person_id: UUID, recognizer_id: str, vector: npt.NDArray[np.float32],
            actor: str, details: dict[str, object] | None = None,
            limit: int = DEFAULT_LIMIT, at: datetime | None = None) -> RollingAdded | None:
        """Keep ``vector`` (float32) as a rolling template of ``person_id``; None when the
        rules above say no (too soon, no enrolment templates, no consent)."""
        now = at or utc_now()
        with self._conn.transaction() as raw:
            consent_id = _usable_consent(raw, person_id, recognizer_id)
            if consent_id is None or _added_since(raw, person_id, now - MIN_GAP):
                return None
            template_id = uuid4()
            feed.insert_template(raw, self._keyring, template_id, person_id, recognizer_id,
                                 np.asarray(vector, dtype=np.float32), to_iso(now),
                                 rolling=True)
            replaced = _trim(raw, person_id, recognizer_id, limit)
            enrollment_outbox.queue(raw, self._keyring, uuid4(), person_id, recognizer_id,
                                    consent_id, [template_id], [], None, to_iso(now),
                                    rolling=True)
            _audit(raw, actor, person_id, {"template_id": str(template_id),
                                           "recognizer_id": recognizer_id,
                                           "replaced": [str(r) for r in replaced],
                                           **(details or {})})
        return RollingAdded(template_id, replaced)

    def ids_for(self, person_id: UUID, recognizer_id: str) -> list[UUID]:
        """The person's rolling template ids of one recognizer, oldest first."""
        rows = self._conn.query("SELECT id FROM templates WHERE person_id = ? AND"
                                " recognizer_id = ? AND rolling = 1 ORDER BY created_at, rowid",
                                (str(person_id), recognizer_id))
        return [UUID(row["id"]) for row in rows]

    def drop(self, template_ids: list[UUID], actor: str, reason: str) -> int:
        """Delete rolling templates the server refused (audited); returns rows deleted."""
        with self._conn.transaction() as raw:
            count = sum(raw.execute("DELETE FROM templates WHERE id = ? AND rolling = 1",
                                    (str(t),)).rowcount for t in template_ids)
            if count:
                _audit(raw, actor, None, {"dropped": [str(t) for t in template_ids],
                                          "reason": reason[:300]}, "rolling_template_dropped")
        return count


def _usable_consent(raw: sqlite3.Connection, person_id: UUID,
                    recognizer_id: str) -> UUID | None:
    """The person's latest consent not withdrawn, when they have enrolment templates."""
    enrolled = raw.execute("SELECT 1 FROM templates t JOIN people p ON p.id = t.person_id"
                           " WHERE t.person_id = ? AND t.recognizer_id = ? AND t.rolling = 0"
                           " AND p.active = 1 LIMIT 1",
                           (str(person_id), recognizer_id)).fetchone()
    if enrolled is None:
        return None
    row = raw.execute("SELECT id FROM consents WHERE person_id = ? AND withdrawn_at IS NULL"
                      " ORDER BY given_at DESC LIMIT 1", (str(person_id),)).fetchone()
    return None if row is None else UUID(row[0])


def _added_since(raw: sqlite3.Connection, person_id: UUID, since: datetime) -> bool:
    row = raw.execute("SELECT 1 FROM templates WHERE person_id = ? AND rolling = 1 AND"
                      " created_at > ? LIMIT 1", (str(person_id), to_iso(since))).fetchone()
    return row is not None


def _trim(raw: sqlite3.Connection, person_id: UUID, recognizer_id: str,
          limit: int) -> tuple[UUID, ...]:
    """Delete the oldest rolling templates beyond ``limit``; returns their ids."""
    rows = raw.execute("SELECT id FROM templates WHERE person_id = ? AND recognizer_id = ?"
                       " AND rolling = 1 ORDER BY created_at DESC, rowid DESC",
                       (str(person_id), recognizer_id)).fetchall()
    extra = tuple(UUID(row[0]) for row in rows[max(limit, 0):])
    for template_id in extra:  # and its upload when still queued: nothing left to send
        raw.execute("DELETE FROM templates WHERE id = ?", (str(template_id),))
        raw.execute("DELETE FROM pending_enrollments WHERE rolling = 1 AND template_ids = ?",
                    (json.dumps([str(template_id)]),))
    return extra


def _audit(raw: sqlite3.Connection, actor: str, person_id: UUID | None,
           details: dict[str, object], action: str = "rolling_template") -> None:
    raw.execute("INSERT INTO audit_log (at, actor, action, subject, details)"
                " VALUES (?, ?, ?, ?, ?)", (to_iso(utc_now()), actor, action,
                                            None if person_id is None else str(person_id),
                                            json.dumps(details)))
