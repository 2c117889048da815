"""The caches the server's change feed fills (people, templates, reminders, schedules,
approved leave), the feed cursor, the schedules as the domain rules read them, and the
erasures applied here that the server has not yet been told about (confirmed by id:
docs/security.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from faceid.sealing import DataKeyring
from kiosk.store import feed
from kiosk.store.connection import Connection
from kiosk.store.records import FeedChange, ShiftData, to_iso, utc_now

FEED_STREAM = "feed"
RESYNC = "sync.site_resync"  # settings key: set while re-reading the feed after a site move


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

    def begin_resync(self, stream: str = FEED_STREAM) -> None:
        """The kiosk was moved to another site: read the feed again from 0, with every person
        held here marked stale (a person entry of the new reading clears the mark)."""
        with self._conn.transaction() as raw:
            raw.execute("UPDATE people SET resync_stale = 1")
            raw.execute("INSERT INTO settings (key, value) VALUES (?, '1') ON CONFLICT(key)"
                        " DO UPDATE SET value = excluded.value", (RESYNC,))
            raw.execute(
                "INSERT INTO sync_cursors (stream, cursor, updated_at) VALUES (?, '0', ?)"
                " ON CONFLICT(stream) DO UPDATE SET cursor = excluded.cursor,"
                " updated_at = excluded.updated_at", (stream, to_iso(utc_now())))

    def finish_resync(self) -> int:
        """After the re-reading caught up: delete every person it did not carry (with their
        templates, chips, consents, reminders, PIN and badge hashes), except people enrolled
        here whose upload has not reached the server yet. Returns how many were deleted."""
        with self._conn.transaction() as raw:
            if not raw.execute("SELECT 1 FROM settings WHERE key = ?", (RESYNC,)).fetchone():
                return 0
            stale = [UUID(row[0]) for row in raw.execute(
                "SELECT id FROM people WHERE resync_stale = 1 AND id NOT IN"
                " (SELECT person_id FROM pending_enrollments)")]
            for person_id in stale:
                feed.delete_person_rows(raw, person_id)
            raw.execute("UPDATE people SET resync_stale = 0")
            raw.execute("DELETE FROM settings WHERE key = ?", (RESYNC,))
        if stale:
            self._conn.vacuum()
        return len(stale)

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
            leaves=tuple(self._leaves()),
        )

    def _leaves(self) -> list[dict[str, Any]]:
        """Approved leave held here, unsealed: id, person_id, start, end, leave_type_id."""
        found = []
        for row in self._conn.query("SELECT id, person_id, sealed FROM leaves ORDER BY id"):
            days = json.loads(self._keyring.open(bytes(row["sealed"]),
                                                 feed.leave_context(UUID(row["id"]))))
            found.append({**days, "id": row["id"], "person_id": row["person_id"]})
        return found

    def drop_leave_ended_before(self, day: date) -> int:
        """Delete leave whose last day is before ``day`` (the retention job); returns how
        many rows were deleted."""
        ended = [leave["id"] for leave in self._leaves() if leave["end"] < day.isoformat()]
        with self._conn.transaction() as raw:
            for leave_id in ended:
                raw.execute("DELETE FROM leaves WHERE id = ?", (leave_id,))
        return len(ended)

    def _json_rows(self, sql: str) -> list[dict[str, Any]]:
        """Each row's JSON ``data`` with the row's ``id`` (the feed entity id) added."""
        return [{**json.loads(row["data"]), "id": row["id"]} for row in self._conn.query(sql)]
