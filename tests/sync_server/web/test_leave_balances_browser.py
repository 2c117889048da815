"""Leave balances on /hr/leave-balances and on the leader's decision page, in Chromium
against the real server on 127.0.0.1: the figures shown and exported (XLSX, opened) are the
service's for a person who joined last month and for one with a pending request; a leader
sees only their department; staff are refused."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.service import leave_requests, leave_types, people
from sync_server.service.users import CurrentUser, Role
from sync_server.settings import ServerSettings
from sync_server.texts import format_number
from tests.sync_server.helpers import sqlite_url
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.scenario import ZONE
from tests.sync_server.web.test_browser import _log_in, browser

__all__ = ["browser"]  # the Chromium fixture of test_browser
FIGURES = ("earned", "carried", "taken", "pending_days", "available")


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """One browser run is enough: on SQLite (the services run on both in other tests)."""
    return sqlite_url(tmp_path)


def _expected(sessions: sessionmaker[Session], person: uuid.UUID, today: date,
              code: str) -> list[float]:
    with transaction(sessions) as session:
        found = next(b for b in leave_types.balances(session, person, today)
                     if b.leave_type.code == code)
    b = found.balance
    return [b.earned, b.carried, b.taken, found.pending, b.available]


def _shown(page, person: uuid.UUID, code: str) -> list[str]:  # type: ignore[no-untyped-def]
    row = page.locator(f"#balances tr[data-person='{person}']")
    return [row.locator(f"td[data-code='{code}'][data-figure='{key}']").inner_text().strip()
            for key in FIGURES]


def _setup(sessions: sessionmaker[Session], staffing: Staffing, today: date) -> float:
    """A counted type of 14 days a year; Binh joined last month; An asks two days (pending).
    Returns the working days An's request uses."""
    start = today + timedelta(days=1)
    if (start + timedelta(days=1)).year != today.year:  # keep the request in this year
        start = today - timedelta(days=3)
    with transaction(sessions) as session:
        leave_types.save_type(session, leave_types.LeaveTypeIn(
            "bal", "Phép thử", "Test leave", 14, True, 5, True), actor="hr")
        kind = next(k for k in leave_types.list_types(session) if k.code == "bal")
        joined = date(today.year, max(today.month - 1, 1), 1)
        people.set_joined_on(session, staffing.finance_b, joined, actor="hr")
        staff = CurrentUser(uuid.uuid4(), "staff", Role.STAFF, None, staffing.finance_a, "x")
        sent = leave_requests.submit_leave(session, staff, kind.id, start,
                                           start + timedelta(days=1), "Việc nhà", "http://x")
        return float(sent.request.days or 0)


@pytest.mark.timeout(180)
def test_balances_page_requests_page_and_xlsx_show_the_service_figures(  # type: ignore[no-untyped-def]
        browser, server_settings: ServerSettings, staffing: Staffing,
        sessions: sessionmaker[Session]) -> None:
    today = utc_now().astimezone(ZONE).date()
    asked = _setup(sessions, staffing, today)
    joiner = _expected(sessions, staffing.finance_b, today, "bal")
    waiting = _expected(sessions, staffing.finance_a, today, "bal")
    assert waiting[3] == asked == 2 and joiner[0] < waiting[0]  # the figures differ
    server = WebServer(server_settings).start()
    try:
        context = browser.new_context(accept_downloads=True)
        hr = context.new_page()
        _log_in(hr, server, "hr")
        hr.goto(f"{server.url}/hr/leave-types")
        hr.click("#link-leave-balances")
        hr.wait_for_url(f"{server.url}/hr/leave-balances")
        for person, figures in ((staffing.finance_b, joiner), (staffing.finance_a, waiting)):
            assert _shown(hr, person, "bal") == [format_number("vi", v, 2) for v in figures]
        assert hr.locator("#balances tbody tr[data-person]").count() == 3
        hr.goto(f"{server.url}/hr/leave-balances?department=Operations")
        assert hr.locator("#balances tbody tr[data-person]").count() == 1
        hr.goto(f"{server.url}/hr/leave-balances?q=binh")
        assert hr.locator("#balances tbody tr[data-person]").count() == 1
        assert hr.locator(f"tr[data-person='{staffing.finance_b}']").count() == 1
        hr.goto(f"{server.url}/hr/leave-balances")
        with hr.expect_download() as download:
            hr.click("#balances-xlsx")
        assert download.value.suggested_filename == f"leave-balances-all-{today.year}.xlsx"
        _check_workbook(download.value.path(), today, joiner, waiting)

        leader = browser.new_context().new_page()
        _log_in(leader, server, "leader")
        leader.goto(f"{server.url}/hr/requests")
        leader.click("#nav-leave-balances")
        leader.wait_for_url(f"{server.url}/hr/leave-balances")
        shown = {leader.get_attribute(f"#balances tbody tr:nth-child({n})", "data-person")
                 for n in (1, 2)}
        assert shown == {str(staffing.finance_a), str(staffing.finance_b)}
        assert leader.locator("#balances tbody tr[data-person]").count() == 2
        leader.goto(f"{server.url}/hr/leave-balances?department=Operations")
        assert leader.locator("#balances tbody tr[data-person]").count() == 0
        leader.goto(f"{server.url}/hr/requests")
        line = leader.locator("#requests tr[data-request] .balance")
        assert line.locator(".left").inner_text() == format_number("vi", waiting[4], 2)
        assert line.locator(".left-after").inner_text() == \
            format_number("vi", waiting[4] - asked, 2)

        staff = browser.new_context().new_page()
        _log_in(staff, server, "staff")
        staff.goto(f"{server.url}/hr/me")
        assert staff.request.get(f"{server.url}/hr/leave-balances").status == 403
        assert staff.locator("#nav-leave-balances").count() == 0
    finally:
        server.stop()


def _check_workbook(path: Path, today: date, joiner: list[float],
                    waiting: list[float]) -> None:
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Số ngày phép của nhân viên"
    assert rows[1][1] == today.year and isinstance(rows[1][2], datetime)
    assert rows[1][2].date() == today
    assert rows[2][1] == "Tất cả" and rows[3][1] == "hr"
    assert isinstance(rows[4][1], datetime)
    column = rows[6].index("Phép thử")
    people_rows = {row[0]: row for row in rows[8:]}
    assert set(people_rows) == {"F001", "F002", "O001"}
    for code, figures in (("F002", joiner), ("F001", waiting)):
        cells = people_rows[code][column:column + len(FIGURES)]
        assert all(isinstance(c, (int, float)) for c in cells), cells
        assert list(cells) == pytest.approx(figures)


@pytest.mark.timeout(180)
def test_balances_are_fifty_a_page_and_the_pager_keeps_the_filters(  # type: ignore[no-untyped-def]
        browser, server_settings: ServerSettings, staffing: Staffing,
        sessions: sessionmaker[Session]) -> None:
    year = utc_now().astimezone(ZONE).date().year - 1
    with transaction(sessions) as session:  # 2 + 53 in Finance
        for n in range(53):
            people.create_person(session, f"Người {n:02d}", f"N{n:03d}", "Finance", actor="hr")
    server = WebServer(server_settings).start()
    try:
        hr = browser.new_context().new_page()
        _log_in(hr, server, "hr")
        hr.goto(f"{server.url}/hr/leave-balances?year={year}&department=Finance")
        assert hr.locator("#balances tbody tr[data-person]").count() == 50
        assert hr.get_attribute("#pager", "data-pages") == "2"
        hr.click("#pager .page-next")
        hr.wait_for_url("**page=2**")
        assert hr.locator("#balances tbody tr[data-person]").count() == 5
        assert hr.input_value("#balances-filters select[name=year]") == str(year)
        assert hr.input_value("#balances-filters select[name=department]") == "Finance"
        assert hr.locator(f"tr[data-person='{staffing.ops_c}']").count() == 0
        assert str(year) in hr.inner_text("h1")
    finally:
        server.stop()
