"""The monthly timesheet grid of departments: on screen, printable and as XLSX.

HR (and admins) see every department, or one chosen; a leader sees their own department.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.errors import BadRequest
from sync_server.service import reports, schedules, timesheet_grid
from sync_server.service.users import Role
from sync_server.settings import ServerSettings
from sync_server.web import common, exports, timesheet_xlsx
from sync_server.web.common import PAGES, PREFIX, User

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _month(month: str | None) -> tuple[str, tuple[date, date]]:
    zone = ZoneInfo(schedules.SITE_ZONE)
    month = month or utc_now().astimezone(zone).strftime("%Y-%m")
    try:
        return month, reports.month_bounds(month)
    except ValueError:
        raise BadRequest("month is YYYY-MM") from None


@router.get("/timesheets")
def timesheets_page(request: Request, user: User, month: str | None = None,
                    department: str = "",
                    format: str = "html") -> Response:  # noqa: A002 - the query parameter
    """The people x days grid of one month, per department (``format``: html or xlsx)."""
    common.require(user, Role.HR, Role.LEADER)
    month, (first, last) = _month(month)
    settings: ServerSettings = request.app.state.settings
    now = utc_now()
    with transaction(common.sessions_of(request)) as session:
        scope = common.scope_of(user)
        people = reports.load_people(session, scope, department or None)
        grids = timesheet_grid.monthly_grid(session, people, first, last, now,
                                            settings.reports.overtime_after_min)
        departments = sorted({p.department or "" for p in reports.load_people(session, scope)})
    language = common.language_of(request)
    if format == "xlsx":
        local_now = now.astimezone(ZoneInfo(schedules.SITE_ZONE))
        body = timesheet_xlsx.grid_workbook(grids, user.username, local_now, language)
        name = f"timesheets-{department or 'all'}-{month}.xlsx"
        disposition = f"attachment; filename=\"timesheets-{month}.xlsx\"; " \
                      f"filename*=UTF-8''{quote(name)}"
        return Response(body, media_type=exports.XLSX_TYPE,
                        headers={"Content-Disposition": disposition})
    previous = (first - timedelta(days=1)).strftime("%Y-%m")
    following = (last + timedelta(days=1)).strftime("%Y-%m")
    return PAGES.render(request, "timesheet_grid.html", user, grids=grids, month=month,
                        department=department, departments=departments,
                        legend=timesheet_grid.legend(language), previous=previous,
                        following=following,
                        total_keys=timesheet_xlsx.TOTAL_KEYS,
                        total_values=timesheet_xlsx.total_values,
                        label=lambda key: timesheet_xlsx.label(language, key))
