"""The event outbox: things that happened at the kiosk that the server must learn exactly
once (reminders shown and acknowledged, refused attempts); attachments sealed at rest."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from faceid.sealing import DataKeyring
from kiosk.store.connection import Connection
from kiosk.store.outbox import acknowledge
from kiosk.store.records import KioskEvent, from_iso, to_iso, utc_now

EVENT_KIND = re.compile(r"[a-z]+(?:_[a-z]+)*")


def event_context(event_id: UUID) -> bytes:
    """Associated data binding a sealed attachment to its event row."""
    return f"event:{event_id}".encode()


class EventOutbox:
    def __init__(self, conn: Connection, keyring: DataKeyring) -> None:
        self._conn = conn
        self._keyring = keyring

    def record(self, kind: str, data: dict[str, Any] | None = None,
               person_id: UUID | None = None, occurred_at: datetime | None = None,
               attachment: bytes | None = None) -> KioskEvent:
        """Write an event durably (see KioskEvent); the attachment is sealed at rest."""
        if len(kind) > 40 or not EVENT_KIND.fullmatch(kind):
            raise ValueError(f"event kind {kind!r}: lower-case words joined by '_', at most 40")
        event = KioskEvent(id=uuid4(), kind=kind, person_id=person_id,
                           occurred_at=occurred_at or utc_now(), data=dict(data or {}),
                           attachment=attachment)
        sealed = (self._keyring.seal(attachment, event_context(event.id))
                  if attachment is not None else None)
        with self._conn.transaction() as raw:
            raw.execute(
                "INSERT INTO events (id, kind, person_id, occurred_at, data, attachment)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (str(event.id), kind, str(person_id) if person_id else None,
                 to_iso(event.occurred_at), json.dumps(event.data, sort_keys=True), sealed))
        return event

    def pending(self, limit: int = 50) -> list[KioskEvent]:
        """The oldest ``limit`` events the server has not acknowledged, attachments opened."""
        rows = self._conn.query(
            "SELECT * FROM events WHERE synced_at IS NULL ORDER BY occurred_at, id LIMIT ?",
            (limit,))
        return [self._event(row) for row in rows]

    def mark_synced(self, event_ids: Iterable[UUID], at: datetime | None = None) -> int:
        """Record the server's acknowledgement and drop the attachments it now holds."""
        return acknowledge(self._conn, "events", event_ids, at, also=", attachment = NULL")

    def backlog(self) -> int:
        """How many events wait for the server's acknowledgement."""
        rows = self._conn.query("SELECT count(*) AS n FROM events WHERE synced_at IS NULL")
        return int(rows[0]["n"])

    def recent(self, kind: str | None = None, limit: int = 100) -> list[KioskEvent]:
        """Recent events (newest first), optionally of one kind; synced ones included."""
        where, args = ("WHERE kind = ?", (kind,)) if kind else ("", ())
        rows = self._conn.query(
            f"SELECT * FROM events {where} ORDER BY occurred_at DESC, id LIMIT ?",
            (*args, limit))
        return [self._event(row) for row in rows]

    def _event(self, row: dict[str, Any]) -> KioskEvent:
        event_id = UUID(row["id"])
        blob = row["attachment"]
        return KioskEvent(id=event_id, kind=row["kind"],
                          person_id=UUID(row["person_id"]) if row["person_id"] else None,
                          occurred_at=from_iso(row["occurred_at"]), data=json.loads(row["data"]),
                          attachment=(self._keyring.open(blob, event_context(event_id))
                                      if blob is not None else None))
