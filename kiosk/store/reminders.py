"""The reminders cache: each person's open tasks as the server's feed sent them, and the
touches on "Got it" made here."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from kiosk.store.connection import Connection
from kiosk.store.records import Reminder, from_iso, to_iso, utc_now


class ReminderCache:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def for_person(self, person_id: UUID, *,
                   include_acknowledged: bool = False) -> list[Reminder]:
        """A person's open reminders, soonest due first (undated last).

        Open means not acknowledged, on the server or by a touch here; with
        ``include_acknowledged`` the acknowledged ones come too (the greeting card ranks
        them after the others: attendance.reminders).
        """
        where = "" if include_acknowledged else " AND status = 'open' AND acknowledged_at IS NULL"
        rows = self._conn.query(
            f"SELECT * FROM reminders WHERE person_id = ?{where}"
            " ORDER BY due_at IS NULL, due_at, priority DESC", (str(person_id),))
        return [_reminder(row) for row in rows]

    def acknowledge(self, person_id: UUID, reminder_id: UUID,
                    at: datetime | None = None) -> Reminder | None:
        """Record the person's touch on "Got it" here; None when ``reminder_id`` is not one
        of ``person_id``'s cached reminders (a card is only ever the recognized person's).

        The caller records the ``reminder_ack`` event that tells the server.
        """
        with self._conn.transaction() as raw:
            raw.execute("UPDATE reminders SET acknowledged_at = COALESCE(acknowledged_at, ?)"
                        " WHERE id = ? AND person_id = ?",
                        (to_iso(at or utc_now()), str(reminder_id), str(person_id)))
        rows = self._conn.query("SELECT * FROM reminders WHERE id = ? AND person_id = ?",
                                (str(reminder_id), str(person_id)))
        return _reminder(rows[0]) if rows else None


def _reminder(row: dict[str, Any]) -> Reminder:
    return Reminder(id=UUID(row["id"]), person_id=UUID(row["person_id"]), title=row["title"],
                    due_at=from_iso(row["due_at"]) if row["due_at"] else None,
                    priority=int(row["priority"]), status=row["status"],
                    urgent=bool(row["urgent"]),
                    created_at=from_iso(row["created_at"]) if row["created_at"] else None,
                    acknowledged_at=(from_iso(row["acknowledged_at"])
                                     if row["acknowledged_at"] else None))
