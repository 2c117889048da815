"""Leave and correction requests in Chromium against the real server on 127.0.0.1, with the
e-mails received by a local SMTP server: staff ask on a 390 px phone, their leader decides,
the report and the kiosks' feed (read by the real kiosk client) follow; a leader excuses
their own staff's lateness; staff see their own month, punches and tasks, and nobody
else's."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from kiosk.store import open_store
from kiosk.sync import SyncClient, sync_once
from protocol.feed import FeedEntity
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.service import digest, reminders
from sync_server.settings import HrSettings, MailSettings, ServerSettings
from tests.sync_server.helpers import provision_kiosk, sqlite_url
from tests.sync_server.reminder_helpers import SmtpServer
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.scenario import ZONE, approve_held_punches, local, post_punch
from tests.sync_server.web.test_browser import _log_in, browser

__all__ = ["browser"]  # the Chromium fixture of test_browser
ANNUAL = uuid.uuid5(uuid.NAMESPACE_URL, "leave-type:annual")  # seeded by the migration
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """One browser run is enough: on SQLite (the services run on both in other tests)."""
    return sqlite_url(tmp_path)


@contextmanager
def _site(settings: ServerSettings, sessions: sessionmaker[Session]
          ) -> Iterator[tuple[WebServer, SmtpServer]]:
    """The web server with e-mail to a local SMTP server and leaders allowed to excuse;
    the leader and the staff member have e-mail addresses."""
    smtp = SmtpServer().start()
    server = WebServer(settings.model_copy(update={
        "mail": MailSettings(enabled=True, port=smtp.port),
        "hr": HrSettings(leaders_may_excuse=True)}))
    server.start()
    with transaction(sessions) as session:
        for name in ("leader", "staff"):
            digest.set_recipient(session, name, f"{name}@example.test", None)
    try:
        yield server, smtp
    finally:
        server.stop()
        smtp.stop()


def _mail(smtp: SmtpServer, count: int) -> list[tuple[str, str, str]]:
    """(to, subject, body) of the first ``count`` messages, waiting up to 10 s for them."""
    deadline = time.monotonic() + 10
    while len(smtp.messages) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return [(to[0], str(m["Subject"]), m.get_content()) for _f, to, m in smtp.messages]


def _phone(browser, server: WebServer, username: str):  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport=PHONE).new_page()
    _log_in(page, server, username)
    return page


def _day_row(page, day: date) -> str:  # type: ignore[no-untyped-def]
    return str(page.locator("#timesheet tbody tr", has_text=f"{day:%d/%m/%Y}").inner_text())


@pytest.mark.timeout(240)
def test_leave_request_is_approved_into_report_and_kiosk_feed(  # type: ignore[no-untyped-def]
        browser, server_settings: ServerSettings, staffing: Staffing, sessions,
        tmp_path: Path) -> None:
    today = utc_now().astimezone(ZONE).date()
    with _site(server_settings, sessions) as (server, smtp):
        kiosk = provision_kiosk(sessions, server.url, "front-door")
        staff = _phone(browser, server, "staff")
        staff.goto(f"{server.url}/hr/me")
        staff.click("#go-leave")
        staff.select_option("#leave-form select[name=leave_type_id]", str(ANNUAL))
        staff.fill("#leave-form input[name=start]", f"{today}")
        staff.fill("#leave-form input[name=end]", f"{today - timedelta(days=2)}")
        staff.fill("#leave-form input[name=reason]", "việc gia đình")
        staff.click("#leave-form button[type=submit]")
        assert "trước ngày bắt đầu" in staff.inner_text("#error-leave-end")
        assert staff.input_value("#leave-form input[name=reason]") == "việc gia đình"
        staff.fill("#leave-form input[name=end]", f"{today}")
        staff.click("#leave-form button[type=submit]")
        assert staff.is_visible("#request-sent")
        assert "Chờ duyệt" in staff.inner_text("#my-requests")
        [(to, subject, body)] = _mail(smtp, 1)
        assert to == "leader@example.test" and "Nguyen Van An" in subject
        assert "Nghỉ phép năm" in body and "việc gia đình" in body and "/hr/requests" in body

        leader = browser.new_context().new_page()
        _log_in(leader, server, "leader")
        leader.click("#nav-requests")
        row = leader.locator("#requests tbody tr", has_text="Nguyen Van An")
        assert "Nghỉ phép năm" in row.inner_text()
        row.locator("input[name=note]").fill("đồng ý")
        row.locator("button.approve").click()
        assert "Đã duyệt" in leader.inner_text("#decided")
        assert leader.locator("#requests tbody tr").count() == 0
        to, subject, body = _mail(smtp, 2)[1]
        assert to == "staff@example.test" and "đã được duyệt" in subject and "đồng ý" in body

        leader.goto(f"{server.url}/hr/timesheet/{staffing.finance_a}?month={today:%Y-%m}")
        assert "Nghỉ phép" in _day_row(leader, today)
        staff.goto(f"{server.url}/hr/me")
        assert "Đã duyệt" in staff.inner_text("#my-requests")
        assert staff.inner_text("#balances tr[data-code=annual] td:nth-child(4)") == "1"
        with SyncClient(kiosk, timeout_s=30, verify_tls=False) as client:
            fed = [c for c in client.pull_feed(0, 1000).changes if c.entity is FeedEntity.LEAVE]
            assert [(c.data["person_id"], c.data["start"], c.data["leave_type_id"])
                    for c in fed] == [(str(staffing.finance_a), f"{today}", str(ANNUAL))]
            store = open_store(tmp_path / "front-door.sqlite3")
            sync_once(store, client)  # the approved leave reaches the kiosk
            assert [(v["person_id"], v["start"], v["end"], v["leave_type_id"])
                    for v in store.feed.shift_data().leaves] == [
                (str(staffing.finance_a), f"{today}", f"{today}", str(ANNUAL))]
            store.close()


@pytest.mark.timeout(240)
def test_correction_request_and_a_leader_excusing_their_own(  # type: ignore[no-untyped-def]
        browser, server_settings: ServerSettings, staffing: Staffing, sessions) -> None:
    today = utc_now().astimezone(ZONE).date()
    yesterday, before = today - timedelta(days=1), today - timedelta(days=2)
    with _site(server_settings, sessions) as (server, smtp):
        kiosk = provision_kiosk(sessions, server.url, "front-door")
        for at in (local(yesterday, 7, 58), local(before, 8, 25), local(before, 17, 5)):
            post_punch(server.url, kiosk.credential, staffing.finance_a, at)
        assert approve_held_punches(sessions) == 3  # they predate the kiosk
        staff = _phone(browser, server, "staff")
        staff.goto(f"{server.url}/hr/me/request")
        staff.fill("#correction-form input[name=instant]", f"{yesterday}T17:30")
        staff.select_option("#correction-form select[name=punch_kind]", "check_out")
        staff.click("#correction-form button[type=submit]")
        assert "lý do" in staff.inner_text("#error-correction-reason").lower()
        assert staff.input_value("#correction-form input[name=instant]") == f"{yesterday}T17:30"
        staff.fill("#correction-form input[name=reason]", "quên chấm ra")
        staff.click("#correction-form button[type=submit]")
        assert "Chờ duyệt" in staff.inner_text("#my-requests")

        leader = browser.new_context().new_page()
        _log_in(leader, server, "leader")
        leader.goto(f"{server.url}/hr/requests")
        leader.locator("#requests tbody tr", has_text="Nguyen Van An").locator(
            "button.approve").click()
        assert "Đã duyệt" in leader.inner_text("#decided")
        leader.goto(f"{server.url}/hr/timesheet/{staffing.finance_a}?month={yesterday:%Y-%m}")
        assert "17:30" in _day_row(leader, yesterday)

        leader.goto(f"{server.url}/hr/requests")
        assert leader.locator("#excuse-form select").count() == 0  # a search, not a dropdown
        leader.fill("#excuse-form input[name=day]", f"{before}")
        leader.fill("#excuse-form input[name=reason]", "họp với lãnh đạo")
        leader.fill("#excuse-person", "Cuong")  # Operations: not the leader's to excuse
        leader.click("#excuse-form button[type=submit]")  # nobody picked: said by the picker
        assert "chọn người trong danh sách" in leader.inner_text("#error-excuse-person")
        assert leader.input_value("#excuse-form input[name=reason]") == "họp với lãnh đạo"
        _pick_for_excuse(leader, "van")
        assert "Hoang Van Cuong" not in leader.locator(
            "#excuse-person-list option").evaluate_all("os => os.map(o => o.value).join()")
        leader.click("#excuse-form button[type=submit]")
        leader.goto(f"{server.url}/hr/timesheet/{staffing.finance_a}?month={before:%Y-%m}")
        assert "được miễn" in _day_row(leader, before)
        leader.goto(f"{server.url}/hr/requests")
        _pick_for_excuse(leader, "F001")
        leader.fill("#excuse-form input[name=day]", f"{before}")
        leader.fill("#excuse-form input[name=reason]", "lần nữa")
        leader.click("#excuse-form button[type=submit]")
        assert leader.inner_text("#error-excuse-day")  # excused already: said by the field
        assert leader.input_value("#excuse-person") == "Nguyen Van An"  # the picked person
        assert [to for to, _s, _b in _mail(smtp, 2)] == ["leader@example.test",
                                                         "staff@example.test"]


def _pick_for_excuse(page, typed: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``typed`` in the excuse form's person picker and pick Nguyen Van An."""
    page.fill("#excuse-person", typed)
    option = "#excuse-person-list option[value^='Nguyen Van An']"
    page.wait_for_selector(option, state="attached")
    page.fill("#excuse-person", page.get_attribute(option, "value") or "")
    assert page.input_value("#excuse-person-value")


@pytest.mark.timeout(240)
def test_staff_see_their_own_month_punches_and_tasks_only(  # type: ignore[no-untyped-def]
        browser, server_settings: ServerSettings, staffing: Staffing, sessions) -> None:
    today = utc_now().astimezone(ZONE).date()
    yesterday = today - timedelta(days=1)
    with _site(server_settings, sessions) as (server, _smtp):
        kiosk = provision_kiosk(sessions, server.url, "front-door")
        post_punch(server.url, kiosk.credential, staffing.finance_a, local(yesterday, 7, 55))
        post_punch(server.url, kiosk.credential, staffing.finance_b, local(yesterday, 8, 0))
        approve_held_punches(sessions)
        with transaction(sessions) as session:
            reminders.create_task(session, reminders.TaskIn(
                "Nộp báo cáo quý", person_id=staffing.finance_a), actor="hr")
            reminders.create_task(session, reminders.TaskIn(
                "Việc của Bình", person_id=staffing.finance_b), actor="hr")
        staff = _phone(browser, server, "staff")
        staff.goto(f"{server.url}/hr/me?month={yesterday:%Y-%m}")
        punches = staff.locator("#my-punches tbody tr")
        assert punches.count() == 1
        assert "front-door" in punches.inner_text() and "07:55" in punches.inner_text()
        tasks = staff.inner_text("#my-tasks")
        assert "Nộp báo cáo quý" in tasks and "Đang mở" in tasks and "Bình" not in tasks
        assert staff.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        mine = (staff.inner_text("#timesheet"), staff.inner_text("table.summary"))

        hr = browser.new_context().new_page()
        _log_in(hr, server, "hr")
        hr.goto(f"{server.url}/hr/timesheet/{staffing.finance_a}?month={yesterday:%Y-%m}")
        assert (hr.inner_text("#timesheet"), hr.inner_text("table.summary")) == mine

        for path in (f"/hr/timesheet/{staffing.finance_b}", "/hr/requests", "/hr/leave-types"):
            answer = staff.goto(server.url + path)
            assert answer is not None and answer.status == 403, path
        assert "Bình" not in staff.content()


@pytest.mark.timeout(180)
def test_hr_configures_leave_types_and_records_typed_leave(  # type: ignore[no-untyped-def]
        browser, server_settings: ServerSettings, staffing: Staffing, sessions) -> None:
    with _site(server_settings, sessions) as (server, _smtp):
        hr = browser.new_context().new_page()
        _log_in(hr, server, "hr")
        hr.click("#nav-leave-types")
        assert hr.locator("#leave-types tbody tr").count() == 4  # annual, sick, unpaid, trip
        hr.fill("#leave-type-form input[name=code]", "nghỉ cưới")
        hr.fill("#leave-type-form input[name=name_vi]", "Nghỉ cưới")
        hr.fill("#leave-type-form input[name=name_en]", "Wedding leave")
        hr.fill("#leave-type-form input[name=days_per_year]", "3")
        hr.check("#leave-type-form input[name=counted]")
        hr.click("#leave-type-form button[type=submit]")
        assert "chữ, số" in hr.inner_text("#error-type-code")
        assert hr.input_value("#leave-type-form input[name=name_en]") == "Wedding leave"
        hr.fill("#leave-type-form input[name=code]", "wedding")
        hr.click("#leave-type-form button[type=submit]")
        row = hr.inner_text("#leave-types tr[data-code=wedding]")
        assert "Nghỉ cưới" in row and "3,0" in row
        hr.click("#leave-types tr[data-code=annual] a.edit-type")
        hr.fill("#leave-type-form input[name=carry_over_cap_days]", "2,5")
        hr.click("#leave-type-form button[type=submit]")
        assert "2,5" in hr.inner_text("#leave-types tr[data-code=annual]")
        hr.goto(f"{server.url}/hr/audit")
        assert "Nhân sự hr đã lưu loại nghỉ Nghỉ cưới" in hr.inner_text("#audit")

        today = utc_now().astimezone(ZONE).date()
        hr.goto(f"{server.url}/hr/shifts")  # leave HR records directly carries its type too
        hr.fill("#leave-person", "F001")  # the person picker: by code
        option = "#leave-person-list option[value^='Nguyen Van An']"
        hr.wait_for_selector(option, state="attached")
        hr.fill("#leave-person", hr.get_attribute(option, "value") or "")
        hr.select_option("#leave-form select[name=leave_type_id]", str(ANNUAL))
        hr.fill("#leave-form input[name=start]", f"{today}")
        hr.fill("#leave-form input[name=end]", f"{today}")
        hr.click("#leave-form button[type=submit]")
        assert hr.locator("#leaves tbody tr").count() == 1

        staff = _phone(browser, server, "staff")
        staff.goto(f"{server.url}/hr/me")
        assert staff.inner_text("#balances tr[data-code=annual] td:nth-child(4)") == "1"
        staff.goto(f"{server.url}/hr/me/request")
        offered = staff.locator("#leave-form select[name=leave_type_id] option").all_inner_texts()
        assert "Nghỉ cưới" in offered
