"""Leave balances for HR and leaders: people x active leave types for a chosen year (earned,
carried, taken, pending, left working days), searched, filtered by department and paginated
like the people page, and the same as an XLSX download.

HR (and admins) see everyone; a leader sees their own department; staff are refused.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.documents import balances_xlsx, names
from sync_server.errors import BadRequest
from sync_server.service import leave_balances, leave_types, reports, schedules
from sync_server.service.users import Role
from sync_server.web import common, exports, paging
from sync_server.web.common import PAGES, PREFIX, User

router = APIRouter(prefix=PREFIX, include_in_schema=False)
YEARS_BACK = 10  # how far back a year may be chosen (years)


def _year(text: str, today: date) -> int:
    """The chosen year (this year when empty), within ten years back and one ahead."""
    try:
        year = int(text) if text.strip() else today.year
    except ValueError:
        year = 0
    if not today.year - YEARS_BACK <= year <= today.year + 1:
        raise BadRequest(f"{text!r} is not a year", "not_a_year", "year", value=text)
    return year


@router.get("/leave-balances")
def balances_page(request: Request, user: User, year: str = "", department: str = "",
                  q: str = "", page: int = 1,
                  format: str = "html") -> Response:  # noqa: A002 - the query parameter
    """The balances of ``year`` (``format``: html, or xlsx for every matching person)."""
    common.require(user, Role.HR, Role.LEADER)
    now = utc_now().astimezone(ZoneInfo(schedules.SITE_ZONE))
    chosen = _year(year, now.date())
    with transaction(common.sessions_of(request)) as session:
        scope = common.scope_of(user)
        everyone = reports.load_people(session, scope)
        people = [p for p in everyone if not department or (p.department or "") == department]
        query = {"year": str(chosen), "department": department, "q": q}
        shown, pager = paging.page_of(people, page, query, q, lambda p: (
            p.display_name, p.employee_code, p.department))
        if format == "xlsx":
            shown = [p for p in people if paging.matches(q, (
                p.display_name, p.employee_code, p.department))]
        rows = leave_balances.table(session, shown, chosen, now.date())
        kinds = leave_types.list_types(session, active_only=True)
    as_of = leave_balances.as_of(chosen, now.date())
    language = common.language_of(request)
    if format == "xlsx":
        body = balances_xlsx.workbook(rows, kinds, chosen, as_of, department, user.username,
                                      now, language)
        name = f"leave-balances-{department or 'all'}-{chosen}.xlsx"
        return Response(body, media_type=names.XLSX_TYPE,
                        headers={"Content-Disposition": exports.content_disposition(name)})
    departments = sorted({p.department or "" for p in everyone})
    return PAGES.render(request, "leave_balances.html", user, rows=rows, kinds=kinds,
                        year=chosen, as_of=as_of, department=department,
                        departments=departments, q=q, pager=pager,
                        figures=balances_xlsx.figures, figure_keys=balances_xlsx.FIGURES,
                        years=range(now.year + 1, now.year - YEARS_BACK - 1, -1))
