"""Settings the kiosk keeps in its own file: key/value pairs, the admin screen's overrides
(kiosk.local_settings) and the measured clock offset."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from kiosk import local_settings
from kiosk.errors import StoreError
from kiosk.store import clockref
from kiosk.store.connection import Connection
from kiosk.store.records import utc_now

CLOCK_OFFSET_SETTING = "clock_offset_s"
CLOCK_REFERENCE_SETTING = "clock_reference"


class DeviceSettings:
    """Key/value settings. The clocks behind ``clock_offset_s`` are attributes a drill or
    test may replace: ``wall_clock`` (UTC now), ``boot_clock`` (seconds since boot) and
    ``boot_id`` (this boot's identity, None where the system has none)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.wall_clock: Callable[[], datetime] = utc_now
        self.boot_clock: Callable[[], float] = clockref.boot_seconds
        self.boot_id: Callable[[], str | None] = clockref.boot_id

    def get(self, key: str) -> str | None:
        rows = self._conn.query("SELECT value FROM settings WHERE key = ?", (key,))
        return str(rows[0]["value"]) if rows else None

    def set(self, key: str, value: str) -> None:
        """Insert or replace one setting (sqlite-utils' upsert: one statement, durable on
        return; never called inside a ``Connection.transaction``, which it would commit)."""
        with self._conn.lock:
            try:
                self._conn.db.table("settings").upsert({"key": key, "value": value}, pk="key")
            except sqlite3.Error as exc:
                raise StoreError(f"{self._conn.path}: write failed: {exc}") from exc

    def local(self) -> dict[str, Any]:
        """The settings saved on the admin screen (kiosk.local_settings), decoded."""
        rows = self._conn.query("SELECT key, value FROM settings WHERE key LIKE ?",
                                (local_settings.PREFIX + "%",))
        return {row["key"][len(local_settings.PREFIX):]: json.loads(row["value"])
                for row in rows}

    def set_local(self, values: dict[str, Any]) -> None:
        """Save admin-screen settings ``{dotted key: JSON value}`` in one transaction."""
        with self._conn.transaction() as raw:
            for key, value in values.items():
                raw.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key)"
                            " DO UPDATE SET value = excluded.value",
                            (local_settings.PREFIX + key, json.dumps(value)))

    def clock_offset_s(self) -> float | None:
        """Server clock minus kiosk clock in seconds, now (None: never measured).

        From the boot-clock reference of the last measurement when it was made in this boot
        (right even if the wall clock jumped since: see kiosk.store.clockref), else the last
        measured offset as it was.
        """
        value = self.get(CLOCK_OFFSET_SETTING)
        if value is None:
            return None
        measured = float(value)
        reference = self.get(CLOCK_REFERENCE_SETTING)
        found = clockref.ClockReference.from_json(reference) if reference else None
        if found is None or found.boot != self.boot_id():
            return measured
        return found.offset_now(measured, self.boot_clock(), self.wall_clock())

    def set_clock_offset_s(self, offset_s: float) -> None:
        """Record a measured offset (server minus kiosk wall clock, seconds, measured now)."""
        self.set(CLOCK_OFFSET_SETTING, repr(float(offset_s)))
        boot = self.boot_id()
        if boot is not None:
            server_now = self.wall_clock() + timedelta(seconds=offset_s)
            reference = clockref.ClockReference(boot, self.boot_clock(), server_now)
            self.set(CLOCK_REFERENCE_SETTING, reference.to_json())
