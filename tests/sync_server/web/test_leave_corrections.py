"""Leave and corrections in Chromium against the real server: a nonsense range or a
correction on a day that needs none is refused with the reason next to the field (the input
kept); leave is edited and withdrawn, an added punch undone, each after a confirmation and
each read back in the audit trail as a sentence with names, dd/mm/yyyy, in site time."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.service import schedules
from tests.sync_server.helpers import provision_kiosk, sqlite_url
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.scenario import ZONE, approve_held_punches, local, post_punch
from tests.sync_server.web.test_browser import _log_in, browser

__all__ = ["browser"]  # the Chromium fixture of test_browser
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """One browser run is enough: on SQLite (the services run on both in other tests)."""
    return sqlite_url(tmp_path)


def _leave(page, start: str, end: str, reason: str = "") -> None:  # type: ignore[no-untyped-def]
    page.fill("#leave-form input[name=start]", start)
    page.fill("#leave-form input[name=end]", end)
    page.fill("#leave-form input[name=reason]", reason)
    page.click("#leave-form button[type=submit]")


@pytest.mark.timeout(180)
def test_leave_is_range_checked_edited_and_withdrawn(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing) -> None:
    today = utc_now().astimezone(ZONE).date()
    page = browser.new_context().new_page()
    _log_in(page, web_server, "hr")
    page.goto(f"{web_server.url}/hr/shifts")
    page.fill("#shift-type-form input[name=name]", "Ca sáng")
    for box in page.locator("#working-days input[type=checkbox]").all():
        box.uncheck()
    page.click("#shift-type-form button[type=submit]")  # a shift type refused, input kept
    assert "ít nhất một ngày" in page.inner_text("#error-type-working_days")
    assert page.input_value("#shift-type-form input[name=name]") == "Ca sáng"
    assert page.locator("#working-days input:checked").count() == 0
    page.fill("#leave-person", "binh")  # the person picker searches as one types
    page.wait_for_selector("#leave-person-list option[value^='Pham Thi Binh']",
                           state="attached")
    page.fill("#leave-person", page.get_attribute("#leave-person-list option", "value") or "")
    assert page.input_value("#leave-person-value") == str(staffing.finance_b)
    _leave(page, "1900-01-01", "2999-12-31", "forever")
    assert "trong vòng một năm" in page.inner_text("#error-leave-start")
    assert page.input_value("#leave-form input[name=end]") == "2999-12-31"
    assert page.input_value("#leave-form input[name=reason]") == "forever"
    assert page.input_value("#leave-person-value") == str(staffing.finance_b)
    assert page.input_value("#leave-person") == "Pham Thi Binh"
    _leave(page, f"{today:%Y-%m-%d}", f"{today - timedelta(days=3):%Y-%m-%d}")
    assert "trước ngày bắt đầu" in page.inner_text("#error-leave-end")
    _leave(page, f"{today:%Y-%m-%d}", f"{today + timedelta(days=300):%Y-%m-%d}")
    assert "186" in page.inner_text("#error-leave-end")
    assert page.locator("#leaves tbody tr").count() == 0

    _leave(page, f"{today:%Y-%m-%d}", f"{today + timedelta(days=2):%Y-%m-%d}", "annual leave")
    row = page.locator("#leaves tbody tr")
    assert row.count() == 1 and f"{today + timedelta(days=2):%d/%m/%Y}" in row.inner_text()
    page.click("#leaves a.edit-leave")
    assert page.input_value("#leave-form input[name=reason]") == "annual leave"
    page.fill("#leave-form input[name=end]", f"{today + timedelta(days=4):%Y-%m-%d}")
    page.click("#leave-form button[type=submit]")
    assert f"{today + timedelta(days=4):%d/%m/%Y}" in page.inner_text("#leaves tbody")
    assert page.locator("#leaves tbody tr").count() == 1

    page.once("dialog", lambda dialog: dialog.dismiss())  # "Delete this?" - no
    page.click("#leaves button.delete-leave")
    assert page.locator("#leaves tbody tr").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#leaves button.delete-leave")
    page.wait_for_selector("#leaves tbody tr", state="detached")

    page.goto(f"{web_server.url}/hr/audit")
    trail = page.inner_text("#audit")
    assert (f"Nhân sự hr đã sửa nghỉ phép của Pham Thi Binh thành {today:%d/%m/%Y} – "
            f"{today + timedelta(days=4):%d/%m/%Y}") in trail
    assert (f"Nhân sự hr đã xóa nghỉ phép của Pham Thi Binh từ {today:%d/%m/%Y} đến "
            f"{today + timedelta(days=4):%d/%m/%Y}") in trail
    assert not UUID.search(trail) and "{" not in trail


def _excuse(page, day: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#form-excuse input[name=day]", day)
    page.fill("#form-excuse input[name=reason]", reason)
    page.click("#form-excuse button[type=submit]")


def _holiday(sessions: sessionmaker[Session], day) -> None:  # type: ignore[no-untyped-def]
    with transaction(sessions) as session:
        schedules.save_holiday(session, day, "Giỗ Tổ", actor="hr")


@pytest.mark.timeout(180)
def test_corrections_are_checked_against_the_day_and_can_be_undone(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions) -> None:
    today = utc_now().astimezone(ZONE).date()
    yesterday, holiday = today - timedelta(days=1), today - timedelta(days=2)
    _holiday(sessions, holiday)
    front = provision_kiosk(sessions, web_server.url, "front-door")
    for at in (local(yesterday, 8, 20), local(yesterday, 17, 0)):  # An: 20 minutes late
        post_punch(web_server.url, front.credential, staffing.finance_a, at)
    assert approve_held_punches(sessions) == 2  # they predate the kiosk: HR approves
    page = browser.new_context().new_page()
    _log_in(page, web_server, "hr")
    corrections = f"{web_server.url}/hr/corrections"

    page.goto(f"{corrections}?person={staffing.finance_b}")  # Binh never came: not late
    _excuse(page, f"{yesterday}", "traffic")
    assert "không đi muộn" in page.inner_text("#error-day")
    assert page.input_value("#form-excuse input[name=reason]") == "traffic"
    _excuse(page, "2030-01-07", "traffic")
    assert "chưa tới" in page.inner_text("#error-day")
    _excuse(page, f"{holiday}", "traffic")
    assert "không có ca" in page.inner_text("#error-day")
    page.fill("#form-add input[name=instant]", "2031-03-02T08:00")
    page.fill("#form-add input[name=reason]", "forgot")
    page.click("#form-add button[type=submit]")
    assert "chưa tới" in page.inner_text("#error-instant")
    assert page.locator("#corrections tbody tr[data-correction]").count() == 0

    page.goto(f"{corrections}?person={staffing.finance_a}")
    _excuse(page, f"{yesterday}", "flooded street")
    page.wait_for_selector("#corrections >> text=flooded street")
    _excuse(page, f"{yesterday}", "again")
    assert "đã được miễn" in page.inner_text("#error-day")

    page.goto(f"{corrections}?person={staffing.finance_b}")
    page.fill("#form-add input[name=instant]", f"{yesterday}T08:00")
    page.fill("#form-add input[name=reason]", "kiosk was down")
    page.click("#form-add button[type=submit]")
    added = page.locator("#corrections tr.add_punch")
    assert f"{yesterday:%d/%m/%Y} 08:00" in added.inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    added.locator("button.undo").click()
    page.wait_for_selector("#corrections tr.add_punch", state="detached")

    page.goto(f"{web_server.url}/hr/audit")
    trail = page.inner_text("#audit")
    assert f"Nhân sự hr đã miễn đi muộn cho Nguyen Van An ngày {yesterday:%d/%m/%Y}" in trail
    assert (f"Nhân sự hr đã thêm lượt chấm cho Pham Thi Binh lúc {yesterday:%d/%m/%Y} 08:00"
            in trail)
    assert "Nhân sự hr đã hoàn tác một điều chỉnh của Pham Thi Binh" in trail
    assert (f"Nhân sự hr đã duyệt lượt chấm lúc {yesterday:%d/%m/%Y} 08:20 của Nguyen Van An"
            in trail)  # the held punches approved before
    assert "Thiết bị front-door đã được cấp phép" in trail
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\b", trail)  # no raw action names
    assert not UUID.search(trail) and "{" not in trail and "\\u" not in trail
