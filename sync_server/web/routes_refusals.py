"""The "Refused attempts" review page: presentation attacks the kiosks turned away.

Admins and HR (read-only: the page changes nothing) see when, at which kiosk, whom the face
resembled, the liveness and match scores, and the face snapshot when the site enabled them.
A snapshot is personal data: it is served only to a logged-in admin/HR user, decrypted on
the fly (events.open_attachment via service.refusals), with ``Cache-Control: no-store`` so
neither the browser nor a proxy keeps a copy. Filters: kiosk and a range of days (site time
zone). Runs in FastAPI's thread pool.
"""

from __future__ import annotations

import uuid
from datetime import date
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select

from sync_server.db.engine import transaction
from sync_server.db.models import Kiosk
from sync_server.errors import BadRequest, NotFound
from sync_server.service import refusals, schedules
from sync_server.service.users import Role
from sync_server.web import common
from sync_server.web.common import PAGES, PREFIX, User

router = APIRouter(prefix=PREFIX, include_in_schema=False)
PAGE = f"{PREFIX}/refused-attempts"
MAX_ROWS = 500


def _day(value: str, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name}: expected a date YYYY-MM-DD, got {value!r}", "not_a_date",
                         name, value=value) from None


def _kiosk(value: str) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadRequest(f"kiosk: not a kiosk id: {value!r}", "not_an_id") from None


@router.get("/refused-attempts")
def refused_attempts_page(request: Request, user: User, kiosk: str = "", start: str = "",
                          end: str = "") -> Response:
    """The newest refused attempts (at most MAX_ROWS), filtered by kiosk and days."""
    common.require(user, Role.HR)
    kiosk_id, first_day, last_day = _kiosk(kiosk), _day(start, "from"), _day(end, "to")
    with transaction(common.sessions_of(request)) as session:
        attempts = refusals.list_refused(session, kiosk_id=kiosk_id, first_day=first_day,
                                         last_day=last_day, limit=MAX_ROWS)
        kiosks = list(session.execute(select(Kiosk.id, Kiosk.name).order_by(Kiosk.name)))
    response = PAGES.render(request, "refused_attempts.html", user, attempts=attempts,
                            kiosks=kiosks, kiosk=kiosk, start=start, end=end,
                            zone=ZoneInfo(schedules.SITE_ZONE), max_rows=MAX_ROWS)
    response.headers["Cache-Control"] = "no-store"  # names next to face snapshots
    return response


@router.get("/refused-attempts/{event_id}/snapshot")
def refused_attempt_snapshot(request: Request, user: User, event_id: uuid.UUID) -> Response:
    """The attempt's JPEG snapshot (404 when none was taken or retention cleared it)."""
    common.require(user, Role.HR)
    with transaction(common.sessions_of(request)) as session:
        jpeg = refusals.snapshot(session, event_id)
    if jpeg is None:
        raise NotFound("this refused attempt has no snapshot", "no_snapshot")
    return Response(jpeg, media_type="image/jpeg",
                    headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
