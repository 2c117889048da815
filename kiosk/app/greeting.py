"""The greeting's "check-in / check-out" and verdict text, from the shared domain rules.

The rules themselves live in the pure ``attendance`` package (the same code the server's
reports use); this module only feeds it the store's cached shift data and the person's
punches of the day, on the inference worker thread.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from kiosk.app.state import PunchDirection
from kiosk.store import KioskStore

log = logging.getLogger(__name__)


def verdict_for(store: KioskStore, person_id: UUID, at: datetime, zone_name: str,
                language: str) -> tuple[PunchDirection, str]:
    """(check-in or check-out, "On time" / "Đi muộn 12 phút" ...) for a punch at ``at``."""
    zone = ZoneInfo(zone_name)
    local_midnight = at.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    # A night shift's check-out falls on the next calendar day: look back one day more.
    earlier = [p for p in store.punches_between(person_id, local_midnight - timedelta(days=1),
                                                at) if p.captured_at < at]
    try:
        from attendance import describe, verdict_for_punch  # noqa: F401
    except ImportError:
        log.warning("the attendance domain rules are not installed: no verdict text")
        today = [p for p in earlier if p.captured_at >= local_midnight]
        return (PunchDirection.CHECK_OUT if today else PunchDirection.CHECK_IN), ""
    return _domain_verdict(store, person_id, at, zone, earlier, language)


def _domain_verdict(store: KioskStore, person_id: UUID, at: datetime, zone: ZoneInfo,
                    earlier: list[object], language: str) -> tuple[PunchDirection, str]:
    raise NotImplementedError("wired once attendance lands")
