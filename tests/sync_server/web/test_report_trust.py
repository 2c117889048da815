"""Reports HR can trust, in Chromium against the real server: a silent kiosk turns the days
after its last sync into pending days (counted apart, named in a banner on the report, the
timesheet and the today board), and a bad range is a form error, never "Forbidden"."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Kiosk
from sync_server.service import people
from tests.sync_server.helpers import provision_kiosk, sqlite_url
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.scenario import ZONE, approve_held_punches, local, post_punch
from tests.sync_server.web.test_browser import _log_in, browser

__all__ = ["browser"]  # the Chromium fixture of test_browser


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """One browser run is enough: on SQLite (the services run on both in other tests)."""
    return sqlite_url(tmp_path)

# by-person columns: name, department, days expected, days worked, pending, late entries,
# minutes late, average, early exits, absences, forgotten check-outs, worked hours
EXPECTED, WORKED, PENDING, ABSENCES = 3, 4, 5, 10


def _cell(page, person: uuid.UUID, column: int) -> str:  # type: ignore[no-untyped-def]
    return page.inner_text(f"#by-person tr[data-person='{person}'] td:nth-child({column})")


def _silent_since(sessions: sessionmaker[Session], name: str, since: datetime) -> None:
    """The kiosk ``name`` last synced at ``since`` (it has been off the network since)."""
    with transaction(sessions) as session:
        session.execute(update(Kiosk).where(Kiosk.name == name).values(last_seen_at=since))


@pytest.mark.timeout(240)
def test_a_silent_kiosk_makes_days_pending_and_is_named(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions) -> None:
    today = utc_now().astimezone(ZONE).date()
    first, last = today - timedelta(days=14), today - timedelta(days=1)
    front = provision_kiosk(sessions, web_server.url, "front-door")
    provision_kiosk(sessions, web_server.url, "back-gate")
    for offset in range(14):  # An punches at the front door every day
        day = first + timedelta(days=offset)
        for at in (local(day, 7, 55), local(day, 17, 5)):
            post_punch(web_server.url, front.credential, staffing.finance_a, at)
    assert approve_held_punches(sessions) == 28  # they predate the kiosk: HR approves
    _silent_since(sessions, "back-gate", local(today - timedelta(days=10), 6, 0))

    context = browser.new_context()
    page = context.new_page()
    _log_in(page, web_server, "hr")
    page.goto(f"{web_server.url}/hr/reports/lateness?start={first}&end={last}")
    banner = page.inner_text("#silent-kiosks")
    assert "back-gate" in banner and "front-door" not in banner
    assert f"{today - timedelta(days=10):%d/%m/%Y} 06:00" in banner  # site time, dd/mm/yyyy
    binh = staffing.finance_b  # no punches: absent before the silence, pending after it
    assert [_cell(page, binh, c) for c in (EXPECTED, WORKED, PENDING, ABSENCES)] == \
        ["14", "0", "10", "4"]
    an = staffing.finance_a
    assert [_cell(page, an, c) for c in (EXPECTED, WORKED, PENDING, ABSENCES)] == \
        ["14", "14", "0", "0"]
    exported = page.request.get(f"{web_server.url}/hr/reports/lateness?start={first}"
                                f"&end={last}&format=csv").text()
    assert "Ngày chưa chốt" in exported.splitlines()[0]  # the pending column
    assert any(line.startswith("back-gate: đồng bộ lần cuối") for line in exported.splitlines())

    page.goto(f"{web_server.url}/hr/timesheet/{binh}?month={last:%Y-%m}")
    assert "back-gate" in page.inner_text("#silent-kiosks")
    assert page.inner_text("#timesheet tr.pending td.status >> nth=0") == "Chưa chốt"
    page.goto(f"{web_server.url}/hr/")
    assert "back-gate" in page.inner_text("#silent-kiosks")
    shown = datetime.strptime(page.inner_text("#updated"), "%H:%M:%S")  # site time
    local_now = utc_now().astimezone(ZONE)
    apart = (local_now.hour * 3600 + local_now.minute * 60 + local_now.second
             - shown.hour * 3600 - shown.minute * 60 - shown.second) % 86400
    assert min(apart, 86400 - apart) < 120  # not UTC (7 hours off)
    context.close()


@pytest.mark.timeout(120)
def test_a_bad_range_is_a_form_error_with_the_input_kept(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing) -> None:
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, web_server, "hr")
    report = f"{web_server.url}/hr/reports/lateness"
    page.goto(report)
    page.fill("input[name=start]", "2026-03-10")
    page.fill("input[name=end]", "2026-03-01")
    page.click("#report-filters button[type=submit]")
    assert "Ngày kết thúc trước ngày bắt đầu" in page.inner_text("#error-end")
    assert page.input_value("input[name=start]") == "2026-03-10"
    assert page.input_value("input[name=end]") == "2026-03-01"
    assert not page.is_visible("#refused")

    answer = page.goto(f"{report}?start=2025-01-01&end=2026-03-01")
    assert answer is not None and answer.status == 400
    assert "366" in page.inner_text("#error-end")
    page.goto(f"{report}?start=2026-02-30&end=2026-03-05")
    assert "2026-02-30" in page.inner_text("#error-start")
    assert "Không được phép" not in page.inner_text("main")

    answer = page.goto(f"{report}?desc=abc")
    assert answer is not None and answer.status == 200
    assert page.is_visible("#by-person")
    answer = page.goto(f"{web_server.url}/hr/timesheet/{staffing.finance_a}?month=2026-13")
    assert answer is not None and answer.headers["content-type"].startswith("text/html")
    assert "2026-13" in page.inner_text("#invalid-input + p")
    assert "Không được phép" not in page.inner_text("main")
    answer = page.goto(f"{web_server.url}/hr/corrections?person=not-an-id")
    assert answer is not None and answer.headers["content-type"].startswith("text/html")
    assert page.is_visible("#invalid-input")
    context.close()



@pytest.mark.timeout(120)
def test_department_filter_and_chart_with_people_outside_any_shift(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions) -> None:
    with transaction(sessions) as session:
        loner = people.create_person(session, "Lý Thị Không Phòng", "N001", None,
                                      actor="test").id
        people.create_person(session, "Mai Văn Lưu Trữ", "A001", "Archive",  # no shift
                             actor="test")
    today = utc_now().astimezone(ZONE).date()
    first, last = today - timedelta(days=7), today - timedelta(days=1)
    page = browser.new_context().new_page()
    _log_in(page, web_server, "hr")
    page.goto(f"{web_server.url}/hr/reports/lateness?start={first}&end={last}")
    chosen = page.locator("#report-filters select[name=department] option:checked")
    assert chosen.inner_text() == "Tất cả"
    assert page.locator(f"#by-person tr[data-person='{loner}']").count() == 1
    chart = page.locator("svg.chart").nth(1)
    labels = chart.locator("text").all_text_contents()
    assert labels[labels.index("Archive") + 1] == "\u2014"  # not a perfect 0.0
    assert labels[labels.index("Finance") + 1] == "0,0"  # a shift, nobody late

    page.select_option("#report-filters select[name=department]", "-")
    page.click("#report-filters button[type=submit]")
    assert page.locator("#by-person tr[data-person]").count() == 1
    assert page.locator(f"#by-person tr[data-person='{loner}']").count() == 1
    assert page.locator("#report-filters select[name=department] option:checked"
                        ).inner_text() == "(chưa có phòng ban)"
    page.goto(f"{web_server.url}/hr/")  # the today board names the group, not "-"
    assert "(chưa có phòng ban)" in page.inner_text("#board")
