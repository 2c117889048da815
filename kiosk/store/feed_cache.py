"""The caches the server's change feed fills (people, templates, reminders, schedules), the
feed cursor, and the schedules as the domain rules read them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from faceid.sealing import DataKeyring
from kiosk.store import feed
from kiosk.store.connection import Connection
from kiosk.store.records import FeedChange, ShiftData, to_iso, utc_now

FEED_STREAM = "feed"


class FeedCache:
    def __init__(self, conn: Connection, keyring: DataKeyring) -> None:
        self._conn = conn
        self._keyring = keyring

    def apply_page(self, changes: Sequence[FeedChange], cursor: str,
                   stream: str = FEED_STREAM) -> int:
        """Apply one page of the change feed and advance the cursor, all in one transaction.

        Returns how many changes were applied. Vacuums afterwards when the page erased
        biometrics (a person tombstone or a template deletion).
        """
        with self._conn.transaction() as raw:
            erased = feed.apply_changes(raw, changes, self._keyring)
            raw.execute(
                "INSERT INTO sync_cursors (stream, cursor, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(stream) DO UPDATE SET cursor = excluded.cursor,"
                " updated_at = excluded.updated_at", (stream, cursor, to_iso(utc_now())))
        if erased:
            self._conn.vacuum()
        return len(changes)

    def cursor(self, stream: str = FEED_STREAM) -> str | None:
        rows = self._conn.query("SELECT cursor FROM sync_cursors WHERE stream = ?", (stream,))
        return str(rows[0]["cursor"]) if rows else None

    def shift_data(self) -> ShiftData:
        """Shift types, assignments and holidays as cached from the server (JSON objects)."""
        return ShiftData(
            shift_types=tuple(self._json_rows("SELECT id, data FROM shift_types ORDER BY id")),
            assignments=tuple(self._json_rows(
                "SELECT id, data FROM shift_assignments ORDER BY id")),
            holidays=tuple(self._json_rows("SELECT id, data FROM holidays ORDER BY day")),
        )

    def _json_rows(self, sql: str) -> list[dict[str, Any]]:
        """Each row's JSON ``data`` with the row's ``id`` (the feed entity id) added."""
        return [{**json.loads(row["data"]), "id": row["id"]} for row in self._conn.query(sql)]
