"""A refused upload or delete, in Chromium, on the real server on 127.0.0.1: the people
import, the enrolment ZIP, the task import and a person's photo upload say why beside their
file field (the page and its form again, not a redirect with the reason on top), and a
refused delete of leave, a holiday or an assignment says why in its table; in Vietnamese,
never "Không được phép" (that is only for permissions)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.service import leaves, schedules
from tests.sync_server.helpers import sqlite_url
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.scenario import ZONE
from tests.sync_server.web.test_browser import _log_in, browser

__all__ = ["browser"]  # the Chromium fixture of test_browser
BROKEN_XLSX = {"name": "nhan-su.xlsx", "buffer": b"not a workbook",
               "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """One browser run is enough: on SQLite (the services run on both in other tests)."""
    return sqlite_url(tmp_path)


def _open(browser, server: WebServer, path: str):  # type: ignore[no-untyped-def]
    page = browser.new_context().new_page()
    _log_in(page, server, "hr")
    page.goto(f"{server.url}/hr{path}")
    return page


def _same_page_not_refused(page, form: str) -> None:  # type: ignore[no-untyped-def]
    """The page with ``form`` again, no ``?error=`` reason on top, no permission words."""
    assert "error=" not in page.url, page.url
    assert page.locator(form).count() == 1
    assert page.locator("p.error[role=alert]").count() == 0
    text = page.inner_text("body")
    assert "Không được phép" not in text and "Forbidden" not in text


@pytest.mark.timeout(180)
def test_a_refused_people_import_and_zip_say_why_beside_the_file(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing) -> None:
    page = _open(browser, web_server, "/people")
    page.set_input_files("#import-form input[name=upload]", files=[BROKEN_XLSX])
    page.click("#import-form button[type=submit]")
    _same_page_not_refused(page, "#import-form")
    beside = page.locator("#import-form label", has=page.locator("input[name=upload]"))
    assert beside.locator("#error-import-upload").inner_text() == (
        "Tệp không phải là tệp Excel (XLSX) đọc được.")

    page.set_input_files("#enrol-zip-form input[name=upload]", files=[
        {"name": "anh.zip", "buffer": b"not a zip", "mimeType": "application/zip"}])
    page.fill("#enrol-zip-form input[name=notice_version]", "TB-2026/01")
    page.fill("#enrol-zip-form input[name=collected_by]", "Phòng Tổ chức")
    page.click("#enrol-zip-form button[type=submit]")
    _same_page_not_refused(page, "#enrol-zip-form")
    beside = page.locator("#enrol-zip-form label", has=page.locator("input[name=upload]"))
    assert beside.locator("#error-zip-upload").inner_text() == (
        "Tệp tải lên không phải là tệp ZIP đọc được.")
    assert page.input_value("#enrol-zip-form input[name=notice_version]") == "TB-2026/01"
    assert page.input_value("#enrol-zip-form input[name=collected_by]") == "Phòng Tổ chức"
    assert page.locator("#error-import-upload").count() == 0


@pytest.mark.timeout(180)
def test_a_refused_task_import_says_why_beside_the_file(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing) -> None:
    page = _open(browser, web_server, "/reminders")
    page.set_input_files("#task-import-form input[name=upload]", files=[BROKEN_XLSX])
    page.click("#task-import-form button[type=submit]")
    _same_page_not_refused(page, "#task-import-form")
    beside = page.locator("#task-import-form label", has=page.locator("input[name=upload]"))
    assert beside.locator("#error-task-import-upload").inner_text() == (
        "Tệp không phải là tệp Excel (XLSX) đọc được.")


@pytest.mark.timeout(180)
def test_a_refused_photo_upload_says_why_beside_the_photos(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing) -> None:
    page = _open(browser, web_server, f"/people/{staffing.finance_b}/enrol")
    page.set_input_files("#enrol-form input[name=photos]", files=[
        {"name": "mat.jpg", "buffer": b"not a photo", "mimeType": "image/jpeg"}])
    page.fill("#enrol-form input[name=collected_by]", "Phòng Tổ chức")  # no notice version
    page.click("#enrol-form button[type=submit]")
    assert page.locator("#enrol-form").count() == 1
    beside = page.locator("#enrol-form label", has=page.locator("input[name=photos]"))
    assert beside.locator("#enrol-problem").inner_text() == (
        "Ghi nhận đồng ý cần cả phiên bản thông báo và người thu thập.")
    assert page.input_value("#enrol-form input[name=collected_by]") == "Phòng Tổ chức"


def _shifts_with_a_leave_and_a_holiday(sessions: sessionmaker[Session],
                                       staffing: Staffing) -> None:
    today = utc_now().astimezone(ZONE).date()
    with transaction(sessions) as session:
        leaves.add_leave(session, leaves.LeaveIn(staffing.ops_c, today - timedelta(days=3),
                                                 today, "ốm"), "hr")
        schedules.save_holiday(session, date(today.year, 12, 24), "Giáng sinh", None,
                               actor="hr")


@pytest.mark.timeout(180)
def test_a_refused_delete_says_why_in_its_table(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing,
        sessions: sessionmaker[Session]) -> None:
    """Another HR officer deleted the rows first: the second delete is refused in the table
    the button was in, with the page's other rows still there."""
    _shifts_with_a_leave_and_a_holiday(sessions, staffing)
    page = _open(browser, web_server, "/shifts")
    page.on("dialog", lambda dialog: dialog.accept())  # "Delete?" - yes
    for table, words in (("leaves", "Đợt nghỉ phép này không còn nữa."),
                         ("holidays", "Ngày lễ này không còn nữa; hãy tải lại trang."),
                         ("assignments", "Phân ca này không còn nữa; hãy tải lại trang.")):
        page.goto(f"{web_server.url}/hr/shifts")
        _delete_first(sessions, table)  # by the other officer, after this page was shown
        page.locator(f"#{table} tbody form.confirm button").first.click()
        _same_page_not_refused(page, "#leave-form")
        assert page.locator(f"#{table} .row-error").inner_text() == words, table
        assert page.locator(".row-error").count() == 1
    assert page.locator("#assignments tbody tr").count() == 2  # the message and the other


def _delete_first(sessions: sessionmaker[Session], table: str) -> None:
    with transaction(sessions) as session:
        if table == "leaves":
            leaves.delete_leave(session, schedules.list_leaves(session)[0].id, "hr2")
        elif table == "holidays":
            schedules.delete_holiday(session, schedules.list_holidays(session)[0].id,
                                     actor="hr2")
        else:
            schedules.delete_assignment(session, schedules.list_assignments(session)[0].id,
                                        actor="hr2")
