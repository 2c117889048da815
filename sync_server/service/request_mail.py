"""E-mail on each step of a staff request: submitted -> the person's leader (HR when the
department has no leader with an address); approved or refused -> the person.

Addresses are the users' e-mail addresses as set for the digest (``digest_recipients``,
``sync-server digest-recipient USER --email ...``); a user without one gets nothing. Mail
goes through the SMTP server of the ``mail`` settings section, after the decision is
committed: a mail server that is down is logged and never undoes the decision. The words
come from the catalogue (``sync_server.texts.mail``), in the ``mail`` section's language
(Vietnamese unless "en"); days as that language writes them, times in the site's zone.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sync_server import texts
from sync_server.db.leave_models import LeaveRequestRow, LeaveTypeRow
from sync_server.db.models import Person
from sync_server.db.reminder_models import DigestRecipient
from sync_server.db.web_models import WebUser
from sync_server.service import smtp
from sync_server.service.schedules import SITE_ZONE
from sync_server.settings import MailSettings

log = logging.getLogger(__name__)
STATUS_KEYS = {"approved": "mail_request_status_approved",
               "refused": "mail_request_status_refused"}


@dataclass(frozen=True)
class Notice:
    """One e-mail to send: the address, and (subject, body) in each catalogue language (the
    ``mail`` section's language is chosen when it is sent)."""

    to: str
    versions: dict[str, tuple[str, str]]

    def text(self, language: str) -> tuple[str, str]:
        return self.versions.get(language) or self.versions[texts.DEFAULT_LANGUAGE]


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


def describe(row: LeaveRequestRow, leave_type: LeaveTypeRow | None, language: str) -> str:
    """The request in a line, in ``language`` (days as the language writes them, times at
    the site)."""
    if row.kind == "leave":
        name = ((leave_type.name_vi if language == "vi" else leave_type.name_en) if leave_type
                else texts.translate(language, "mail_request_leave_default"))
        count = row.days or 0.0
        days = texts.format_number(language, count, 0 if count == int(count) else 1)
        return texts.message(language, "mail_request_leave", type=name,
                             start=texts.format_date(language, row.start),
                             end=texts.format_date(language, row.end), days=days)
    if row.correction_kind == "add_punch":
        return texts.message(language, "mail_request_add_punch",
                             when=texts.local_datetime(language, row.instant, SITE_ZONE)
                             if row.instant else "-")
    return texts.message(language, "mail_request_excuse",
                         day=texts.format_date(language, row.day) or "-")


def submitted(session: Session, row: LeaveRequestRow, person: Person,
              leave_type: LeaveTypeRow | None, link: str) -> list[Notice]:
    versions = {language: (
        texts.message(language, "mail_request_submitted_subject", person=person.display_name),
        texts.message(language, "mail_request_submitted_body", person=person.display_name,
                      what=describe(row, leave_type, language), reason=row.reason, link=link))
        for language in texts.LANGUAGES}
    return [Notice(to, versions) for to in decider_addresses(session, person)]


def decided(session: Session, row: LeaveRequestRow, leave_type: LeaveTypeRow | None,
            link: str) -> list[Notice]:
    versions = {}
    for language in texts.LANGUAGES:
        status = texts.translate(language, STATUS_KEYS[row.status])
        what = describe(row, leave_type, language)
        versions[language] = (
            texts.message(language, "mail_request_decided_subject", status=status, what=what),
            texts.message(language, "mail_request_decided_body", status=status, what=what,
                          by=row.decided_by, note=row.decision_note or "-", link=link))
    return [Notice(to, versions) for to in person_addresses(session, row.person_id)]


def send(mail: MailSettings, notices: list[Notice]) -> int:
    """Send each notice (blocking); returns how many went. Off when mail is not enabled."""
    if not mail.enabled:
        return 0
    sent = 0
    for notice in notices:
        subject, body = notice.text(mail.language)
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = (
            subject, mail.from_address, notice.to)
        message.set_content(body)
        try:
            smtp.deliver(mail, message)
            sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            log.error("request e-mail to %s failed: %s", notice.to, exc)
    return sent
