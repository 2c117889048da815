"""The shift calendar page in Chromium: its cells checked against the schedule (a night
shift, a holiday, a weekly day off, approved leave, no assignment), a month in the past and
one in the future, width at 1366 px and 390 px, leaders' scope, and departments in pages."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
import pytest

from sync_server.db.engine import transaction
from sync_server.db.models import Person
from sync_server.service import leaves, people, schedules, shift_calendar
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer, log_in
from tests.sync_server.web.test_browser import _log_in, browser  # noqa: F401 - the fixture

ANNUAL = uuid.uuid5(uuid.NAMESPACE_URL, "leave-type:annual")  # seeded by the migration
NIGHT_FROM = date(2027, 1, 4)  # a Monday; the night shift works Monday to Friday
NEW_YEAR = date(2027, 1, 1)  # a holiday for everyone
LEAVE = (date(2027, 1, 12), date(2027, 1, 14))  # finance_a's annual leave
SATURDAY = date(2027, 1, 9)


def _plan(sessions, staffing: Staffing) -> uuid.UUID:  # type: ignore[no-untyped-def]
    """finance_b on nights from NIGHT_FROM, a New Year holiday, finance_a on leave, and
    a Logistics person with no shift; returns the Logistics person's id."""
    with transaction(sessions) as session:
        night = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Ca đêm", "22:00", "06:00"), actor="test")
        schedules.save_assignment(session, night.id, NIGHT_FROM, None,
                                  person_id=staffing.finance_b, actor="test")
        schedules.save_holiday(session, NEW_YEAR, "Tết Dương lịch", actor="test")
        leaves.add_leave(session, leaves.LeaveIn(staffing.finance_a, *LEAVE, "Về quê",
                                                 ANNUAL), actor="test")
        return people.create_person(session, "Tran Thi Dung", "L001", "Logistics",
                                    actor="test").id


def _cells(page, person: uuid.UUID) -> dict[int, tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Day of month -> (data-kind, text) of a person's row."""
    found = page.eval_on_selector_all(
        f"tr[data-person='{person}'] td.plan",
        "cells => cells.map(c => [c.dataset.day, c.dataset.kind, c.innerText.trim()])")
    return {int(day): (kind, text) for day, kind, text in found}


def _expected_b(day: date) -> tuple[str, str]:
    if day == NEW_YEAR:
        return ("holiday", "L")
    if day < NIGHT_FROM:
        return ("shift", "O")  # the department's Office shift, every day
    return ("shift", "CĐ") if day.weekday() < 5 else ("day_off", "-")


@pytest.mark.timeout(240)
def test_calendar_cells_follow_the_schedule_in_chromium(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions) -> None:  # noqa: F811
    nobody = _plan(sessions, staffing)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    _log_in(page, web_server, "hr")
    page.click("#lang-vi")
    page.click("#nav-shift-calendar")
    page.fill("input[name=month]", "2027-01")
    page.click("#calendar-filters button[type=submit]")
    page.wait_for_selector(f"tr[data-person='{staffing.finance_b}']")
    january = [date(2027, 1, d) for d in range(1, 32)]
    night = _cells(page, staffing.finance_b)
    assert night == {d.day: _expected_b(d) for d in january}
    assert "22:00–06:00" in page.get_attribute(
        f"tr[data-person='{staffing.finance_b}'] td[data-day='5']", "title")
    an = _cells(page, staffing.finance_a)
    for day in january:
        expected = ("holiday", "L") if day == NEW_YEAR else ("leave", "P") \
            if LEAVE[0] <= day <= LEAVE[1] else ("shift", "O")
        assert an[day.day] == expected, day
    assert "Nghỉ phép năm" in page.get_attribute(
        f"tr[data-person='{staffing.finance_a}'] td[data-day='13']", "title")
    assert _cells(page, nobody) == {d.day: ("holiday", "L") if d == NEW_YEAR else ("none", "")
                                    for d in january}  # a holiday is everyone's
    legend = page.inner_text("#calendar-legend")
    assert "Ca đêm 22:00–06:00" in legend and "Ngày lễ" in legend
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    colours = page.eval_on_selector_all(  # each shift its colour (no inline styles allowed)
        f"tr[data-person='{staffing.finance_b}'] td.shift",
        "cells => cells.map(c => c.dataset.shift + '=' + getComputedStyle(c).backgroundColor)")
    assert len(set(colours)) == 2 and not any(c.endswith("rgba(0, 0, 0, 0)") for c in colours)
    page.emulate_media(media="print")  # printed: no filters, the whole month unclipped
    assert not page.is_visible("#calendar-filters")
    assert page.eval_on_selector(".calendar-scroll", "e => e.scrollWidth <= e.clientWidth")
    page.emulate_media(media="screen")
    page.goto(f"{web_server.url}/hr/shift-calendar?month=2026-01")  # the past: Office only
    assert set(_cells(page, staffing.finance_b).values()) == {("shift", "O")}
    context.close()


@pytest.mark.timeout(180)
def test_calendar_on_a_phone_scrolls_inside_the_grid(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions) -> None:  # noqa: F811
    _plan(sessions, staffing)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _log_in(page, web_server, "hr")
    page.goto(f"{web_server.url}/hr/shift-calendar?month=2027-01&department=Finance")
    box = ".calendar-scroll"
    page.wait_for_selector(box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.eval_on_selector(box, "e => e.scrollWidth > e.clientWidth")
    assert page.locator("table.calendar").count() == 1  # only the chosen department
    context.close()


def test_leaders_see_their_department_and_staff_nothing(  # type: ignore[no-untyped-def]
        web_server: WebServer, staffing: Staffing, sessions) -> None:
    _plan(sessions, staffing)
    leader = httpx.Client(base_url=web_server.url, timeout=60, cookies={"lang": "en"})
    log_in(leader, "leader")
    answer = leader.get("/hr/shift-calendar", params={"month": "2027-01"})
    assert answer.status_code == 200
    assert "Nguyen Van An" in answer.text and "Hoang Van Cuong" not in answer.text
    other = leader.get("/hr/shift-calendar", params={"month": "2027-01",
                                                     "department": "Operations"})
    assert "Hoang Van Cuong" not in other.text
    assert leader.get("/hr/shift-calendar", params={"month": "2027-13"}).status_code == 422
    staff = httpx.Client(base_url=web_server.url, timeout=60, cookies={"lang": "en"})
    log_in(staff, "staff")
    assert staff.get("/hr/shift-calendar").status_code == 403


def _people(sizes: dict[str, int]) -> list[Person]:
    return [Person(id=uuid.uuid4(), display_name=f"{name} {n}", department=name)
            for name, size in sizes.items() for n in range(size)]


def test_departments_are_grouped_into_pages() -> None:
    limit = shift_calendar.PAGE_PEOPLE
    assert shift_calendar.department_pages(_people(
        {"C": limit + 50, "A": limit - 60, "B": 40, "D": 61})) == \
        [["A", "B"], ["C"], ["D"]]
    assert shift_calendar.department_pages([]) == []


def test_everyone_is_shown_a_page_of_departments_at_a_time(  # type: ignore[no-untyped-def]
        web_server: WebServer, staffing: Staffing, sessions) -> None:
    with transaction(sessions) as session:
        for n in range(shift_calendar.PAGE_PEOPLE):
            people.create_person(session, f"Người {n:03d}", f"W{n:03d}", "Warehouse",
                                 actor="test")
    hr = httpx.Client(base_url=web_server.url, timeout=60, cookies={"lang": "en"})
    log_in(hr, "hr")
    first = hr.get("/hr/shift-calendar", params={"month": "2027-01"}).text
    second = hr.get("/hr/shift-calendar", params={"month": "2027-01", "page": 2}).text
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Nguyen Van An" in first and "Người 000" not in first
    assert "Người 149" in second and "Nguyen Van An" not in second
