"""The timesheet grid's print page in Chromium: one section per department with its header
block and legend, no navigation, and one printed page (at least) per department."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.test_browser import _log_in, browser  # noqa: F401 - the fixture
from tests.sync_server.web.test_timesheet_grid import LATE_DAY, _month_of_punches


@pytest.mark.timeout(180)
def test_grid_print_page(browser, web_server: WebServer, staffing: Staffing,  # noqa: F811
                         sessions) -> None:  # type: ignore[no-untyped-def]
    _month_of_punches(sessions, staffing)
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, web_server, "hr")
    page.goto(f"{web_server.url}/hr/timesheets?month=2026-03")
    with context.expect_page() as opened:
        page.click("#grid-print")
    sheet = opened.value
    sheet.wait_for_load_state()
    assert sheet.locator("header.top, nav").count() == 0
    sections = sheet.locator("section.dept")
    assert [s.get_attribute("data-department") for s in sections.all()] == ["Finance",
                                                                             "Operations"]
    finance = sheet.locator("section.dept[data-department='Finance']")
    assert "01/03/2026 - 31/03/2026" in finance.locator(".header-block").inner_text()
    assert "hr" in finance.locator(".header-block").inner_text()
    row = finance.locator(f"tr[data-person='{staffing.finance_a}']")
    assert row.locator(f"td.sym[data-day='{LATE_DAY.day}']").inner_text() == "M"
    assert row.locator("a").count() == 0  # plain names on paper
    printed = PdfReader(io.BytesIO(sheet.pdf(prefer_css_page_size=True)))
    assert len(printed.pages) >= 2  # a page break after each department
    first = printed.pages[0]
    assert float(first.mediabox.width) > float(first.mediabox.height)  # landscape
    assert "Hoang Van Cuong" not in first.extract_text()


@pytest.mark.timeout(180)
def test_a_persons_print_page_button_opens_the_print_dialog(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing) -> None:  # noqa: F811
    """The per-person timesheet's print button works under the page's policy, which blocks
    inline handlers (``onclick=``): the click reaches ``window.print``."""
    context = browser.new_context()
    context.add_init_script(
        "window.__printed = 0; window.print = () => { window.__printed += 1; };")
    page = context.new_page()
    _log_in(page, web_server, "hr")
    page.goto(f"{web_server.url}/hr/timesheet/{staffing.finance_a}?month=2026-03&format=print")
    page.click("#print-timesheet")
    page.wait_for_function("window.__printed === 1", timeout=5000)
