"""The caches the server's change feed fills (people, templates, reminders, schedules), the
feed cursor, the schedules as the domain rules read them, and the erasures applied here that
the server has not yet been told about (confirmed by id: docs/security.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID

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
            feed.note_erasures_to_confirm(raw, feed.erasure_ids(changes))
            raw.execute(
                "INSERT INTO sync_cursors (stream, cursor, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(stream) DO UPDATE SET cursor = excluded.cursor,"
                " updated_at = excluded.updated_at", (stream, cursor, to_iso(utc_now())))
        if erased:
            self._conn.vacuum()
        return len(changes)

    def erasures_to_confirm(self) -> list[UUID]:
        """Erasures applied here and not yet confirmed to the server, oldest first."""
        rows = self._conn.query("SELECT value FROM settings WHERE key = ?",
                                (feed.ERASURES_TO_CONFIRM,))
        return [UUID(item) for item in json.loads(rows[0]["value"])] if rows else []

    def mark_erasures_confirmed(self, ids: Sequence[UUID]) -> None:
        """The server recorded these confirmations (or knows no such erasure): forget them."""
        done = {str(i) for i in ids}
        with self._conn.transaction() as raw:
            rows = raw.execute("SELECT value FROM settings WHERE key = ?",
                               (feed.ERASURES_TO_CONFIRM,)).fetchall()
            left = [i for i in (json.loads(rows[0][0]) if rows else []) if i not in done]
            raw.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key)"
                        " DO UPDATE SET value = excluded.value",
                        (feed.ERASURES_TO_CONFIRM, json.dumps(left)))

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
