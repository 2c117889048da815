"""The today board sends changes since the last poll: with 5,000 people and nothing new a
poll is under 5 KB; a punch sends only that person; the page in Chromium applies the delta."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Person
from sync_server.service import audit, schedules
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer, log_in
from tests.sync_server.web.scenario import ZONE, make_kiosk, store_punches
from tests.sync_server.web.test_browser import _log_in, browser  # noqa: F401 - the fixture

MINISTRY = 5000
NO_CHANGE_LIMIT_BYTES = 5 * 1024


def _ministry(sessions: sessionmaker[Session]) -> None:
    """4,997 more people (with the fixture's three: 5,000) in ten departments, all on the
    fixture's every-day office shift, added as one import."""
    now = utc_now()
    with transaction(sessions) as session:
        shift = schedules.list_shift_types(session)[0]
        departments = [f"Phòng {n:02d}" for n in range(10)]
        for name in departments:
            schedules.save_assignment(session, shift.id, date(2025, 1, 1), None,
                                      department=name, actor="hr")
        rows = [{"id": uuid.uuid4(), "display_name": f"Nhân viên {n:05d}",
                 "employee_code": f"M{n:05d}", "department": departments[n % 10],
                 "active": True, "created_at": now, "updated_at": now}
                for n in range(MINISTRY - 3)]
        session.execute(insert(Person), rows)
        audit.record(session, "hr", "person.import", "person", None, {"rows": len(rows)})


@pytest.mark.timeout(300)
def test_a_poll_without_change_is_small_and_a_punch_sends_one_entry(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session]) -> None:
    _ministry(sessions)
    with httpx.Client(base_url=web_server.url, timeout=120) as hr:
        log_in(hr, "hr")
        first = hr.get("/hr/api/today")
        board = first.json()
        assert board["full"] and sum(len(v) for v in board["departments"].values()) == MINISTRY
        assert len(first.content) > 100 * NO_CHANGE_LIMIT_BYTES  # the whole ministry
        again = hr.get("/hr/api/today", params={"since": board["version"]})
        delta = again.json()
        assert not delta["full"] and delta["changed"] == [] and delta["removed"] == []
        assert delta["version"] == board["version"]
        assert sum(delta["counts"].values()) == MINISTRY
        assert len(again.content) < NO_CHANGE_LIMIT_BYTES
        with transaction(sessions) as session:
            store_punches(session, make_kiosk(sessions), staffing.finance_b, [utc_now()])
        moved = hr.get("/hr/api/today", params={"since": board["version"]}).json()
        assert [e["person_id"] for e in moved["changed"]] == [str(staffing.finance_b)]
        assert moved["changed"][0]["first_in"] and moved["version"] != board["version"]
        stale = hr.get("/hr/api/today", params={"since": "not-a-version"}).json()
        assert stale["full"]  # an unknown version gets the whole board


@pytest.mark.timeout(180)
def test_the_page_applies_deltas(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions) -> None:  # noqa: F811
    page = browser.new_context().new_page()
    _log_in(page, web_server, "hr")
    page.wait_for_selector("#board[data-version]:not([data-version=''])", timeout=20_000)
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if "/api/today" in r.url else None)
    entry = f"#board li[data-person='{staffing.finance_b}']"
    assert page.locator(entry).count() == 1
    arrival = utc_now()
    with transaction(sessions) as session:
        store_punches(session, make_kiosk(sessions), staffing.finance_b, [arrival])
    page.wait_for_selector(f"{entry} span.time", timeout=20_000)  # applied by the next poll
    assert arrival.astimezone(ZONE).strftime("%H:%M") in page.inner_text(entry)
    assert page.locator("#board li.entry").count() == 3  # the others kept from before
    assert polls and all("since=" in url and not url.endswith("since=") for url in polls)
