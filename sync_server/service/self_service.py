"""What a person sees of themself: their punches with the kiosk of each, and their tasks
with how far each went (shown at a kiosk, acknowledged, the task's status)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.db.models import Kiosk, Punch
from sync_server.db.reminder_models import ReminderDelivery, ReminderTask
from sync_server.service.schedules import SITE_ZONE


@dataclass(frozen=True)
class OwnPunch:
    occurred_at: datetime
    kind: str
    kiosk: str
    review: str


@dataclass(frozen=True)
class OwnTask:
    title: str
    due_at: datetime | None
    status: str
    shown_at: datetime | None
    acknowledged_at: datetime | None


def own_punches(session: Session, person_id: uuid.UUID, first: date,
                last: date) -> list[OwnPunch]:
    """The person's punches from ``first`` to ``last`` (local days, inclusive), newest first,
    each with the name of the kiosk that captured it."""
    zone = ZoneInfo(SITE_ZONE)
    start = datetime.combine(first, time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=zone)
    rows = session.execute(select(Punch, Kiosk.name).join(Kiosk, Kiosk.id == Punch.kiosk_id)
                           .where(Punch.person_id == person_id, Punch.occurred_at >= start,
                                  Punch.occurred_at < end)
                           .order_by(Punch.occurred_at.desc()))
    return [OwnPunch(punch.occurred_at, punch.kind, name, punch.review) for punch, name in rows]


def own_tasks(session: Session, person_id: uuid.UUID, limit: int = 100) -> list[OwnTask]:
    """The person's tasks (given to them or to their department), newest first."""
    rows = session.execute(select(ReminderTask, ReminderDelivery)
                           .join(ReminderDelivery, ReminderDelivery.task_id == ReminderTask.id)
                           .where(ReminderDelivery.person_id == person_id)
                           .order_by(ReminderTask.created_at.desc()).limit(limit))
    return [OwnTask(task.title, task.due_at, task.status, delivery.shown_at,
                    delivery.acknowledged_at) for task, delivery in rows]
