"""People imports read what Excel writes, uploaded in Chromium: a semicolon CSV (Excel under
Vietnamese regional settings), XLSX date and number cells, empty rows; reasons in
Vietnamese, by line."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.sync_server.helpers import sqlite_url
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.test_browser import _log_in, browser

__all__ = ["browser"]  # the Chromium fixture of test_browser


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """One browser run is enough: on SQLite (the services run on both in other tests)."""
    return sqlite_url(tmp_path)


def _upload(page, server: WebServer, name: str, body: bytes) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/hr/people")
    page.set_input_files("#import-form input[name=upload]", files=[{
        "name": name, "mimeType": "application/octet-stream", "buffer": body}])
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-summary")


def _rejected(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    rows = page.locator("#import-rejected tbody tr")
    return {rows.nth(i).locator("td").nth(0).inner_text():
            rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())}


def _book() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Họ tên", "Mã", "Phòng ban"])
    sheet.append(["Lê Thị Hoa", 7.0, "Kế hoạch"])  # a code typed as a number: "7"
    sheet.append([datetime(2026, 1, 1), "N200", "Kế hoạch"])  # a date in the name column
    sheet.append(["Vũ Văn Ba", 3.5, "Kế hoạch"])  # not a code
    sheet.append([None, None, None])  # an empty row Excel left behind
    sheet.append(["Đỗ Minh Tư", "N201", None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.timeout(120)
def test_people_imports_read_what_excel_writes(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing) -> None:
    page = browser.new_context().new_page()
    _log_in(page, web_server, "hr")
    semicolons = "Họ tên;Mã;Phòng ban\r\nTrần Văn Nam;N100;Kế hoạch\r\n;;\r\n;N101;Kế hoạch\r\n"
    _upload(page, web_server, "nhan-vien.csv", semicolons.encode("utf-8-sig"))
    assert page.inner_text("#import-summary").split(" · ") == [
        "Đã tạo: 1", "Cập nhật: 0", "Bị từ chối: 1"]
    assert _rejected(page) == {"4": "Thiếu họ tên."}

    _upload(page, web_server, "nhan-vien.xlsx", _book())
    assert page.inner_text("#import-summary").split(" · ") == [
        "Đã tạo: 2", "Cập nhật: 0", "Bị từ chối: 2"]
    reasons = _rejected(page)
    assert set(reasons) == {"3", "4"}
    assert "chứa ngày tháng" in reasons["3"] and "“3.5”" in reasons["4"]
    page.goto(f"{web_server.url}/hr/people")
    listing = page.inner_text("#people")
    assert "Trần Văn Nam" in listing and "Lê Thị Hoa" in listing and "Đỗ Minh Tư" in listing
    assert "2026-01-01" not in listing and "Vũ Văn Ba" not in listing
    hoa = page.locator("#people tr", has_text="Lê Thị Hoa").locator("td").nth(1)
    assert hoa.inner_text() == "7"
