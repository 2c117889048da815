"""Scheduled report e-mails: the leaders' "late and absent today", the monthly summary, and
each person's own month.

``sync-server scheduled-reports`` (run every morning by a timer) works out what is due for
each subscription (``report_subscriptions``: a web user, a report kind, an address, on/off)
and sends it through the ``mail`` settings' SMTP server:

- ``daily_late_absent`` (leaders): their department's late and absent people today; not sent
  on a day when nobody in the department has a shift.
- ``monthly_summary`` (leaders: their department; HR and admins: everyone): the previous
  month's totals with the timesheet grid attached as PDF and XLSX; due from the 1st to the
  3rd of the month (a missed timer run catches up).
- ``own_month`` (anyone linked to a person, when ``[reports] staff_own_month`` is on): the
  person's previous month, same attachments.

Every sent e-mail is recorded (``report_sends``) under a key of kind, period and user, so a
re-run sends nothing twice; a failed send is not recorded and is retried on the next run.
The documents are made by the caller's ``Renderer`` (``sync_server.documents`` makes them).
"""

from __future__ import annotations

import enum
import smtplib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import attendance
from sync_server import texts
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.schedule_models import ReportSend, ReportSubscription
from sync_server.db.web_models import WebUser
from sync_server.errors import BadRequest, NotFound
from sync_server.service import audit, reports, schedules, smtp, timesheet_grid
from sync_server.service.reports import BoardEntry, BoardState
from sync_server.service.timesheet_grid import DepartmentGrid
from sync_server.settings import MailSettings

MONTHLY_CATCH_UP_DAYS = 3  # the monthly mails are due on days 1..3 of the month
MONTHLY_TOTALS = ("days_expected", "days_worked", "late_entries", "late_minutes_total",
                  "early_exits", "absences", "forgotten_checkouts", "overtime_minutes_total",
                  "holiday_work_minutes_total")  # the body's lines, worded as the grid's


class ReportKind(enum.StrEnum):
    DAILY_LATE_ABSENT = "daily_late_absent"
    MONTHLY_SUMMARY = "monthly_summary"
    OWN_MONTH = "own_month"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str  # "application/pdf", ...


@dataclass
class DueMail:
    """One e-mail to send; ``grids`` (monthly kinds) is what the attachments show, in
    ``language`` ("vi" or "en", the ``[mail]`` settings')."""

    key: str
    user_id: uuid.UUID
    username: str
    kind: ReportKind
    email: str
    subject: str
    body: str
    period: str  # "2026-12-07" (daily) or "2026-11" (monthly kinds)
    grids: list[DepartmentGrid] = field(default_factory=list)
    language: str = texts.DEFAULT_LANGUAGE


Renderer = Callable[[DueMail], list[Attachment]]


@dataclass(frozen=True)
class SendReport:
    sent: int
    skipped: int  # enabled subscriptions with nothing due (already sent, not their day)
    errors: list[str]


def set_subscription(session: Session, username: str, kind: ReportKind, email: str,
                     enabled: bool, *, actor: str) -> None:
    """Turn one report on or off for a web user and say where it goes (audited)."""
    user = session.scalars(select(WebUser).where(WebUser.username == username)).first()
    if user is None:
        raise NotFound(f"no web user {username!r}", "no_user")
    if "@" not in email or len(email) > 300:
        raise BadRequest(f"not an e-mail address: {email!r}", "not_an_email", "email")
    if kind is ReportKind.DAILY_LATE_ABSENT and user.role != "leader":
        raise BadRequest("the daily late and absent report is for leaders", "daily_for_leaders",
                         "kind")
    if kind is ReportKind.OWN_MONTH and user.person_id is None:
        raise BadRequest(f"{username} is not linked to a person", "not_linked", "kind")
    row = session.get(ReportSubscription, (user.id, kind.value))
    if row is None:
        row = ReportSubscription(user_id=user.id, kind=kind.value)
    row.email, row.enabled, row.updated_at = email, enabled, utc_now()
    session.add(row)
    audit.record(session, actor, "report_subscription.set", "web_user", user.id,
                 {"kind": kind.value, "email": email, "enabled": enabled})


def subscriptions(session: Session) -> list[tuple[WebUser, ReportSubscription]]:
    """Every enabled subscription of an active user, by username then kind."""
    rows = session.execute(select(WebUser, ReportSubscription)
                           .join(ReportSubscription, ReportSubscription.user_id == WebUser.id)
                           .where(WebUser.active.is_(True), ReportSubscription.enabled.is_(True))
                           .order_by(WebUser.username, ReportSubscription.kind))
    return [(user, sub) for user, sub in rows]


def all_subscriptions(session: Session) -> list[tuple[WebUser, ReportSubscription]]:
    """Every subscription, on or off, by username then kind (the settings page)."""
    rows = session.execute(select(WebUser, ReportSubscription)
                           .join(ReportSubscription, ReportSubscription.user_id == WebUser.id)
                           .order_by(WebUser.username, ReportSubscription.kind))
    return [(user, sub) for user, sub in rows]


def previous_month(today: date) -> tuple[date, date]:
    """The first and last date of the month before ``today``'s."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def due_mails(session: Session, now: datetime, staff_own_month: bool,
              overtime_after_min: int, language: str = texts.DEFAULT_LANGUAGE
              ) -> list[DueMail]:
    """What is due at ``now`` and not sent yet (``overtime_after_min``: the site's rule),
    worded in ``language``."""
    today = now.astimezone(ZoneInfo(schedules.SITE_ZONE)).date()
    month = previous_month(today)
    sent = set(session.scalars(select(ReportSend.key)))
    due = []
    for user, sub in subscriptions(session):
        kind = ReportKind(sub.kind)
        if kind is ReportKind.OWN_MONTH and not staff_own_month:
            continue
        monthly = kind is not ReportKind.DAILY_LATE_ABSENT
        if monthly and today.day > MONTHLY_CATCH_UP_DAYS:
            continue
        period = f"{month[0]:%Y-%m}" if monthly else today.isoformat()
        key = f"{kind.value}:{period}:{user.id}"
        if key in sent:
            continue
        mail = _compose(session, DueMail(key, user.id, user.username, kind, sub.email, "", "",
                                         period, language=language),
                        user, month, now, overtime_after_min)
        if mail is not None:
            due.append(mail)
    return due


def _compose(session: Session, mail: DueMail, user: WebUser, month: tuple[date, date],
             now: datetime, overtime_after_min: int) -> DueMail | None:
    """Fill in the subject, body and grids; None when there is nothing to say."""
    kind = mail.kind
    if kind is ReportKind.DAILY_LATE_ABSENT:
        people = reports.load_people(session, department=user.department or "\0none")
        board = reports.today_board(session, people, now)
        if all(e.state in (reports.BoardState.OFF, reports.BoardState.HOLIDAY) for e in board):
            return None
        mail.subject, mail.body = daily_text(mail.language, user.department or "",
                                             date.fromisoformat(mail.period), board)
        return mail
    scope = _scope(user, kind)
    if scope is None:
        return None
    people = reports.load_people(session, scope)
    mail.grids = timesheet_grid.monthly_grid(session, people, *month, now, overtime_after_min)
    mail.subject, mail.body = monthly_text(mail.language, kind is ReportKind.OWN_MONTH,
                                           month[0], mail.grids)
    return mail


def daily_text(language: str, department: str, day: date,
               board: Sequence[BoardEntry]) -> tuple[str, str]:
    """Subject and body of a leader's "late and absent today" (times: the site's zone)."""
    late = [e for e in board if e.state == BoardState.LATE or
            (e.late_minutes > 0 and e.first_in is not None)]
    absent = [e for e in board if e.state == BoardState.ABSENT]
    shown_day = texts.format_date(language, day)
    subject = texts.message(language, "mail_report_daily_subject", late=len(late),
                            absent=len(absent), department=department, day=shown_day)
    lines = [texts.message(language, "mail_report_department", department=department),
             texts.message(language, "mail_report_date", day=shown_day), "",
             texts.message(language, "mail_report_late", count=len(late))]
    lines += [texts.message(language, "mail_report_late_line", name=e.name,
                            minutes=e.late_minutes, time=f"{e.first_in:%H:%M}")
              if e.first_in else f"- {e.name}" for e in late]
    lines += ["", texts.message(language, "mail_report_absent", count=len(absent))]
    lines += [f"- {e.name}" for e in absent]
    if not late and not absent:
        lines += ["", texts.translate(language, "mail_report_nobody")]
    return subject, "\n".join(lines) + "\n"


def monthly_text(language: str, own: bool, first: date,
                 grids: Sequence[DepartmentGrid]) -> tuple[str, str]:
    """Subject and body of a monthly summary (``own``: one person's own month; ``first``:
    the month's first day)."""
    month = f"{first:%m/%Y}" if language == "vi" else f"{first:%Y-%m}"
    subject = (texts.message(language, "mail_report_own_subject", month=month) if own
               else texts.message(language, "mail_report_monthly_subject", month=month))
    lines = [subject, ""]
    for grid in grids:
        department = grid.department or texts.translate(language, "grid_none")
        lines.append(texts.message(language, "mail_report_grid_department",
                                   department=department, people=len(grid.rows)))
        lines += [texts.message(language, "mail_report_total",
                                word=texts.translate(language, "grid_" + key),
                                value=getattr(grid.totals, key)) for key in MONTHLY_TOTALS]
        lines.append("")
    lines.append(texts.translate(language, "mail_report_attached"))
    return subject, "\n".join(lines) + "\n"


def _scope(user: WebUser, kind: ReportKind) -> reports.Scope | None:
    """Whose month a monthly mail covers; None when the user may see nobody's."""
    if kind is ReportKind.OWN_MONTH:
        return None if user.person_id is None else reports.Scope(person_id=user.person_id)
    if user.role in ("admin", "hr"):
        return reports.Scope()
    if user.role == "leader" and user.department:
        return reports.Scope(department=user.department)
    return None


def send_scheduled(sessions: sessionmaker[Session], mail: MailSettings, render: Renderer,
                   *, now: datetime | None = None, staff_own_month: bool = False,
                   overtime_after_min: int = attendance.DEFAULT_OVERTIME_AFTER_MIN
                   ) -> SendReport:
    """Send everything due (blocking; SMTP). One failure does not stop the rest."""
    now = now or utc_now()
    with transaction(sessions) as session:
        due = due_mails(session, now, staff_own_month, overtime_after_min, mail.language)
        subscribed = len(subscriptions(session))
    sent = 0
    errors: list[str] = []
    for item in due:
        try:
            _send(mail, item, render(item))
        except (OSError, smtplib.SMTPException) as exc:
            errors.append(f"{item.username} {item.kind.value}: e-mail failed: {exc}")
            continue
        with transaction(sessions) as session:
            session.add(ReportSend(key=item.key, user_id=item.user_id, sent_at=utc_now()))
        sent += 1
    return SendReport(sent, subscribed - len(due), errors)


def _send(mail: MailSettings, item: DueMail, attachments: list[Attachment]) -> None:
    message = EmailMessage()
    message["Subject"] = item.subject
    message["From"] = mail.from_address
    message["To"] = item.email
    message.set_content(item.body)
    for attachment in attachments:
        maintype, subtype = attachment.mime_type.split("/", 1)
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype,
                               filename=attachment.filename)
    smtp.deliver(mail, message)
