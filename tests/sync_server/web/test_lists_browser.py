"""Long lists and forms in Chromium: people, audit trail, tasks and corrections searched and
paginated; person pickers that search as one types; working days as checkboxes; a holiday
for a chosen set of departments."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

import attendance
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.service import people, reminders, reports, schedules
from sync_server.service.reminder_views import list_tasks
from sync_server.service.reminders import TaskIn
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer, log_in
from tests.sync_server.web.test_browser import _log_in, browser  # noqa: F401 - the fixture

EXTRA = 120  # with the fixture's three: 123 people, three pages of 50


def _many_people(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        for n in range(EXTRA):
            name = f"Nguyễn Thị Mẫu {n:03d}" if n % 10 == 0 else f"Trần Văn Số {n:03d}"
            people.create_person(session, name, f"X{n:03d}", "Kho", actor="hr")
        for n in range(60):
            reminders.create_task(session, TaskIn(f"Việc số {n:02d}", department="Kho"),
                                  "hr")


@pytest.mark.timeout(240)
def test_people_audit_and_tasks_are_searched_and_paginated(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions) -> None:  # noqa: F811
    _many_people(sessions)
    page = browser.new_context().new_page()
    _log_in(page, web_server, "hr")
    page.goto(f"{web_server.url}/hr/people")
    assert page.locator("#people tbody tr").count() == 50
    assert page.get_attribute("#pager", "data-pages") == "3"
    page.click("#pager a.page-next")
    page.click("#pager a.page-next")
    assert page.get_attribute("#pager", "data-page") == "3"
    assert page.locator("#people tbody tr").count() == 23
    page.fill("#search", "nguyen mau")  # no accents typed: the accented names match
    page.click("#people-search button[type=submit]")
    rows = page.locator("#people tbody tr")
    assert rows.count() == EXTRA // 10 and "Nguyễn Thị Mẫu 000" in rows.first.inner_text()
    assert page.locator("#pager a").count() == 0
    page.fill("#search", "X11")
    page.click("#people-search button[type=submit]")
    assert page.locator("#people tbody tr").count() == 10  # X110..X119

    page.goto(f"{web_server.url}/hr/audit?actor=hr")
    assert page.locator("#audit tbody tr").count() == 50
    page.click("#pager a.page-next")
    assert page.get_attribute("#pager", "data-page") == "2"
    assert "actor=hr" in page.url  # the filter is kept from page to page
    assert page.locator("#audit tbody tr").count() == 50

    page.goto(f"{web_server.url}/hr/reminders")
    assert page.locator("#tasks tbody tr").count() == 50
    page.fill("#tasks-q", "so 05")
    page.click("#tasks-search button[type=submit]")
    assert page.locator("#tasks tbody tr").count() == 1
    assert "Việc số 05" in page.inner_text("#tasks tbody tr")


@pytest.mark.timeout(240)
def test_pickers_checkboxes_and_holiday_departments(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions) -> None:  # noqa: F811
    _many_people(sessions)
    with transaction(sessions) as session:
        schedules.create_department(session, "Kho", actor="hr")
    page = browser.new_context().new_page()
    _log_in(page, web_server, "hr")
    page.goto(f"{web_server.url}/hr/shifts")
    assert page.locator("#assignment-form option").count() < 20  # no 123-entry dropdown
    page.fill("#shift-type-form input[name=name]", "Ca thứ Hai, thứ Tư")
    for box in page.locator("#working-days input[type=checkbox]").all():
        box.uncheck()
    page.check("#working-days input[value='0']")
    page.check("#working-days input[value='2']")
    page.click("#shift-type-form button[type=submit]")
    row = page.locator("#shift-types tr", has_text="Ca thứ Hai, thứ Tư")
    assert row.locator("td.weekdays").inner_text().split() == ["T2", "T4"]

    page.fill("#assignment-person", "o001")  # by code, any case
    option = "#assignment-person-list option[value^='Hoang Van Cuong']"
    page.wait_for_selector(option, state="attached")
    page.fill("#assignment-person", page.get_attribute(option, "value") or "")
    assert page.input_value("#assignment-person-value") == str(staffing.ops_c)
    page.select_option("#assignment-form select[name=shift_type_id]",
                       label="Ca thứ Hai, thứ Tư")
    page.fill("#assignment-form input[name=start]", "2026-01-01")
    page.click("#assignment-form button[type=submit]")

    holiday = date(2026, 2, 4)
    page.fill("#holiday-form input[name=day]", holiday.isoformat())
    page.fill("#holiday-form input[name=name]", "Ngày hội phòng")
    page.check("#holiday-departments input[value='Finance']")
    page.check("#holiday-departments input[value='Kho']")
    page.click("#holiday-form button[type=submit]")
    assert page.locator("#holidays tbody tr", has_text="Ngày hội phòng").count() == 2

    with transaction(sessions) as session:
        [shift] = [t for t in schedules.list_shift_types(session)
                   if t.name == "Ca thứ Hai, thứ Tư"]
        assert shift.working_days == "0,2"
        assert [a.person_id for a in schedules.list_assignments(session)
                if a.shift_type_id == shift.id] == [staffing.ops_c]
        days = {s.person_id: s.status for s in reports.compute_day_summaries(
            session, reports.load_people(session), holiday, holiday, utc_now(),
            use_watermark=False)}
    assert days[staffing.finance_a] is attendance.DayStatus.HOLIDAY
    assert days[staffing.ops_c] is not attendance.DayStatus.HOLIDAY  # Operations: not chosen


@pytest.mark.timeout(240)
def test_corrections_person_picker_and_list(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions) -> None:  # noqa: F811
    page = browser.new_context().new_page()
    _log_in(page, web_server, "hr")
    page.goto(f"{web_server.url}/hr/corrections")
    page.fill("#pick-person", "an")
    option = "#pick-person-list option[value^='Nguyen Van An']"
    page.wait_for_selector(option, state="attached")
    with page.expect_navigation():  # picking a person opens their corrections
        page.fill("#pick-person", page.get_attribute(option, "value") or "")
    assert f"person={staffing.finance_a}" in page.url
    assert page.locator("#form-excuse").count() == 1
    assert page.locator("#corrections-search").count() == 1


def test_people_search_keeps_to_the_users_scope(
        web_server: WebServer, staffing: Staffing) -> None:
    with httpx.Client(base_url=web_server.url, timeout=30) as leader:
        log_in(leader, "leader")
        found = leader.get("/hr/people-search", params={"q": "van"}).json()
        assert [p["id"] for p in found] == [str(staffing.finance_a)]  # not Operations' Cuong
        assert leader.get("/hr/people-search", params={"q": ""}).json() == []
    with httpx.Client(base_url=web_server.url, timeout=30) as staff:
        log_in(staff, "staff")
        assert staff.get("/hr/people-search", params={"q": "van"}).status_code == 403


@pytest.mark.timeout(180)
def test_a_task_for_a_person_picked_by_name(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions) -> None:  # noqa: F811
    page = browser.new_context().new_page()
    _log_in(page, web_server, "hr")
    page.goto(f"{web_server.url}/hr/reminders")
    assert page.locator("#task-form option").count() < 10  # departments, not everyone
    page.fill("#task-form input[name=title]", "Nộp báo cáo quý")
    page.fill("#task-person", "cuong")
    option = "#task-person-list option[value^='Hoang Van Cuong']"
    page.wait_for_selector(option, state="attached")
    page.fill("#task-person", page.get_attribute(option, "value") or "")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("#tasks >> text=Nộp báo cáo quý")
    with transaction(sessions) as session:
        [task] = [t for t, _line in list_tasks(session, None) if t.title == "Nộp báo cáo quý"]
        assert task.assignee_person_id == staffing.ops_c
