"""HR sets the day a person joined on the person form, in Chromium against the real server
on 127.0.0.1; that person's own balance on /hr/me then counts leave from the month joined,
and their pending requests' days stand in their own column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Person
from sync_server.service import leave_types
from sync_server.settings import ServerSettings
from tests.sync_server.helpers import sqlite_url
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.scenario import ZONE
from tests.sync_server.web.test_browser import _log_in, browser

__all__ = ["browser"]  # the Chromium fixture of test_browser


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """One browser run is enough: on SQLite (the services run on both in other tests)."""
    return sqlite_url(tmp_path)


def _balance_cells(page, code: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [text.strip() for text in
            page.locator(f"#balances tr[data-code='{code}'] td").all_inner_texts()]


@pytest.mark.timeout(180)
def test_hr_sets_the_joining_date_and_staff_see_a_pro_rata_balance(  # type: ignore[no-untyped-def]
        browser, server_settings: ServerSettings, staffing: Staffing,
        sessions: sessionmaker[Session]) -> None:
    today = utc_now().astimezone(ZONE).date()
    joined = date(today.year, max(today.month - 1, 1), 1)  # last month (this, in January)
    with transaction(sessions) as session:  # 12 days a year, one a month
        leave_types.save_type(session, leave_types.LeaveTypeIn(
            "monthly", "Phép tháng", "Monthly leave", 12, True, 5, True), actor="hr")
    server = WebServer(server_settings).start()
    try:
        staff = browser.new_context().new_page()
        _log_in(staff, server, "staff")
        staff.goto(f"{server.url}/hr/me")
        assert _balance_cells(staff, "monthly")[1] == f"{today.month},00"  # from January
        assert staff.locator("#balances th", has_text="Đang chờ duyệt").count() == 1

        hr = browser.new_context().new_page()
        _log_in(hr, server, "hr")
        hr.goto(f"{server.url}/hr/people?edit={staffing.finance_a}")
        hr.fill("#person-form input[name=joined_on]", joined.isoformat())
        hr.click("#person-form button[type=submit]")
        hr.wait_for_url(f"{server.url}/hr/people*")
        hr.goto(f"{server.url}/hr/people?edit={staffing.finance_a}")
        assert hr.input_value("#person-form input[name=joined_on]") == joined.isoformat()
        with transaction(sessions) as session:
            person = session.get(Person, staffing.finance_a)
            assert person is not None and person.joined_on == joined
            assert person.display_name == "Nguyen Van An"  # the rest of the form kept

        staff.goto(f"{server.url}/hr/me")
        months = today.month - joined.month + 1
        cells = _balance_cells(staff, "monthly")
        assert cells[1] == f"{months},00" and cells[4] == "0"  # earned; nothing pending
        assert cells[5] == f"{months},00"
    finally:
        server.stop()
