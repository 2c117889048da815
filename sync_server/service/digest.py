"""The leaders' daily digest: their department's overdue and unacknowledged tasks.

``sync-server digest`` (run once a day by a timer) sends each leader who has a recipient
(``digest_recipients``: an e-mail address and/or a webhook URL) one message. E-mail goes
through the SMTP server of the ``mail`` settings section (off by default), in the language of
that section (Vietnamese unless it says ``language = "en"``), its words from the catalogue
(``sync_server.texts.mail``); the webhook gets the same content as JSON. A leader with
nothing overdue or unacknowledged gets nothing.

A task belongs to a department when it was given to the department or to one of its members.
"Overdue": live (open or acknowledged) and due before now. "Unacknowledged": open, not
overdue, and at least one of its people has not acknowledged it yet.
"""

from __future__ import annotations

import json
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from sync_server import texts
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Person
from sync_server.db.reminder_models import DigestRecipient, ReminderTask
from sync_server.db.web_models import WebUser
from sync_server.errors import BadRequest, NotFound
from sync_server.service import reminders, schedules, smtp
from sync_server.settings import MailSettings


@dataclass(frozen=True)
class TaskLine:
    task_id: uuid.UUID
    title: str
    assignee: str
    due_at: datetime | None
    people: int
    acknowledged: int
    never_shown: int


@dataclass
class Digest:
    username: str
    department: str
    email: str | None
    webhook_url: str | None
    overdue: list[TaskLine] = field(default_factory=list)
    unacknowledged: list[TaskLine] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.overdue and not self.unacknowledged


def department_tasks(session: Session, department: str | None) -> list[ReminderTask]:
    """Live tasks of a department (every live task when ``department`` is None)."""
    query = select(ReminderTask).where(ReminderTask.status.in_(reminders.LIVE))
    if department is not None:
        members = select(Person.id).where(Person.department == department)
        query = query.where(or_(ReminderTask.assignee_department == department,
                                ReminderTask.assignee_person_id.in_(members)))
    return list(session.scalars(query.order_by(ReminderTask.due_at.is_(None),
                                               ReminderTask.due_at, ReminderTask.created_at)))


def task_line(session: Session, task: ReminderTask) -> TaskLine:
    deliveries = reminders.deliveries_of(session, task.id)
    if task.assignee_person_id is not None:
        person = session.get(Person, task.assignee_person_id)
        assignee = person.display_name if person else str(task.assignee_person_id)
    else:
        assignee = task.assignee_department or ""
    return TaskLine(task.id, task.title, assignee, task.due_at, len(deliveries),
                    sum(1 for d in deliveries if d.acknowledged_at is not None),
                    sum(1 for d in deliveries if d.shown_at is None))


def build_digests(session: Session, now: datetime | None = None) -> list[Digest]:
    """One digest per active leader who has a recipient (empty ones included)."""
    now = now or utc_now()
    rows = session.execute(select(WebUser, DigestRecipient)
                           .join(DigestRecipient, DigestRecipient.user_id == WebUser.id)
                           .where(WebUser.role == "leader", WebUser.active.is_(True))
                           .order_by(WebUser.username))
    digests = []
    for user, recipient in rows:
        digest = Digest(user.username, user.department or "", recipient.email,
                        recipient.webhook_url)
        for task in department_tasks(session, user.department or "\0none"):
            line = task_line(session, task)
            if task.due_at is not None and task.due_at < now:
                digest.overdue.append(line)
            elif task.status == reminders.Status.OPEN.value and line.acknowledged < line.people:
                digest.unacknowledged.append(line)
        digests.append(digest)
    return digests


def set_recipient(session: Session, username: str, email: str | None,
                  webhook_url: str | None) -> None:
    """Where a leader's digest goes (both None: no digest)."""
    user = session.scalars(select(WebUser).where(WebUser.username == username)).first()
    if user is None:
        raise NotFound(f"no web user {username!r}", "no_user")
    if email is not None and ("@" not in email or len(email) > 300):
        raise BadRequest(f"not an e-mail address: {email!r}", "not_an_email", "email",
                         value=email)
    if webhook_url is not None and not webhook_url.startswith(("https://", "http://")):
        raise BadRequest("a webhook URL is http(s)://...", "webhook_url", "webhook_url")
    row = session.get(DigestRecipient, user.id) or DigestRecipient(user_id=user.id)
    row.email, row.webhook_url = email, webhook_url
    session.add(row)


def render_text(digest: Digest, language: str = texts.DEFAULT_LANGUAGE) -> str:
    """The e-mail body in ``language`` ("vi" or "en"; times in the site's zone)."""
    department = digest.department or texts.translate(language, "no_department")
    lines = [texts.message(language, "mail_digest_department", department=department), ""]
    for heading, items in (
            (texts.message(language, "mail_digest_overdue", count=len(digest.overdue)),
             digest.overdue),
            (texts.message(language, "mail_digest_unacknowledged",
                           count=len(digest.unacknowledged)), digest.unacknowledged)):
        lines.append(heading)
        lines += [_task_text(language, item) for item in items]
        lines.append("")
    return "\n".join(lines)


def _task_text(language: str, item: TaskLine) -> str:
    due = (texts.local_datetime(language, item.due_at, schedules.SITE_ZONE)
           if item.due_at is not None else texts.translate(language, "mail_digest_no_due"))
    return texts.message(language, "mail_digest_task", title=item.title,
                         assignee=item.assignee, due=due, acknowledged=item.acknowledged,
                         people=item.people, never_shown=item.never_shown)


def render_subject(digest: Digest, language: str = texts.DEFAULT_LANGUAGE) -> str:
    department = digest.department or texts.translate(language, "no_department")
    return texts.message(language, "mail_digest_subject", overdue=len(digest.overdue),
                         unacknowledged=len(digest.unacknowledged), department=department)


def as_json(digest: Digest) -> dict[str, object]:
    def item(line: TaskLine) -> dict[str, object]:
        return {"task_id": str(line.task_id), "title": line.title, "assignee": line.assignee,
                "due_at": line.due_at.isoformat() if line.due_at else None,
                "people": line.people, "acknowledged": line.acknowledged,
                "never_shown": line.never_shown}
    return {"leader": digest.username, "department": digest.department,
            "overdue": [item(x) for x in digest.overdue],
            "unacknowledged": [item(x) for x in digest.unacknowledged]}


@dataclass(frozen=True)
class DigestReport:
    emailed: int
    posted: int
    skipped: int
    errors: list[str]


def send_digests(sessions: sessionmaker[Session], mail: MailSettings,
                 now: datetime | None = None) -> DigestReport:
    """Build and send every leader's digest (blocking). One failure does not stop the rest."""
    with transaction(sessions) as session:
        digests = build_digests(session, now)
    emailed = posted = skipped = 0
    errors: list[str] = []
    for digest in digests:
        if digest.empty:
            skipped += 1
            continue
        if digest.email and mail.enabled:
            try:
                _send_mail(mail, digest)
                emailed += 1
            except (OSError, smtplib.SMTPException) as exc:
                errors.append(f"{digest.username}: e-mail failed: {exc}")
        if digest.webhook_url:
            try:
                answer = httpx.post(digest.webhook_url, timeout=mail.timeout_s,
                                    content=json.dumps(as_json(digest)).encode(),
                                    headers={"Content-Type": "application/json"})
                answer.raise_for_status()
                posted += 1
            except httpx.HTTPError as exc:
                errors.append(f"{digest.username}: webhook failed: {exc}")
    return DigestReport(emailed, posted, skipped, errors)


def _send_mail(mail: MailSettings, digest: Digest) -> None:
    message = EmailMessage()
    message["Subject"] = render_subject(digest, mail.language)
    message["From"] = mail.from_address
    message["To"] = digest.email
    message.set_content(render_text(digest, mail.language))
    smtp.deliver(mail, message)
