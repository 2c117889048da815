"""Scheduled report e-mails received by a local SMTP server (aiosmtpd on 127.0.0.1): the
leader's late and absent today, the monthly summary with its PDF and XLSX opened and read,
each person's own month when the site enables it, and no second send on a re-run. The words
come from the catalogue: Vietnamese by default with no English word, English when the
``[mail]`` section says so."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date, datetime
from email.message import EmailMessage

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session, sessionmaker

from sync_server import texts
from sync_server.cli import main
from sync_server.db.engine import transaction
from sync_server.documents import report_attachments
from sync_server.errors import BadRequest
from sync_server.service import report_mail
from sync_server.service.report_mail import ReportKind
from sync_server.settings import MailSettings, ServerSettings
from tests.sync_server.reminder_helpers import SmtpServer
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.scenario import local, make_kiosk, store_punches
from tests.sync_server.web.test_browser import _log_in, browser  # noqa: F401 - the fixture

MARCH = [date(2026, 3, d) for d in range(1, 32)]
MORNING = date(2026, 3, 4)  # An 08:20 (20 min late), Binh not in: the daily report's day


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def _march(sessions: sessionmaker[Session], staffing: Staffing) -> None:
    """An every day 07:55-17:05 but 08:20 on the 4th; Binh 08:00-12:00 on odd days."""
    kiosk_id = make_kiosk(sessions)
    with transaction(sessions) as session:
        for day in MARCH:
            times = ([local(day, 8, 20)] if day == MORNING
                     else [local(day, 7, 55), local(day, 17, 5)])
            store_punches(session, kiosk_id, staffing.finance_a, times)
            if day.day % 2:
                store_punches(session, kiosk_id, staffing.finance_b,
                              [local(day, 8, 0), local(day, 12, 0)])


def _subscribe(sessions: sessionmaker[Session], *subs: tuple[str, ReportKind]) -> None:
    with transaction(sessions) as session:
        for username, kind in subs:
            report_mail.set_subscription(session, username, kind, f"{username}@example.test",
                                         True, actor="test")


def _send(sessions: sessionmaker[Session], smtp: SmtpServer, now: datetime,
          own_month: bool = False, language: str = "vi") -> report_mail.SendReport:
    mail = MailSettings(enabled=True, host="127.0.0.1", port=smtp.port,
                        language=language)
    return report_mail.send_scheduled(sessions, mail, report_attachments.render, now=now,
                                      staff_own_month=own_month)


def _attachments(message: EmailMessage) -> dict[str, bytes]:
    found = {}
    for part in message.iter_attachments():
        content = part.get_content()
        assert isinstance(content, bytes)
        found[str(part.get_filename())] = content
    return found


def _words(text: str) -> set[str]:
    """The words of ``text``, a template's ``{fields}`` left out."""
    return {word.lower() for word in re.findall(r"[^\W\d_]+", re.sub(r"\{\w+\}", "", text))}


def _english_words() -> set[str]:
    """Words of the report e-mails' English texts (theirs and the grid's totals) that no
    Vietnamese text of theirs has."""
    keys = [key for key in texts.TEXTS["en"] if key.startswith(("mail_report_", "grid_"))]
    english = set().union(*(_words(texts.TEXTS["en"][key]) for key in keys))
    english -= set().union(*(_words(texts.TEXTS["vi"][key]) for key in keys))
    assert {"late", "absent", "department", "minutes", "summary"} <= english  # it has teeth
    return english


def test_daily_late_and_absent_reaches_the_leader_once(
        sessions: sessionmaker[Session], staffing: Staffing, smtp: SmtpServer) -> None:
    _march(sessions, staffing)
    _subscribe(sessions, ("leader", ReportKind.DAILY_LATE_ABSENT),
               ("hr", ReportKind.MONTHLY_SUMMARY))
    report = _send(sessions, smtp, local(MORNING, 9, 30))
    assert (report.sent, report.errors) == (1, [])  # the monthly one is not due on the 4th
    [(_sender, recipients, message)] = smtp.messages
    assert recipients == ["leader@example.test"]
    subject = str(message["Subject"])
    assert subject == "Đi muộn 1, vắng 1 - Finance - 04/03/2026"
    body = message.get_content()
    late, absent = body.split("Vắng (1)")
    assert "Đi muộn (1)" in late and "Nguyen Van An: muộn 20 phút, vào lúc 08:20" in late
    assert not (_words(subject) | _words(body)) & _english_words()
    assert "Pham Thi Binh" in absent and "Hoang Van Cuong" not in body  # another department
    assert not list(message.iter_attachments())
    again = _send(sessions, smtp, local(MORNING, 11, 0))
    assert (again.sent, again.skipped, len(smtp.messages)) == (0, 2, 1)
    next_day = _send(sessions, smtp, local(date(2026, 3, 5), 9, 30))
    assert next_day.sent == 1 and len(smtp.messages) == 2


@pytest.mark.timeout(180)
def test_monthly_summary_on_the_first_with_pdf_and_xlsx(
        sessions: sessionmaker[Session], staffing: Staffing, smtp: SmtpServer) -> None:
    _march(sessions, staffing)
    _subscribe(sessions, ("leader", ReportKind.MONTHLY_SUMMARY),
               ("hr", ReportKind.MONTHLY_SUMMARY), ("staff", ReportKind.OWN_MONTH))
    first_of_april = local(date(2026, 4, 1), 9, 15)
    report = _send(sessions, smtp, first_of_april)
    assert (report.sent, report.errors) == (2, [])  # own month: the site has not enabled it
    by_to = {to[0]: message for _sender, to, message in smtp.messages}
    leader = by_to["leader@example.test"]
    assert str(leader["Subject"]) == "Tổng hợp tháng 03/2026"
    text = leader.get_body(preferencelist=("plain",))
    assert text is not None and "Phút đi muộn: 20" in text.get_content()
    assert not _words(text.get_content()) & _english_words()
    files = _attachments(leader)
    assert sorted(files) == ["timesheets-leader-2026-03.pdf", "timesheets-leader-2026-03.xlsx"]
    book = load_workbook(io.BytesIO(files["timesheets-leader-2026-03.xlsx"]))
    assert book.sheetnames == ["Finance"]
    rows = list(book["Finance"].iter_rows(values_only=True))
    an = next(row for row in rows if row[0] == "F001")
    assert an[1] == "Nguyen Van An" and an[2 + MORNING.day - 1] == "Q"  # no check-out
    pdf = "\n".join(p.extract_text() for p in
                    PdfReader(io.BytesIO(files["timesheets-leader-2026-03.pdf"])).pages)
    assert "Nguyen Van An" in pdf and "Phòng" in pdf and "Hoang Van Cuong" not in pdf
    hr_book = load_workbook(io.BytesIO(_attachments(by_to["hr@example.test"])[
        "timesheets-hr-2026-03.xlsx"]))
    assert hr_book.sheetnames == ["Finance", "Operations"]
    assert _send(sessions, smtp, local(date(2026, 4, 2), 9, 15)).sent == 0  # no second time
    own = _send(sessions, smtp, local(date(2026, 4, 2), 9, 15), own_month=True)
    assert own.sent == 1
    _sender, to, message = smtp.messages[-1]
    assert to == ["staff@example.test"]
    assert str(message["Subject"]) == "Tháng của bạn 03/2026"
    staff_book = load_workbook(io.BytesIO(_attachments(message)[
        "timesheets-staff-2026-03.xlsx"]))
    names = [row[1] for row in staff_book["Finance"].iter_rows(values_only=True)]
    assert "Nguyen Van An" in names and "Pham Thi Binh" not in names
    assert _send(sessions, smtp, local(date(2026, 4, 4), 9, 15), own_month=True).sent == 0


def test_the_report_mails_are_english_when_the_mail_section_says_so(
        sessions: sessionmaker[Session], staffing: Staffing, smtp: SmtpServer) -> None:
    _march(sessions, staffing)
    _subscribe(sessions, ("leader", ReportKind.DAILY_LATE_ABSENT))
    assert _send(sessions, smtp, local(MORNING, 9, 30), language="en").sent == 1
    [(_sender, _to, message)] = smtp.messages
    assert str(message["Subject"]) == "Late 1, absent 1 - Finance - 2026-03-04"
    body = message.get_content()
    assert "- Nguyen Van An: 20 min late, in at 08:20" in body and "Absent (1)" in body
    assert "muộn" not in body


def test_a_failed_send_is_retried_next_run(
        sessions: sessionmaker[Session], staffing: Staffing, smtp: SmtpServer) -> None:
    _march(sessions, staffing)
    _subscribe(sessions, ("leader", ReportKind.DAILY_LATE_ABSENT))
    closed = MailSettings(enabled=True, host="127.0.0.1", port=1)  # type: ignore[call-arg]
    failed = report_mail.send_scheduled(sessions, closed, report_attachments.render,
                                        now=local(MORNING, 9, 30))
    assert failed.sent == 0 and len(failed.errors) == 1
    assert _send(sessions, smtp, local(MORNING, 10, 0)).sent == 1


def test_subscriptions_are_checked_and_audited(
        sessions: sessionmaker[Session], staffing: Staffing) -> None:
    with transaction(sessions) as session, pytest.raises(BadRequest):
        report_mail.set_subscription(session, "hr", ReportKind.DAILY_LATE_ABSENT,
                                     "hr@example.test", True, actor="test")
    with transaction(sessions) as session, pytest.raises(BadRequest):
        report_mail.set_subscription(session, "hr", ReportKind.OWN_MONTH,  # no person
                                     "hr@example.test", True, actor="test")
    with transaction(sessions) as session:
        report_mail.set_subscription(session, "leader", ReportKind.DAILY_LATE_ABSENT,
                                     "lead@example.test", False, actor="hr-user")
        from sync_server.service import audit
        [entry] = audit.recent(session, entity="web_user", actor="hr-user")
        assert entry.detail == {"kind": "daily_late_absent", "email": "lead@example.test",
                                "enabled": False}
        assert report_mail.subscriptions(session) == []  # off: nothing is sent


def test_the_timer_command_sends_today_once(
        sessions: sessionmaker[Session], staffing: Staffing, smtp: SmtpServer,
        server_settings: ServerSettings, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SYNC_SERVER_DATABASE__URL", server_settings.database.url)
    monkeypatch.setenv("SYNC_SERVER_MAIL__ENABLED", "true")
    monkeypatch.setenv("SYNC_SERVER_MAIL__PORT", str(smtp.port))
    assert main(["report-subscription", "--username", "leader", "--kind",
                 "daily_late_absent", "--email", "lead@example.test"]) == 0
    assert main(["scheduled-reports"]) == 0  # today: everyone has a shift every day
    assert main(["scheduled-reports"]) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == ["sent 1, nothing due 0",
                                                         "sent 0, nothing due 1"]
    [(_sender, to, _message)] = smtp.messages
    assert to == ["lead@example.test"]


@pytest.mark.timeout(180)
def test_hr_sets_report_mails_in_the_browser(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, sessions,  # noqa: F811
        smtp: SmtpServer) -> None:
    _march(sessions, staffing)
    page = browser.new_context().new_page()
    _log_in(page, web_server, "hr")
    page.click("#nav-report-mail")
    form = "#report-mail-form"
    page.select_option(f"{form} select[name=username]", "hr")
    page.select_option(f"{form} select[name=kind]", "daily_late_absent")
    page.fill(f"{form} input[name=email]", "hr@example.test")
    page.click(f"{form} button[type=submit]")
    assert "dành cho lãnh đạo" in page.inner_text("p.error")  # HR has no department
    page.select_option(f"{form} select[name=username]", "leader")
    page.fill(f"{form} input[name=email]", "truong.phong@example.test")
    page.click(f"{form} button[type=submit]")
    row = "#report-subscriptions tr[data-user='leader'][data-kind='daily_late_absent']"
    assert page.inner_text(f"{row} td.state") == "Bật"
    assert _send(sessions, smtp, local(MORNING, 9, 30)).sent == 1
    assert smtp.messages[-1][1] == ["truong.phong@example.test"]
    page.select_option(f"{form} select[name=username]", "leader")
    page.fill(f"{form} input[name=email]", "truong.phong@example.test")
    page.uncheck(f"{form} input[name=enabled]")
    page.click(f"{form} button[type=submit]")
    assert page.inner_text(f"{row} td.state") == "Tắt"
    assert _send(sessions, smtp, local(date(2026, 3, 5), 9, 30)).sent == 0
