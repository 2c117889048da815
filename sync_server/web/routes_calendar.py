"""The shift calendar page: who is planned on which shift each day of a month.

HR (and admins) see every department, a page of departments at a time, or one chosen; a
leader sees their own department. Printable (the browser's print page drops the filters).
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sync_server.db.engine import transaction
from sync_server.service import leave_types, reports, shift_calendar
from sync_server.service.shift_calendar import PLAN_SYMBOLS, PlanKind
from sync_server.service.users import Role
from sync_server.web import common
from sync_server.web.common import PAGES, PREFIX, User
from sync_server.web.routes_timesheets import _month as month_of

router = APIRouter(prefix=PREFIX, include_in_schema=False)


@router.get("/shift-calendar")
def shift_calendar_page(request: Request, user: User, month: str | None = None,
                        department: str = "", page: int = 1) -> Response:
    """One month of planned shifts (``month`` YYYY-MM, default this month; ``page`` is
    1-based over departments when ``department`` is empty)."""
    common.require(user, Role.HR, Role.LEADER)
    month, (first, last) = month_of(month)
    with transaction(common.sessions_of(request)) as session:
        scope = common.scope_of(user)
        everyone = reports.load_people(session, scope)
        people = [p for p in everyone if not department or p.department == department]
        calendar = shift_calendar.month_calendar(session, people, first, last, page)
    language = common.language_of(request)
    return PAGES.render(
        request, "shift_calendar.html", user, calendar=calendar, month=month,
        department=department, departments=sorted({p.department or "" for p in everyone}),
        previous=(first - timedelta(days=1)).strftime("%Y-%m"),
        following=(last + timedelta(days=1)).strftime("%Y-%m"),
        symbols=PLAN_SYMBOLS, Plan=PlanKind,
        leave_name=lambda type_id: leave_types.name_of(calendar.leave_types.get(type_id),
                                                       language))

