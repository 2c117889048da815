"""E-mail on each step of a staff request: submitted -> the person's leader (HR when the
department has no leader with an address); approved or refused -> the person.

Addresses are the users' e-mail addresses as set for the digest (``digest_recipients``,
``sync-server digest-recipient USER --email ...``); a user without one gets nothing. Mail
goes through the SMTP server of the ``mail`` settings section, after the decision is
committed: a mail server that is down is logged and never undoes the decision. Texts are
Vietnamese, then English; days dd/mm/yyyy, times in the site's zone.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sync_server.db.leave_models import LeaveRequestRow, LeaveTypeRow
from sync_server.db.models import Person
from sync_server.db.reminder_models import DigestRecipient
from sync_server.db.web_models import WebUser
from sync_server.service.schedules import SITE_ZONE
from sync_server.settings import MailSettings

log = logging.getLogger(__name__)
STATUS_WORDS = {"approved": ("đã được duyệt", "approved"),
                "refused": ("bị từ chối", "refused")}


@dataclass(frozen=True)
class Notice:
    """One e-mail to send: address, subject, plain-text body."""

    to: str
    subject: str
    body: str


def _addresses(session: Session, *conditions: object) -> list[str]:
    rows = session.scalars(select(DigestRecipient.email)
                           .join(WebUser, WebUser.id == DigestRecipient.user_id)
                           .where(WebUser.active.is_(True), DigestRecipient.email.is_not(None),
                                  *conditions))  # type: ignore[arg-type]
    return sorted({address for address in rows if address})


def decider_addresses(session: Session, person: Person) -> list[str]:
    """The person's department leaders (not the person's own login); else HR and admins."""
    leaders = _addresses(session, WebUser.role == "leader",
                         WebUser.department == person.department,
                         or_(WebUser.person_id.is_(None), WebUser.person_id != person.id))
    return leaders or _addresses(session, WebUser.role.in_(("hr", "admin")))


def person_addresses(session: Session, person_id: object) -> list[str]:
    return _addresses(session, WebUser.person_id == person_id)


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "-"


def _instant(value: datetime | None) -> str:
    return value.astimezone(ZoneInfo(SITE_ZONE)).strftime("%d/%m/%Y %H:%M") if value else "-"


def describe(row: LeaveRequestRow, leave_type: LeaveTypeRow | None) -> tuple[str, str]:
    """The request in a line: (Vietnamese, English)."""
    if row.kind == "leave":
        vi_name = leave_type.name_vi if leave_type else "Nghỉ"
        en_name = leave_type.name_en if leave_type else "Leave"
        span = f"{_day(row.start)} - {_day(row.end)}"
        return (f"{vi_name} {span} ({row.days:g} ngày làm việc)",
                f"{en_name} {span} ({row.days:g} working days)")
    if row.correction_kind == "add_punch":
        when = _instant(row.instant)
        return f"Bổ sung chấm công lúc {when}", f"Add a missed punch at {when}"
    return f"Miễn đi muộn ngày {_day(row.day)}", f"Excuse lateness on {_day(row.day)}"


def submitted(session: Session, row: LeaveRequestRow, person: Person,
              leave_type: LeaveTypeRow | None, link: str) -> list[Notice]:
    vi, en = describe(row, leave_type)
    body = (f"{person.display_name} xin: {vi}\nLý do: {row.reason}\nDuyệt tại: {link}\n\n"
            f"{person.display_name} requests: {en}\nReason: {row.reason}\nDecide at: {link}\n")
    subject = f"Đơn chờ duyệt / Request to decide: {person.display_name}"
    return [Notice(to, subject, body) for to in decider_addresses(session, person)]


def decided(session: Session, row: LeaveRequestRow, leave_type: LeaveTypeRow | None,
            link: str) -> list[Notice]:
    vi, en = describe(row, leave_type)
    vi_status, en_status = STATUS_WORDS[row.status]
    note = row.decision_note or "-"
    body = (f"Đơn của bạn {vi_status}: {vi}\nNgười duyệt: {row.decided_by}\nGhi chú: {note}\n"
            f"Xem tại: {link}\n\nYour request was {en_status}: {en}\n"
            f"By: {row.decided_by}\nNote: {note}\nSee: {link}\n")
    subject = f"Đơn {vi_status} / Request {en_status}: {vi}"
    return [Notice(to, subject, body) for to in person_addresses(session, row.person_id)]


def send(mail: MailSettings, notices: list[Notice]) -> int:
    """Send each notice (blocking); returns how many went. Off when mail is not enabled."""
    if not mail.enabled:
        return 0
    sent = 0
    for notice in notices:
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = (
            notice.subject, mail.from_address, notice.to)
        message.set_content(notice.body)
        try:
            with smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout_s) as smtp:
                if mail.starttls:
                    smtp.starttls()
                if mail.username and mail.password:
                    smtp.login(mail.username, mail.password)
                smtp.send_message(message)
            sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            log.error("request e-mail to %s failed: %s", notice.to, exc)
    return sent
