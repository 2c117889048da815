"""The monthly timesheet grid of departments (on screen, XLSX, PDF) and the lateness report
as a PDF made on the server.

HR (and admins) see every department, or one chosen; a leader sees their own department.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.documents import names, report_pdf, timesheet_xlsx
from sync_server.errors import BadRequest
from sync_server.service import reports, schedules, timesheet_grid
from sync_server.service.users import Role
from sync_server.settings import ServerSettings
from sync_server.web import common
from sync_server.web.common import PAGES, PREFIX, User
from sync_server.web.routes_reports import _range as report_range

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _attachment(body: bytes, media: str, name: str) -> Response:
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


def _month(month: str | None) -> tuple[str, tuple[date, date]]:
    zone = ZoneInfo(schedules.SITE_ZONE)
    month = month or utc_now().astimezone(zone).strftime("%Y-%m")
    try:
        return month, reports.month_bounds(month)
    except ValueError:
        raise BadRequest("month is YYYY-MM", "not_a_month", "month", value=month) from None


@router.get("/timesheets")
def timesheets_page(request: Request, user: User, month: str | None = None,
                    department: str = "",
                    format: str = "html") -> Response:  # noqa: A002 - the query parameter
    """The people x days grid of one month, per department (``format``: html, print,
    xlsx, pdf)."""
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
    local_now = now.astimezone(ZoneInfo(schedules.SITE_ZONE))
    name = f"timesheets-{department or 'all'}-{month}"
    if format == "xlsx":
        body = timesheet_xlsx.grid_workbook(grids, user.username, local_now, language)
        return _attachment(body, names.XLSX_TYPE, name + ".xlsx")
    if format == "pdf":
        body = report_pdf.timesheet_pdf(grids, user.username, local_now, language)
        return _attachment(body, names.PDF_TYPE, name + ".pdf")
    context: dict[str, Any] = {
        "grids": grids, "month": month, "legend": timesheet_grid.legend(language),
        "total_keys": timesheet_xlsx.TOTAL_KEYS, "total_values": timesheet_xlsx.total_values,
        "label": lambda key: timesheet_xlsx.label(language, key)}
    if format == "print":
        return PAGES.render(request, "timesheet_grid_print.html", user, **context,
                            generated_by=user.username,
                            generated_at=local_now.strftime("%d/%m/%Y %H:%M"))
    previous = (first - timedelta(days=1)).strftime("%Y-%m")
    following = (last + timedelta(days=1)).strftime("%Y-%m")
    return PAGES.render(request, "timesheet_grid.html", user, **context,
                        department=department, departments=departments, previous=previous,
                        following=following)


@router.get("/reports/lateness/pdf")
def lateness_pdf(request: Request, user: User, start: str | None = None,
                 end: str | None = None, department: str = "") -> Response:
    """The lateness report of [start, end] (at most a year) as a PDF, scoped like the page."""
    common.require(user, Role.HR, Role.LEADER)
    first, last = report_range(start, end)
    now = utc_now()
    with transaction(common.sessions_of(request)) as session:
        people = reports.load_people(session, common.scope_of(user), department or None)
        settings: ServerSettings = request.app.state.settings
        report = reports.lateness_report(session, people, first, last, now,
                                         settings.reports.overtime_after_min)
    local_now = now.astimezone(ZoneInfo(schedules.SITE_ZONE))
    body = report_pdf.lateness_pdf(report, user.username, local_now,
                                   common.language_of(request))
    return _attachment(body, names.PDF_TYPE, f"lateness-{department or 'all'}-{first}-{last}.pdf")
