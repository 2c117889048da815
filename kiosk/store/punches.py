"""The punch outbox: every punch is durable here before the person is greeted, and stays
until the server acknowledges it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from kiosk.store.connection import Connection
from kiosk.store.outbox import acknowledge
from kiosk.store.records import Punch, PunchKind, PunchSource, from_iso, to_iso


class PunchOutbox:
    """Punches: record, read back, acknowledge. ``offset_now`` gives the current clock offset
    estimate (server minus kiosk, seconds; None if never measured) and ``wall_clock`` the
    kiosk's time; both are the device settings' (see DeviceSettings)."""

    def __init__(self, conn: Connection, offset_now: Callable[[], float | None],
                 wall_clock: Callable[[], datetime]) -> None:
        self._conn = conn
        self._offset_now = offset_now
        self._wall_clock = wall_clock

    def record(self, person_id: UUID, kind: PunchKind = PunchKind.AUTO,
               source: PunchSource = PunchSource.FACE, captured_at: datetime | None = None,
               clock_offset_s: float | None = None) -> Punch:
        """Write a punch durably and return it; only then may the kiosk greet the person.

        ``captured_at`` defaults to now (kiosk clock, UTC); ``clock_offset_s`` (server minus
        kiosk, seconds) defaults to the current estimate (None if sync never measured one).
        """
        if clock_offset_s is None:
            clock_offset_s = self._offset_now()
        punch = Punch(id=uuid4(), person_id=person_id, kind=kind, source=source,
                      captured_at=captured_at or self._wall_clock(),
                      clock_offset_s=clock_offset_s)
        with self._conn.transaction() as raw:
            raw.execute(
                "INSERT INTO punches (id, person_id, kind, source, captured_at, clock_offset_s)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (str(punch.id), str(person_id), kind.value, source.value,
                 to_iso(punch.captured_at), clock_offset_s),
            )
        return punch

    def pending(self, limit: int = 200) -> list[Punch]:
        """The oldest ``limit`` punches the server has not acknowledged yet."""
        rows = self._conn.query(
            "SELECT * FROM punches WHERE synced_at IS NULL ORDER BY captured_at, id LIMIT ?",
            (limit,))
        return [_punch(row) for row in rows]

    def mark_synced(self, punch_ids: Iterable[UUID], at: datetime | None = None) -> int:
        """Record the server's acknowledgement; returns how many punches changed state."""
        return acknowledge(self._conn, "punches", punch_ids, at)

    def backlog(self) -> int:
        """How many punches wait for the server's acknowledgement."""
        rows = self._conn.query("SELECT count(*) AS n FROM punches WHERE synced_at IS NULL")
        return int(rows[0]["n"])

    def last(self, person_id: UUID) -> Punch | None:
        rows = self._conn.query(
            "SELECT * FROM punches WHERE person_id = ? ORDER BY captured_at DESC LIMIT 1",
            (str(person_id),))
        return _punch(rows[0]) if rows else None

    def between(self, person_id: UUID, start: datetime, end: datetime) -> list[Punch]:
        """A person's punches captured in [start, end), oldest first."""
        rows = self._conn.query(
            "SELECT * FROM punches WHERE person_id = ? AND captured_at >= ? AND captured_at < ?"
            " ORDER BY captured_at", (str(person_id), to_iso(start), to_iso(end)))
        return [_punch(row) for row in rows]


def _punch(row: dict[str, Any]) -> Punch:
    return Punch(id=UUID(row["id"]), person_id=UUID(row["person_id"]),
                 kind=PunchKind(row["kind"]), source=PunchSource(row["source"]),
                 captured_at=from_iso(row["captured_at"]), clock_offset_s=row["clock_offset_s"],
                 synced_at=from_iso(row["synced_at"]) if row["synced_at"] else None)
