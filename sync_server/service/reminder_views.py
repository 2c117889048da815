"""What leaders see of the reminders: per task, who was shown it, when, at which kiosk, and
who acknowledged it; the overdue and never-seen lists. Read-only queries.

A leader sees the tasks of their department (given to it or to one of its members); HR and
admins see every task (``department`` None).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from sync_server.db.models import Kiosk, Person
from sync_server.db.reminder_models import ReminderDelivery, ReminderTask
from sync_server.service import reminders
from sync_server.service.digest import TaskLine, department_tasks, task_line


@dataclass(frozen=True)
class DeliveryRow:
    person_id: uuid.UUID
    person: str
    shown_at: datetime | None
    shown_kiosk: str | None
    shown_count: int
    acknowledged_at: datetime | None
    ack_kiosk: str | None
    delivered_at: datetime | None


@dataclass(frozen=True)
class NeverSeen:
    task_id: uuid.UUID
    title: str
    person: str
    due_at: datetime | None


def task_visible(session: Session, task: ReminderTask, department: str | None) -> bool:
    """Whether a leader of ``department`` (None: HR/admin) may see and act on ``task``."""
    if department is None:
        return True
    if task.assignee_department is not None:
        return task.assignee_department == department
    person = session.get(Person, task.assignee_person_id) if task.assignee_person_id else None
    return person is not None and person.department == department


def list_tasks(session: Session, department: str | None, include_closed: bool = False,
               limit: int = 500) -> list[tuple[ReminderTask, TaskLine]]:
    """Tasks in scope, due soonest first (live only unless ``include_closed``)."""
    tasks = department_tasks(session, department)
    if include_closed:
        query = select(ReminderTask).where(ReminderTask.status.not_in(reminders.LIVE))
        closed = [t for t in session.scalars(query.order_by(ReminderTask.updated_at.desc())
                                             .limit(limit))
                  if task_visible(session, t, department)]
        tasks += closed
    return [(task, task_line(session, task)) for task in tasks[:limit]]


def _task_scope(department: str | None, include_closed: bool) -> list[ColumnElement[bool]]:
    """The tasks page's filters, as SQL: live only unless ``include_closed``; a leader's
    department's (given to it or to one of its members) unless ``department`` is None."""
    scope: list[ColumnElement[bool]] = []
    if not include_closed:
        scope.append(ReminderTask.status.in_(reminders.LIVE))
    if department is not None:
        members = select(Person.id).where(Person.department == department)
        scope.append(or_(ReminderTask.assignee_department == department,
                         ReminderTask.assignee_person_id.in_(members)))
    return scope


def _task_order() -> tuple[ColumnElement[Any], ...]:
    """Live tasks first, due soonest (undated last, then oldest first); then closed ones,
    the latest closed first."""
    closed = ReminderTask.status.not_in(reminders.LIVE)
    return (case((closed, 1), else_=0),
            case((closed, 0), (ReminderTask.due_at.is_(None), 1), else_=0),
            case((closed, None), else_=ReminderTask.due_at),
            case((closed, None), else_=ReminderTask.created_at),
            ReminderTask.updated_at.desc(), ReminderTask.id.asc())


def count_tasks(session: Session, department: str | None, include_closed: bool) -> int:
    """How many tasks the tasks page lists (see :func:`_task_scope`)."""
    query = select(func.count()).select_from(ReminderTask)
    return int(session.scalar(query.where(*_task_scope(department, include_closed))) or 0)


def task_page(session: Session, department: str | None, include_closed: bool, offset: int,
              limit: int) -> list[tuple[ReminderTask, TaskLine]]:
    """The tasks page's rows ``offset`` .. ``offset + limit`` in its order, read in SQL."""
    query = (select(ReminderTask).where(*_task_scope(department, include_closed))
             .order_by(*_task_order()).offset(offset).limit(limit))
    return [(task, task_line(session, task)) for task in session.scalars(query)]


def task_titles(session: Session, department: str | None,
                include_closed: bool) -> list[tuple[uuid.UUID, str, str]]:
    """(id, title, assignee) of every task the page lists, in its order: what a search
    reads (names of people or departments as assigned)."""
    query = (select(ReminderTask.id, ReminderTask.title, Person.display_name,
                    ReminderTask.assignee_department)
             .outerjoin(Person, Person.id == ReminderTask.assignee_person_id)
             .where(*_task_scope(department, include_closed)).order_by(*_task_order()))
    return [(task_id, title, name or assigned or "")
            for task_id, title, name, assigned in session.execute(query)]


def tasks_by_id(session: Session, ids: list[uuid.UUID]) -> list[tuple[ReminderTask, TaskLine]]:
    """These tasks, in this order, with their lines."""
    found = {t.id: t for t in session.scalars(select(ReminderTask)
                                               .where(ReminderTask.id.in_(ids)))}
    return [(found[i], task_line(session, found[i])) for i in ids if i in found]


def overdue(session: Session, department: str | None,
            now: datetime) -> list[tuple[ReminderTask, TaskLine]]:
    return [(task, task_line(session, task)) for task in department_tasks(session, department)
            if task.due_at is not None and task.due_at < now]


def never_seen(session: Session, department: str | None,
               limit: int = 300) -> list[NeverSeen]:
    """(task, person) pairs of live tasks that no kiosk has shown yet, due soonest first,
    at most ``limit`` (a page, not an export)."""
    query = (select(ReminderTask, Person)
             .join(ReminderDelivery, ReminderDelivery.task_id == ReminderTask.id)
             .join(Person, Person.id == ReminderDelivery.person_id)
             .where(ReminderTask.status.in_(reminders.LIVE), ReminderDelivery.shown_at.is_(None)))
    if department is not None:
        query = query.where(or_(ReminderTask.assignee_department == department,
                                and_(ReminderTask.assignee_person_id.is_not(None),
                                     Person.department == department)))
    rows = session.execute(query.order_by(ReminderTask.due_at.is_(None), ReminderTask.due_at,
                                          Person.display_name).limit(limit))
    return [NeverSeen(task.id, task.title, person.display_name, task.due_at)
            for task, person in rows]


def delivery_rows(session: Session, task_id: uuid.UUID) -> list[DeliveryRow]:
    """Per person: shown (first time, kiosk name, how often), acknowledged, delivered."""
    kiosk_names = {k.id: k.name for k in session.scalars(select(Kiosk))}
    rows = session.execute(select(ReminderDelivery, Person)
                           .join(Person, Person.id == ReminderDelivery.person_id)
                           .where(ReminderDelivery.task_id == task_id)
                           .order_by(Person.display_name))
    return [DeliveryRow(person.id, person.display_name, d.shown_at,
                        kiosk_names.get(d.shown_kiosk_id) if d.shown_kiosk_id else None,
                        d.shown_count, d.acknowledged_at,
                        kiosk_names.get(d.ack_kiosk_id) if d.ack_kiosk_id else None,
                        d.delivered_at) for d, person in rows]
