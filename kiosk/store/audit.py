"""The kiosk's audit log: admin actions on the device, erasures, refusals worth a trace."""

from __future__ import annotations

import json
from typing import Any

from kiosk.store.connection import Connection
from kiosk.store.records import to_iso, utc_now


class AuditLog:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def record(self, actor: str, action: str, subject: str | None = None,
               details: dict[str, Any] | None = None) -> None:
        """Append one entry (UTC time, who, what, about whom or what, details as JSON)."""
        with self._conn.transaction() as raw:
            raw.execute("INSERT INTO audit_log (at, actor, action, subject, details)"
                        " VALUES (?, ?, ?, ?, ?)", (to_iso(utc_now()), actor, action, subject,
                                                    json.dumps(details or {})))

    def entries(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest ``limit`` entries, newest first."""
        return self._conn.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
