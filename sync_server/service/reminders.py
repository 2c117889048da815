"""Reminders: tasks given by leaders (or other systems), delivered per person to the kiosks.

A task names one person or a department. A department task is expanded to its ACTIVE members
when it is created; people who join the department later do not receive it (a task belongs to
the people who were there when it was given; the leader gives a new one if needed). Each
(task, person) pair is one delivery whose id, ``uuid5(task id, person id)``, is the reminder's
feed entity id, so the kiosk's events name the delivery directly.

Feed data is the minimum a shared screen needs (never ``details``): person_id, title, due_at,
priority, status ("open" or "acknowledged" for that person), urgent, created_at. Done and
cancelled tasks are tombstoned. Which kiosks receive which reminders: see ``feed.page``.

Kiosk events (``reminder_shown``, ``reminder_ack``) update the delivery: the first time shown
(when, at which kiosk) is kept, later showings only count; an acknowledgement is kept once. A
task whose every delivery is acknowledged becomes "acknowledged".
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from protocol.feed import FeedEntity, FeedOp
from sync_server.clock import utc_now
from sync_server.db.models import Person, Template
from sync_server.db.reminder_models import ReminderDelivery, ReminderTask
from sync_server.errors import BadRequest, Conflict, NotFound
from sync_server.service import audit, events, reminder_webhooks
from sync_server.service.feed import publish

MAX_TITLE = 200
MAX_DETAILS = 4000


class Status(enum.Enum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    DONE = "done"
    CANCELLED = "cancelled"


LIVE = (Status.OPEN.value, Status.ACKNOWLEDGED.value)
"""Statuses whose reminders are on the kiosks."""


class Source(enum.Enum):
    WEB = "web"
    IMPORT = "import"
    API = "api"
    WEBHOOK = "webhook"


@dataclass(frozen=True)
class TaskIn:
    """What a task is made of, from a form, a file row or another system."""

    title: str
    person_id: uuid.UUID | None = None
    department: str | None = None
    details: str = ""
    due_at: datetime | None = None
    priority: int = 1
    urgent: bool = False
    external_id: str | None = None


def reminder_id(task_id: uuid.UUID, person_id: uuid.UUID) -> uuid.UUID:
    """The feed entity id of one task for one person (stable: the same on every call)."""
    return uuid.uuid5(task_id, str(person_id))


def _utc(value: datetime | None) -> datetime | None:
    """Due times are kept and sent as UTC (kiosks apply the site's zone for display)."""
    return None if value is None else value.astimezone(UTC)


def _validate(spec: TaskIn) -> None:
    if not spec.title.strip():
        raise BadRequest("a task needs a title", "task_title")
    if len(spec.title) > MAX_TITLE or len(spec.details) > MAX_DETAILS:
        raise BadRequest(f"title at most {MAX_TITLE}, details at most {MAX_DETAILS} characters",
                         "task_too_long", title=MAX_TITLE, details=MAX_DETAILS)
    if (spec.person_id is None) == (not spec.department):
        raise BadRequest("assign the task to one person OR one department", "task_assignee")
    if spec.priority not in (0, 1, 2):
        raise BadRequest("priority is 0 (low), 1 (normal) or 2 (high)", "task_priority")
    if spec.due_at is not None and spec.due_at.tzinfo is None:
        raise BadRequest("due_at needs a time zone", "due_needs_zone", "due")
    if spec.external_id is not None and not 0 < len(spec.external_id) <= 200:
        raise BadRequest("external_id is 1 to 200 characters", "external_id_length")


def assignees(session: Session, spec: TaskIn) -> list[Person]:
    """The people a task goes to: the person, or the department's active members."""
    if spec.person_id is not None:
        person = session.get(Person, spec.person_id)
        if person is None or not person.active:
            raise BadRequest(f"no active person {spec.person_id}", "no_person")
        return [person]
    members = list(session.scalars(select(Person).where(
        Person.department == spec.department, Person.active.is_(True)).order_by(Person.id)))
    if not members:
        raise BadRequest(f"department {spec.department!r} has no active members",
                         "department_empty", name=spec.department)
    return members


def find_external(session: Session, system: str, external_id: str) -> ReminderTask | None:
    return session.scalars(select(ReminderTask).where(
        ReminderTask.system == system, ReminderTask.external_id == external_id)).first()


def create_task(session: Session, spec: TaskIn, actor: str, source: Source = Source.WEB,
                system: str = "web") -> tuple[ReminderTask, bool]:
    """Create a task (in the caller's transaction); returns (task, created).

    Idempotent on (system, external_id): the same external id again updates the existing
    task's title, details, due time and priority instead (``created`` is False).
    """
    _validate(spec)
    if spec.external_id is not None:
        existing = find_external(session, system, spec.external_id)
        if existing is not None:
            return update_task(session, existing.id, spec, actor), False
    people = assignees(session, spec)
    now = utc_now()
    task = ReminderTask(
        id=uuid.uuid4(), title=spec.title.strip(), details=spec.details.strip(),
        assignee_person_id=spec.person_id, assignee_department=spec.department or None,
        assigned_by=actor, due_at=_utc(spec.due_at), priority=spec.priority,
        status=Status.OPEN.value, urgent=spec.urgent, nudged_at=now if spec.urgent else None,
        source=source.value, system=system, external_id=spec.external_id, created_at=now,
        updated_at=now)
    session.add(task)
    session.flush()
    for person in people:
        delivery = ReminderDelivery(id=reminder_id(task.id, person.id), task_id=task.id,
                                    person_id=person.id, shown_count=0, created_at=now)
        session.add(delivery)
        session.flush()
        _publish(session, task, delivery)
    audit.record(session, actor, "reminder.create", "reminder_task", task.id,
                 {"people": len(people), "source": source.value})
    return task, True


def get_task(session: Session, task_id: uuid.UUID) -> ReminderTask:
    task = session.get(ReminderTask, task_id)
    if task is None:
        raise NotFound(f"no task {task_id}", "no_task")
    return task


def deliveries_of(session: Session, task_id: uuid.UUID) -> list[ReminderDelivery]:
    return list(session.scalars(select(ReminderDelivery)
                                .where(ReminderDelivery.task_id == task_id)
                                .order_by(ReminderDelivery.person_id)))


def update_task(session: Session, task_id: uuid.UUID, spec: TaskIn, actor: str) -> ReminderTask:
    """Change title, details, due time and priority (not the assignees); republish."""
    task = get_task(session, task_id)
    if task.status not in LIVE:
        raise Conflict(f"task {task_id} is {task.status}; it can no longer change", "task_closed")
    if not spec.title.strip() or len(spec.title) > MAX_TITLE or len(spec.details) > MAX_DETAILS:
        raise BadRequest(f"a title (at most {MAX_TITLE} characters) is required", "task_title")
    if spec.priority not in (0, 1, 2):
        raise BadRequest("priority is 0 (low), 1 (normal) or 2 (high)", "task_priority")
    if spec.due_at is not None and spec.due_at.tzinfo is None:
        raise BadRequest("due_at needs a time zone", "due_needs_zone", "due")
    task.title, task.details = spec.title.strip(), spec.details.strip()
    task.due_at, task.priority, task.updated_at = _utc(spec.due_at), spec.priority, utc_now()
    _republish(session, task)
    audit.record(session, actor, "reminder.update", "reminder_task", task.id, {})
    return task


def set_status(session: Session, task_id: uuid.UUID, status: Status,
               actor: str) -> ReminderTask:
    """Mark a task done or cancelled (tombstones to the kiosks), or reopen it."""
    task = get_task(session, task_id)
    if status is Status.ACKNOWLEDGED:
        raise BadRequest("only the assignees acknowledge a task (at a kiosk)", "task_ack_at_kiosk")
    if task.status == status.value:
        return task
    if task.status not in LIVE and status is not Status.OPEN:
        raise Conflict(f"task {task_id} is already {task.status}", "task_closed")
    task.status, task.updated_at = status.value, utc_now()
    if status is Status.OPEN:
        _republish(session, task)
    else:
        for delivery in deliveries_of(session, task.id):
            publish(session, FeedEntity.REMINDER, FeedOp.DELETE, delivery.id)
    _status_changed(session, task, actor)
    return task


def nudge(session: Session, task_id: uuid.UUID, actor: str) -> ReminderTask:
    """A leader's nudge: the task becomes urgent, shown at the next recognition anywhere;
    each unacknowledged delivery reports "delivered" again once a kiosk shows it."""
    task = get_task(session, task_id)
    if task.status not in LIVE:
        raise Conflict(f"task {task_id} is {task.status}; nothing to nudge", "task_closed")
    task.urgent, task.nudged_at, task.updated_at = True, utc_now(), utc_now()
    for delivery in deliveries_of(session, task.id):
        if delivery.acknowledged_at is None:
            delivery.delivered_at = None
    _republish(session, task)
    audit.record(session, actor, "reminder.nudge", "reminder_task", task.id, {})
    return task


def feed_data(task: ReminderTask, delivery: ReminderDelivery) -> dict[str, Any]:
    """The reminder as a kiosk receives it (events.md format; never the details)."""
    return {"person_id": str(delivery.person_id), "title": task.title,
            "due_at": task.due_at.isoformat() if task.due_at else None,
            "priority": task.priority,
            "status": "acknowledged" if delivery.acknowledged_at else "open",
            "urgent": task.urgent, "created_at": task.created_at.isoformat()}


def _publish(session: Session, task: ReminderTask, delivery: ReminderDelivery) -> None:
    publish(session, FeedEntity.REMINDER, FeedOp.UPSERT, delivery.id, feed_data(task, delivery))


def _republish(session: Session, task: ReminderTask) -> None:
    for delivery in deliveries_of(session, task.id):
        _publish(session, task, delivery)


def republish_for_new_template(session: Session, person_id: uuid.UUID,
                               recognizer_id: str | None) -> None:
    """Called by ``feed.publish`` for each template upsert: when it is the person's first
    template of that recognizer, their live reminders are published again, so kiosks whose
    cursor passed them (while the person was not enrolled there) receive them now."""
    if recognizer_id is None:
        return
    count = len(list(session.scalars(select(Template.id).where(
        Template.person_id == person_id, Template.recognizer_id == recognizer_id,
        Template.enrolment_id.is_(None)).limit(2))))
    if count != 1:
        return
    republish_live(session, person_id)


def republish_live(session: Session, person_id: uuid.UUID) -> None:
    """Publish the person's live reminders again: they just became visible to more kiosks
    (first template of a recognizer, or a PIN or badge that every kiosk accepts)."""
    rows = session.execute(select(ReminderTask, ReminderDelivery)
                           .join(ReminderDelivery, ReminderDelivery.task_id == ReminderTask.id)
                           .where(ReminderDelivery.person_id == person_id,
                                  ReminderTask.status.in_(LIVE)))
    for task, delivery in rows:
        _publish(session, task, delivery)


def _status_changed(session: Session, task: ReminderTask, actor: str) -> None:
    audit.record(session, actor, f"reminder.{task.status}", "reminder_task", task.id, {})
    reminder_webhooks.enqueue_status(session, task_payload(session, task))


def task_payload(session: Session, task: ReminderTask) -> dict[str, Any]:
    """A task as other systems see it (API answers and outbound webhooks)."""
    deliveries = deliveries_of(session, task.id)
    return {"id": str(task.id), "external_id": task.external_id, "system": task.system,
            "title": task.title, "details": task.details, "status": task.status,
            "person_id": str(task.assignee_person_id) if task.assignee_person_id else None,
            "department": task.assignee_department, "priority": task.priority,
            "due_at": task.due_at.isoformat() if task.due_at else None,
            "urgent": task.urgent, "assigned_by": task.assigned_by,
            "people": len(deliveries),
            "shown": sum(1 for d in deliveries if d.shown_at is not None),
            "acknowledged": sum(1 for d in deliveries if d.acknowledged_at is not None),
            "updated_at": task.updated_at.isoformat()}


def _delivery_of_event(session: Session, event: events.IncomingEvent) -> ReminderDelivery | None:
    try:
        delivery_id = uuid.UUID(str(event.data.get("reminder_id")))
    except ValueError:
        return None
    delivery = session.get(ReminderDelivery, delivery_id)
    if delivery is None or (event.person_id is not None
                            and delivery.person_id != event.person_id):
        return None  # unknown, erased, or reported for someone else: stored, not applied
    return delivery


@events.handles("reminder_shown")
def on_shown(session: Session, kiosk_id: uuid.UUID, event: events.IncomingEvent) -> None:
    """The first showing is kept (when, where); an urgent one also counts as delivered."""
    delivery = _delivery_of_event(session, event)
    if delivery is None:
        return
    delivery.shown_count += 1
    if delivery.shown_at is None or event.occurred_at < delivery.shown_at:
        delivery.shown_at, delivery.shown_kiosk_id = event.occurred_at, kiosk_id
    task = session.get(ReminderTask, delivery.task_id)
    if task is not None and task.urgent and delivery.delivered_at is None \
            and (task.nudged_at is None or event.occurred_at >= task.nudged_at
                 or bool(event.data.get("urgent"))):
        delivery.delivered_at = event.occurred_at


@events.handles("reminder_ack")
def on_ack(session: Session, kiosk_id: uuid.UUID, event: events.IncomingEvent) -> None:
    """The person acknowledged; the task is acknowledged once all its people have."""
    delivery = _delivery_of_event(session, event)
    if delivery is None or delivery.acknowledged_at is not None:
        return
    delivery.acknowledged_at, delivery.ack_kiosk_id = event.occurred_at, kiosk_id
    if delivery.shown_at is None:  # acknowledging implies it was on screen
        delivery.shown_at, delivery.shown_kiosk_id = event.occurred_at, kiosk_id
    task = session.get(ReminderTask, delivery.task_id)
    if task is None or task.status not in LIVE:
        return
    _publish(session, task, delivery)  # status "acknowledged" for this person
    others = [d for d in deliveries_of(session, task.id) if d.acknowledged_at is None]
    if not others and task.status == Status.OPEN.value:
        task.status, task.updated_at = Status.ACKNOWLEDGED.value, utc_now()
        _status_changed(session, task, "kiosk")
