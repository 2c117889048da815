"""Overtime and holiday-work minutes in the lateness report: on the page (Chromium) and in
its CSV and XLSX exports, equal to the timesheet grid's for the same people and month."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.test_browser import _log_in, browser  # noqa: F401 - the fixture
from tests.sync_server.web.test_timesheet_grid import _client, _month_of_punches

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def _by_code(header: list[str], rows: list[list[object]]) -> dict[object, dict[str, object]]:
    return {row[1]: dict(zip(header, row, strict=True)) for row in rows if row[1]}


@pytest.mark.timeout(180)
def test_lateness_exports_carry_overtime_and_holiday_work(
        web_server: WebServer, staffing: Staffing, sessions) -> None:  # type: ignore[no-untyped-def]
    _month_of_punches(sessions, staffing)
    hr = _client(web_server, "hr")
    answer = hr.get("/hr/reports/lateness", params={**MARCH, "format": "xlsx"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(values) if row[0] == "Name")
    xlsx = _by_code([str(c) for c in values[header_at]], values[header_at + 1:])
    assert xlsx["F001"]["Overtime (min)"] == 30  # 08:20-17:50 on the 3rd
    assert xlsx["F001"]["Holiday work (min)"] == 150  # 09:00-11:30 on the holiday
    assert xlsx["F002"]["Overtime (min)"] == 0
    text = hr.get("/hr/reports/lateness", params={**MARCH, "format": "csv"}).content
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Name")
    found = _by_code(rows[header_at], [list(r) for r in rows[header_at + 1:]])
    assert found["F001"]["Overtime (min)"] == "30"
    assert found["F001"]["Holiday work (min)"] == "150"
    grid = hr.get("/hr/timesheets", params={"month": "2026-03", "format": "xlsx"})
    finance = list(load_workbook(io.BytesIO(grid.content))["Finance"].iter_rows(
        values_only=True))
    header = next(row for row in finance if row and row[0] == "Code")
    an = next(row for row in finance if row[0] == "F001")
    assert an[header.index("Overtime minutes")] == xlsx["F001"]["Overtime (min)"]


@pytest.mark.timeout(180)
def test_lateness_page_shows_and_sorts_overtime(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions) -> None:  # noqa: F811
    _month_of_punches(sessions, staffing)
    page = browser.new_context().new_page()
    _log_in(page, web_server, "hr")
    page.goto(f"{web_server.url}/hr/reports/lateness?start=2026-03-01&end=2026-03-31"
              "&sort=overtime_minutes_total&desc=1")
    headers = [h.strip() for h in page.locator("#by-person thead th").all_inner_texts()]
    overtime = headers.index("Làm thêm (phút)")
    holiday = headers.index("Làm ngày lễ (phút)")
    first = page.locator("#by-person tbody tr").first
    assert first.get_attribute("data-person") == str(staffing.finance_a)  # most overtime
    cells = first.locator("td").all_inner_texts()
    assert (cells[overtime], cells[holiday]) == ("30", "150")
