"""The main pages in Chromium, as a Vietnamese HR officer and an admin see them: no English
status, kind, role or label words on a Vietnamese page or in its exports; long names and
titles wrap; at 390 px (a phone) no page is wider than the screen."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Kiosk
from sync_server.service import corrections, datakeys, kiosks, leaves, people, reminders
from tests.sync_server.helpers import provision_kiosk, sqlite_url
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.scenario import ZONE, approve_held_punches, local, post_punch
from tests.sync_server.web.test_browser import _log_in, browser

__all__ = ["browser"]  # the Chromium fixture of test_browser
# What leaked before: status and kind values, the refusal page, English labels (role values
# are also usernames here: the header's role is checked on its own).
ENGLISH = re.compile(r"\b(present|late|absent|forgotten_checkout|no_shift|pending|on_leave|"
                     r"half_day|revoked|check_in|check_out|auto|"
                     r"Forbidden|Name|Status|Save|Delete|Reason|Department|Pending)\b")
LONG_TITLE = "Nộp báo cáo tổng hợp " + "rất-dài-không-có-khoảng-trắng-" * 5 + "cuối"
LONG_NAME = "Tôn Nữ " + "Hoàng-Thị-Minh-Khai-" * 8 + "Lan"
PAGES = ("/hr/", "/hr/reports/lateness", "/hr/corrections", "/hr/shifts", "/hr/people",
         "/hr/kiosks", "/hr/sites", "/hr/audit", "/hr/reminders", "/hr/leave-types",
         "/hr/requests", "/hr/leave-balances")
PHONE_PAGES = {  # who looks at them on a phone -> the pages
    "hr": ("/hr/", "/hr/reports/lateness", "/hr/people", "/hr/reminders", "/hr/shifts",
           "/hr/sites", "/hr/leave-types", "/hr/requests", "/hr/leave-balances"),
    "admin": ("/hr/kiosks", "/hr/users"),
    "staff": ("/hr/me",)}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """One browser run is enough: on SQLite (the services run on both in other tests)."""
    return sqlite_url(tmp_path)


@pytest.fixture(autouse=True)
def _key_file_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def _a_busy_month(sessions: sessionmaker[Session], server: WebServer,
                  staffing: Staffing) -> None:
    """Punches through the kiosk API, a silent and a revoked kiosk, leave, a correction, a
    person without a department, a long name and a long task title."""
    today = utc_now().astimezone(ZONE).date()
    front = provision_kiosk(sessions, server.url, "front-door")
    provision_kiosk(sessions, server.url, "back-gate")
    provision_kiosk(sessions, server.url, "old-lobby")
    for back in range(1, 12):
        day = today - timedelta(days=back)
        post_punch(server.url, front.credential, staffing.finance_a, local(day, 8, 20))
        if back % 3:
            post_punch(server.url, front.credential, staffing.finance_a, local(day, 17, 5))
    approve_held_punches(sessions)  # they predate the kiosk: HR approves
    with transaction(sessions) as session:
        session.execute(update(Kiosk).where(Kiosk.name == "back-gate").values(
            last_seen_at=local(today - timedelta(days=5), 6, 0)))
        kiosks.revoke(session, "old-lobby", actor="hr")
        leaves.add_leave(session, leaves.LeaveIn(staffing.ops_c, today - timedelta(days=3),
                                                 today), "hr")
        corrections.excuse_late(session, staffing.finance_a, today - timedelta(days=8),
                                "tắc đường", "hr")
        people.create_person(session, LONG_NAME, "X001", None, actor="hr")
        reminders.create_task(session, reminders.TaskIn(LONG_TITLE, department="Finance"),
                              "hr")


@pytest.mark.timeout(300)
def test_vietnamese_pages_and_exports_have_no_english(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions) -> None:
    _a_busy_month(sessions, web_server, staffing)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    _log_in(page, web_server, "admin")
    found = {}
    for path in (*PAGES, f"/hr/timesheet/{staffing.finance_a}", "/hr/users",
                 "/hr/refused-attempts", f"/hr/people/{staffing.finance_a}/checkin",
                 f"/hr/people/{staffing.finance_a}/enrol", "/hr/held-punches",
                 "/hr/kiosk-enrolments", "/hr/timesheets", "/hr/shift-calendar"):
        page.goto(web_server.url + path)
        text = page.inner_text("main") + page.inner_text("header")
        found[path] = {m.group(1) for m in ENGLISH.finditer(text)}
    printed = f"/hr/timesheet/{staffing.finance_a}?format=print"
    page.goto(web_server.url + printed)
    found[printed] = {m.group(1) for m in ENGLISH.finditer(page.inner_text("body"))}
    staff = browser.new_context().new_page()
    _log_in(staff, web_server, "staff")
    staff.goto(web_server.url + "/hr/me")
    found["/hr/me"] = {m.group(1) for m in ENGLISH.finditer(staff.inner_text("main"))}
    assert all(not words for words in found.values()), found
    page.goto(web_server.url + "/hr/")
    assert "admin (Quản trị)" in page.inner_text("header")
    icon = page.request.get(web_server.url + page.get_attribute("link[rel=icon]", "href"))
    assert icon.ok and icon.headers["content-type"].startswith("image/svg")
    today = utc_now().astimezone(ZONE).date()
    for path in (f"/hr/reports/lateness?start={today - timedelta(days=11)}&end={today}",
                 f"/hr/timesheet/{staffing.finance_a}?month={today:%Y-%m}", "/hr/"):
        for kind in ("csv", "xlsx"):
            answer = page.request.get(f"{web_server.url}{path}"
                                      f"{'&' if '?' in path else '?'}format={kind}")
            text = _export_text(kind, answer.body())
            assert not {m.group(1) for m in ENGLISH.finditer(text)}, (path, kind, text[:300])
    text = _export_text("xlsx", page.request.get(
        f"{web_server.url}/hr/leave-balances?format=xlsx").body())
    assert not {m.group(1) for m in ENGLISH.finditer(text)}, text[:300]
    context.close()


def _export_text(kind: str, body: bytes) -> str:
    if kind == "csv":
        return "\n".join(",".join(row) for row in csv.reader(
            io.StringIO(body.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(body)).active
    return "\n".join(",".join("" if c is None else str(c) for c in row)
                     for row in sheet.iter_rows(values_only=True))


@pytest.mark.timeout(300)
def test_no_page_is_wider_than_a_phone(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions) -> None:
    _a_busy_month(sessions, web_server, staffing)
    walks = [(390, username, paths) for username, paths in PHONE_PAGES.items()]
    for width, username, paths in [*walks, (1280, "hr", PAGES)]:
        context = browser.new_context(viewport={"width": width, "height": 844})
        page = context.new_page()
        _log_in(page, web_server, username)
        for path in paths:
            page.goto(web_server.url + path)
            assert "Không được phép" not in page.inner_text("body"), (username, path)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"{path} is {wide} px wide at {width} px"
        context.close()
