"""The monthly department timesheet grid: on screen in Chromium, in XLSX, and checked
against the per-person timesheet export of the same people and month."""

from __future__ import annotations

import io
from datetime import date, datetime

import httpx
import pytest
from openpyxl import load_workbook

from sync_server.db.engine import transaction
from sync_server.service import schedules
from sync_server.service.timesheet_grid import SYMBOLS
from sync_server.web import i18n
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer, log_in
from tests.sync_server.web.scenario import local, make_kiosk, store_punches
from tests.sync_server.web.test_browser import _log_in, browser  # noqa: F401 - the fixture

MARCH = [date(2026, 3, d) for d in range(1, 32)]
HOLIDAY = date(2026, 3, 10)
LATE_DAY = date(2026, 3, 3)  # 08:20-17:50: 20 minutes late, 30 minutes of overtime
ABSENT_DAY = date(2026, 3, 5)
HEADER_ROW = 8  # after the header block and an empty row


def _month_of_punches(sessions, staffing: Staffing) -> None:  # type: ignore[no-untyped-def]
    kiosk_id = make_kiosk(sessions)
    with transaction(sessions) as session:
        schedules.save_holiday(session, HOLIDAY, "Ngày lễ thử", actor="test")
        for day in MARCH:
            if day in (ABSENT_DAY, HOLIDAY):
                continue
            times = ([local(day, 8, 20), local(day, 17, 50)] if day == LATE_DAY
                     else [local(day, 7, 55), local(day, 17, 5)])
            store_punches(session, kiosk_id, staffing.finance_a, times)
            if day.day % 2:
                store_punches(session, kiosk_id, staffing.finance_b,
                              [local(day, 8, 0), local(day, 12, 0)])
        store_punches(session, kiosk_id, staffing.finance_a,
                      [local(HOLIDAY, 9, 0), local(HOLIDAY, 11, 30)])
        store_punches(session, kiosk_id, staffing.ops_c, [local(date(2026, 3, 2), 8, 40)])


def _client(server: WebServer, username: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=60, cookies={"lang": "en"})
    log_in(client, username)
    return client


def _sheet_rows(body: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(body))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def _person_export(client: httpx.Client, person_id: object) -> list[dict[str, object]]:
    answer = client.get(f"/hr/timesheet/{person_id}", params={"month": "2026-03",
                                                               "format": "xlsx"})
    answer.raise_for_status()
    [rows] = _sheet_rows(answer.content).values()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.timeout(180)
def test_department_grid_xlsx_matches_the_per_person_timesheets(
        web_server: WebServer, staffing: Staffing, sessions) -> None:  # type: ignore[no-untyped-def]
    _month_of_punches(sessions, staffing)
    hr = _client(web_server, "hr")
    answer = hr.get("/hr/timesheets", params={"month": "2026-03", "format": "xlsx"})
    assert answer.status_code == 200
    sheets = _sheet_rows(answer.content)
    assert sorted(sheets) == ["Finance", "Operations"]
    finance = sheets["Finance"]
    assert finance[1][1:3] == (datetime(2026, 3, 1), datetime(2026, 3, 31))  # real dates
    assert finance[2][1] == "Finance" and finance[3][1] == "hr"
    assert isinstance(finance[4][1], datetime)
    header = finance[HEADER_ROW - 1]
    assert header[2:33] == tuple(datetime.combine(d, datetime.min.time()) for d in MARCH)
    by_code = {row[0]: row for row in finance[HEADER_ROW:-1]}
    assert sorted(by_code) == ["F001", "F002"]
    status, late = i18n.translate("en", "status"), i18n.translate("en", "late_min")
    symbol_of = {i18n.translate("en", "day_status_" + s.value): symbol
                 for s, symbol in SYMBOLS.items()}  # the timesheet export's status words
    for code, person_id in (("F001", staffing.finance_a), ("F002", staffing.finance_b)):
        days = _person_export(hr, person_id)
        assert list(by_code[code][2:33]) == [symbol_of[str(d[status])] for d in days]
        column = header.index("Late minutes")
        assert by_code[code][column] == sum(int(d[late] or 0) for d in days)
    an = by_code["F001"]
    assert an[2 + LATE_DAY.day - 1] == "M" and an[2 + ABSENT_DAY.day - 1] == "V"
    assert an[2 + HOLIDAY.day - 1] == "L"
    assert an[header.index("Overtime minutes")] == 30
    assert an[header.index("Holiday work minutes")] == 150
    assert an[header.index("Absences")] == 1
    totals = finance[-1]
    assert totals[1].startswith("Total")
    assert totals[2 + date(2026, 3, 1).day - 1] == 2  # both worked on the 1st (odd day)
    assert totals[2 + date(2026, 3, 2).day - 1] == 1
    assert totals[header.index("Late minutes")] == an[header.index("Late minutes")] + \
        by_code["F002"][header.index("Late minutes")]


def test_leader_sees_own_department_and_staff_none(
        web_server: WebServer, staffing: Staffing, sessions) -> None:  # type: ignore[no-untyped-def]
    _month_of_punches(sessions, staffing)
    leader = _client(web_server, "leader")
    answer = leader.get("/hr/timesheets", params={"month": "2026-03", "format": "xlsx"})
    assert answer.status_code == 200
    assert sorted(_sheet_rows(answer.content)) == ["Finance"]
    other = leader.get("/hr/timesheets", params={"month": "2026-03", "format": "xlsx",
                                                 "department": "Operations"})
    assert "Operations" not in _sheet_rows(other.content)  # another department: nothing
    page = leader.get("/hr/timesheets", params={"month": "2026-03"})
    assert "Nguyen Van An" in page.text and "Hoang Van Cuong" not in page.text
    staff = _client(web_server, "staff")
    assert staff.get("/hr/timesheets", params={"month": "2026-03"}).status_code == 403
    assert leader.get("/hr/timesheets", params={"month": "2026-13"}).status_code == 422


@pytest.mark.timeout(180)
def test_grid_page_in_chromium(browser, web_server: WebServer, staffing: Staffing,  # noqa: F811
                               sessions) -> None:  # type: ignore[no-untyped-def]
    _month_of_punches(sessions, staffing)
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, web_server, "hr")
    page.click("#lang-vi")
    page.click("#nav-timesheets")
    page.fill("input[name=month]", "2026-03")
    page.click("#grid-filters button[type=submit]")
    finance = "table[data-department='Finance']"
    row = f"{finance} tr[data-person='{staffing.finance_a}']"
    page.wait_for_selector(row)
    assert page.inner_text(f"{row} td.sym[data-day='{LATE_DAY.day}']") == "M"
    assert page.inner_text(f"{row} td.sym[data-day='{HOLIDAY.day}']") == "L"
    assert "Đi muộn" in page.inner_text("#grid-legend")
    assert page.inner_text(f"{finance} tfoot td[data-day='1']") == "2"
    assert "Hoang Van Cuong" in page.inner_text("table[data-department='Operations']")
    context.close()
