"""The today board (page + JSON polled every few seconds), the lateness report and the
monthly timesheet, with CSV/XLSX exports and a print-friendly timesheet."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

import attendance
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Person
from sync_server.errors import BadRequest, NotFound
from sync_server.service import board_versions, completeness, reports, schedules, users
from sync_server.service.users import Role
from sync_server.settings import ServerSettings
from sync_server.web import charts, common, exports, i18n
from sync_server.web.common import PAGES, PREFIX, User

router = APIRouter(prefix=PREFIX, include_in_schema=False)
MAX_RANGE_DAYS = 366
SORT_KEYS = ("name", "department", "days_worked", "late_entries", "late_minutes_total",
             "late_minutes_average", "early_exits", "absences", "forgotten_checkouts",
             "overtime_minutes_total", "holiday_work_minutes_total")


def _today() -> date:
    return utc_now().astimezone(ZoneInfo(schedules.SITE_ZONE)).date()


def _board_json(request: Request, user: users.CurrentUser,
                since: str | None = None) -> dict[str, object]:
    """The today board as the page's script reads it: the whole board (``full``, grouped
    in ``departments``) or, when ``since`` is a version the server still knows, only the
    entries that ``changed`` and the person ids ``removed`` since then (board_versions)."""
    now = utc_now()
    with transaction(common.sessions_of(request)) as session:
        people = reports.load_people(session, common.scope_of(user))
        changes = board_versions.changes_since(board_versions.snapshot(session, people, now),
                                               since)
    return board_payload(changes, common.language_of(request), now)


def board_payload(changes: board_versions.Changes, language: str,
                  now: datetime) -> dict[str, object]:
    """The JSON body of one poll (also measured by scripts/bench_reports.py)."""
    counts = Counter(entry.state for entry in changes.snapshot.entries.values())
    local = now.astimezone(ZoneInfo(schedules.SITE_ZONE))
    body: dict[str, object] = {
        "version": changes.snapshot.version, "full": changes.full,
        "generated_at": now.isoformat(), "updated_local": local.strftime("%H:%M:%S"),
        "date": local.date().isoformat(), "counts": dict(counts)}
    if changes.full:
        departments: dict[str, list[dict[str, object]]] = {}
        for entry in changes.changed:
            item = _entry_json(language, entry)
            departments.setdefault(str(item.pop("department")), []).append(item)
        body["departments"] = departments
    else:
        body["changed"] = [_entry_json(language, entry) for entry in changes.changed]
        body["removed"] = [str(person_id) for person_id in changes.removed]
    return body


def _entry_json(language: str, entry: reports.BoardEntry) -> dict[str, object]:
    return {"person_id": str(entry.person_id), "name": entry.name, "state": entry.state,
            "department": entry.department or i18n.translate(language, "no_department"),
            "state_text": i18n.translate(language, "state_" + entry.state),
            "late_minutes": entry.late_minutes, "first_in": i18n.format_time(entry.first_in),
            "last_out": i18n.format_time(entry.last_out)}


def _sync_state(request: Request, user: users.CurrentUser) -> completeness.Completeness:
    """Every kiosk for HR; a leader's board names only the kiosks of their people's sites."""
    with transaction(common.sessions_of(request)) as session:
        people = None if user.sees_everyone else [
            p.id for p in reports.load_people(session, common.scope_of(user))]
        return completeness.completeness(session, utc_now(), people)


@router.get("/")
def today_page(request: Request, user: User,
               format: str = "html") -> Response:  # noqa: A002 - the query parameter
    common.require(user, Role.HR, Role.LEADER)
    board = _board_json(request, user)
    if format in ("csv", "xlsx"):
        language = common.language_of(request)
        header = [i18n.translate(language, k) for k in ("department", "name", "status",
                                                         "late_min", "first_in", "last_out")]
        departments = cast(dict[str, list[dict[str, Any]]], board["departments"])
        cells = [[department, e["name"], e["state_text"], e["late_minutes"], e["first_in"],
                  e["last_out"]] for department, entries in departments.items()
                 for e in entries]
        return exports.download(format, f"today-{_today()}", i18n.translate(language, "today"),
                                header, cells)
    return PAGES.render(request, "today.html", user, board=board, today=_today(),
                        sync=_sync_state(request, user))


@router.get("/api/today")
def today_json(request: Request, user: User, since: str = "") -> JSONResponse:
    """The board; ``since``: the ``version`` of the caller's last answer (only changes)."""
    common.require(user, Role.HR, Role.LEADER)
    return JSONResponse(_board_json(request, user, since or None))


def _parse_day(text: str | None, default: date, field: str) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{text!r} is not a date YYYY-MM-DD", "not_a_date", field,
                         value=text) from None


def _range(start: str | None, end: str | None) -> tuple[date, date]:
    """The report's dates; refused (with the form field) when not a real forward range of
    at most :data:`MAX_RANGE_DAYS` days."""
    today = _today()
    first = _parse_day(start, today.replace(day=1), "start")
    last = _parse_day(end, today, "end")
    if last < first:
        raise BadRequest("the range ends before it starts", "range_backwards", "end")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise BadRequest(f"the range spans more than {MAX_RANGE_DAYS} days", "range_too_long",
                         "end", days=MAX_RANGE_DAYS)
    return first, last


def _short_day(language: str, day: date) -> str:
    """Chart label: day and month in the user's order (24/11 or 11-24)."""
    return day.strftime("%d/%m") if language == "vi" else day.strftime("%m-%d")


def _person_rows(report: reports.LatenessReport, query: str, sort: str,
                 descending: bool) -> list[tuple[Person, attendance.Totals]]:
    rows = [(p, report.by_person[p.id]) for p in report.people]
    if query:
        needle = query.casefold()
        rows = [(p, t) for p, t in rows if needle in p.display_name.casefold()
                or needle in (p.employee_code or "").casefold()]
    key = sort if sort in SORT_KEYS else "name"

    def value(row: tuple[Person, attendance.Totals]) -> object:
        person, totals = row
        if key == "name":
            return person.display_name.casefold()
        if key == "department":
            return (person.department or "").casefold()
        return getattr(totals, key)

    return sorted(rows, key=value, reverse=descending)  # type: ignore[arg-type]


TOTAL_COLUMNS = ("days_expected", "days_worked", "pending", "late_entries", "late_total",
                 "late_avg", "early_exits", "absences", "forgotten", "worked_hours",
                 "overtime_min", "holiday_work_min")


def _totals_cells(totals: attendance.Totals) -> list[int | float]:
    """Days expected = days worked (present, late, half, forgotten check-out) + pending +
    absences: pending days are counted apart, never as absent or present."""
    return [totals.days_expected, totals.days_worked, totals.pending_days, totals.late_entries,
            totals.late_minutes_total, round(totals.late_minutes_average, 1),
            totals.early_exits, totals.absences, totals.forgotten_checkouts,
            round(totals.worked_minutes_total / 60, 2), totals.overtime_minutes_total,
            totals.holiday_work_minutes_total]


NO_DEPARTMENT = "-"  # the department filter's value for people without a department


def _report_people(session: Session, scope: reports.Scope, department: str) -> list[Person]:
    if department == NO_DEPARTMENT:
        return [p for p in reports.load_people(session, scope) if not p.department]
    return reports.load_people(session, scope, department or None)


def _banner_people(user: users.CurrentUser, department: str,
                   people: list[Person]) -> list[uuid.UUID] | None:
    """Whose sites' kiosks the silent-kiosk banner names: every kiosk on the whole
    ministry's report (None), else those of the people the report shows."""
    if user.sees_everyone and not department:
        return None
    return [p.id for p in people]


@router.get("/reports/lateness")
def lateness_page(request: Request, user: User, start: str | None = None,
                  end: str | None = None, department: str = "", q: str = "",
                  sort: str = "late_minutes_total", desc: str = "1",
                  format: str = "html") -> Response:  # noqa: A002 - the query parameter
    """The report; a bad range re-shows the form with the input and the reason by the field
    (never a refusal page: that is for permissions)."""
    common.require(user, Role.HR, Role.LEADER)
    descending = desc != "0"
    form = {"start": start or "", "end": end or "", "department": department, "q": q,
            "sort": sort, "desc": int(descending)}
    with transaction(common.sessions_of(request)) as session:
        scope = common.scope_of(user)
        departments = sorted({p.department for p in reports.load_people(session, scope)
                              if p.department})
        people = _report_people(session, scope, department)
        shown = _banner_people(user, department, people)
        try:
            first, last = _range(start, end)
        except BadRequest as exc:
            return PAGES.render(request, "lateness.html", user, status_code=400, report=None,
                                form=form, form_error=exc, departments=departments,
                                sync=completeness.completeness(session, utc_now(), shown))
        settings: ServerSettings = request.app.state.settings
        report = reports.lateness_report(session, people, first, last, utc_now(),
                                         settings.reports.overtime_after_min)
        sync = completeness.completeness(session, utc_now(), shown)
    form.update(start=first.isoformat(), end=last.isoformat())
    rows = _person_rows(report, q, sort, descending)
    language = common.language_of(request)
    if format in ("csv", "xlsx"):
        return _lateness_download(language, format, report, rows, sync)
    return PAGES.render(request, "lateness.html", user, report=report, rows=rows, form=form,
                        first=first, last=last, department=department, q=q, sort=sort,
                        desc=int(descending), departments=departments,
                        chart=_daily_chart(language, report),
                        comparison=_department_chart(language, report), columns=TOTAL_COLUMNS,
                        cells=_totals_cells, sync=sync, no_department=NO_DEPARTMENT)


def _lateness_download(language: str, kind: str, report: reports.LatenessReport,
                       rows: list[tuple[Person, attendance.Totals]],
                       sync: completeness.Completeness) -> Response:
    header = [i18n.translate(language, k) for k in ("name", "code", "department",
                                                     *TOTAL_COLUMNS)]
    cells: list[list[exports.Cell]] = [
        [p.display_name, p.employee_code or "", p.department or "", *_totals_cells(t)]
        for p, t in rows]
    cells += [[i18n.silent_kiosk_line(language, k.name, k.last_seen_at)]
              + [None] * (len(header) - 1) for k in sync.silent]
    return exports.download(kind, f"lateness-{report.first}-{report.last}",
                            i18n.translate(language, "lateness"), header, cells)


def _daily_chart(language: str, report: reports.LatenessReport) -> str:
    return charts.line_chart(
        [(_short_day(language, day), minutes)
         for day, minutes in sorted(report.late_minutes_by_day.items())],
        i18n.translate(language, "chart_title"))


def _department_chart(language: str, report: reports.LatenessReport) -> str:
    """Average minutes late per department; "—" (not 0.0) where nobody had a shift."""
    return charts.bar_comparison(
        [(name or i18n.translate(language, "no_department"),
          totals.late_minutes_average if totals.days_expected else None)
         for name, totals in sorted(report.by_department.items())],
        i18n.translate(language, "dept_chart"),
        lambda value: i18n.format_number(language, value, 1))


def _visible_person(request: Request, user: users.CurrentUser, person_id: uuid.UUID) -> Person:
    with transaction(common.sessions_of(request)) as session:
        found = reports.load_people(session, common.scope_of(user), include_inactive=True)
    person = next((p for p in found if p.id == person_id), None)
    if person is None:
        if user.sees_everyone:
            raise NotFound(f"no person {person_id}", "no_person")
        raise common.RoleRefused("this record belongs to someone you may not see",
                                 "not_yours")
    return person


@router.get("/timesheet/{person_id}")
def timesheet_page(request: Request, user: User, person_id: uuid.UUID,
                   month: str | None = None, format: str = "html") -> Response:  # noqa: A002
    person = _visible_person(request, user, person_id)
    month, first, last = common.month_asked(month)
    with transaction(common.sessions_of(request)) as session:
        days, totals = reports.timesheet(session, person, first, last, utc_now())
        sync = completeness.completeness(session, utc_now(), [person.id])
    language = common.language_of(request)
    if format in ("csv", "xlsx"):
        return _timesheet_download(language, format, person, month, days)
    template = "timesheet_print.html" if format == "print" else "timesheet.html"
    previous = (first - timedelta(days=1)).strftime("%Y-%m")
    following = (last + timedelta(days=1)).strftime("%Y-%m")
    return PAGES.render(request, template, user, person=person, days=days, totals=totals,
                        month=month, first=first, previous=previous, following=following,
                        columns=TOTAL_COLUMNS, cells=_totals_cells, sync=sync)


def _timesheet_download(language: str, kind: str, person: Person, month: str,
                        days: list[reports.TimesheetDay]) -> Response:
    """Statuses and yes/no in the user's language; dates as the user reads them."""
    keys = ("day", "first_in", "last_out", "worked_hours", "status", "late_min",
            "early_min", "excused", "corrected")
    header = [i18n.translate(language, k) for k in keys]
    yes_no = (i18n.translate(language, "no"), i18n.translate(language, "yes"))
    cells: list[list[exports.Cell]] = [
        [i18n.format_date(language, d.day), i18n.format_time(d.first_in),
         i18n.format_time(d.last_out),
         None if d.worked_minutes is None else round(d.worked_minutes / 60, 2),
         i18n.translate(language, "day_status_" + d.status.value), d.late_minutes,
         d.early_exit_minutes, yes_no[d.late_excused], yes_no[d.corrected]] for d in days]
    return exports.download(kind, f"timesheet-{person.employee_code or person.id}-{month}",
                            i18n.translate(language, "timesheet"), header, cells)
