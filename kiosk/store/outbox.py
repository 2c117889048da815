"""What the kiosk's outboxes (punches, events) share: the server's acknowledgement."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from kiosk.store.connection import Connection
from kiosk.store.records import to_iso, utc_now

CHUNK = 500  # ids per UPDATE: well under SQLite's bound-parameter limit


def acknowledge(conn: Connection, table: str, row_ids: Iterable[UUID], at: datetime | None,
                also: str = "") -> int:
    """Set ``synced_at`` (and ``also``: more assignments) on the outbox rows of ``table``
    the server acknowledged, in one transaction; returns how many changed state."""
    stamp = to_iso(at or utc_now())
    ids = [str(row_id) for row_id in row_ids]
    changed = 0
    with conn.transaction() as raw:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            marks = ",".join("?" * len(chunk))
            changed += raw.execute(
                f"UPDATE {table} SET synced_at = ?{also}"
                f" WHERE synced_at IS NULL AND id IN ({marks})", (stamp, *chunk)).rowcount
    return changed
