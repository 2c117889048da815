"""Approved leave: recorded, changed and withdrawn, each with its audit entry.

Leave is whole local days, inclusive. A leave range must make sense for a person's year:
it lies within :data:`HORIZON_DAYS` of today (a typo such as 1900 or 2999 is refused, not
stored as "on leave forever"), lasts at most :data:`MAX_LEAVE_DAYS` (six months: the
longest statutory leave, maternity leave, fits), does not overlap the person's other leave,
and covers at least one day on which the person's schedule has a shift (leave over days off
and holidays only excuses nothing). A change replaces the row (new id, stamped now) so
that every report computed before it is recomputed (see ``reports.data_version``). Every
change is published in the kiosks' change feed (entity "leave": upsert with the person and
the days, delete when withdrawn or replaced).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from protocol.feed import FeedEntity, FeedOp
from sync_server.clock import utc_now
from sync_server.db.leave_models import LeaveTypeRow
from sync_server.db.models import Person
from sync_server.db.web_models import LeaveRow
from sync_server.errors import BadRequest, NotFound
from sync_server.service import audit, feed, reports, schedules
from sync_server.service.schedules import SITE_ZONE

HORIZON_DAYS = 366  # leave starts and ends within a year of today, either way
MAX_LEAVE_DAYS = 186  # six months


@dataclass(frozen=True)
class LeaveIn:
    """Leave as entered: person, first and last day (inclusive), reason, and its type
    (``db.leave_models.LeaveTypeRow``; None: untyped, as recorded before types existed)."""

    person_id: uuid.UUID
    start: date
    end: date
    reason: str = ""
    leave_type_id: uuid.UUID | None = None


def _today(now: datetime) -> date:
    return now.astimezone(ZoneInfo(SITE_ZONE)).date()


def validate(session: Session, leave: LeaveIn, now: datetime,
             replacing: uuid.UUID | None = None) -> None:
    """Refuse (BadRequest with the form field) a range that is backwards, far from today,
    too long, or overlapping the person's other leave (``replacing`` excluded)."""
    if session.get(Person, leave.person_id) is None:
        raise NotFound(f"no person {leave.person_id}", "no_person", "person_id")
    if leave.leave_type_id is not None and session.get(LeaveTypeRow, leave.leave_type_id) is None:
        raise NotFound(f"no leave type {leave.leave_type_id}", "no_leave_type", "leave_type_id")
    if leave.end < leave.start:
        raise BadRequest("leave cannot end before it starts", "leave_backwards", "end")
    today = _today(now)
    earliest, latest = today - timedelta(days=HORIZON_DAYS), today + timedelta(days=HORIZON_DAYS)
    for field, day in (("start", leave.start), ("end", leave.end)):
        if not earliest <= day <= latest:
            raise BadRequest(f"leave must fall between {earliest} and {latest}",
                             "leave_too_far", field, earliest=earliest, latest=latest)
    if (leave.end - leave.start).days + 1 > MAX_LEAVE_DAYS:
        raise BadRequest(f"leave lasts at most {MAX_LEAVE_DAYS} days", "leave_too_long", "end",
                         days=MAX_LEAVE_DAYS)
    _check_schedule(session, leave)
    other = session.scalars(select(LeaveRow).where(
        LeaveRow.person_id == leave.person_id, LeaveRow.start <= leave.end,
        LeaveRow.end >= leave.start, LeaveRow.id != (replacing or uuid.UUID(int=0)))).first()
    if other is not None:
        raise BadRequest(f"leave from {other.start} to {other.end} overlaps", "leave_overlap",
                         "start", start=other.start, end=other.end)


def _check_schedule(session: Session, leave: LeaveIn) -> None:
    """Refuse leave whose days are all days off or holidays for this person."""
    person = session.get(Person, leave.person_id)
    if person is None:
        raise NotFound(f"no person {leave.person_id}", "no_person", "person_id")
    schedule = schedules.load_schedule(session)
    domain = reports.to_domain_person(person)
    days = (leave.start + timedelta(days=n) for n in range((leave.end - leave.start).days + 1))
    if not any(schedule.occurrence_on(domain, day) is not None for day in days):
        raise BadRequest("no shift on any day of this leave", "leave_no_shift", "start",
                         start=leave.start, end=leave.end)


def _payload(row: LeaveRow) -> dict[str, str]:
    return {"leave_id": str(row.id), "start": row.start.isoformat(),
            "end": row.end.isoformat(), "reason": row.reason}


def feed_payload(row: LeaveRow) -> dict[str, str | None]:
    """What a kiosk learns of a leave: whose, which days, which type."""
    return {"person_id": str(row.person_id), "start": row.start.isoformat(),
            "end": row.end.isoformat(),
            "leave_type_id": str(row.leave_type_id) if row.leave_type_id else None}


def _new_row(leave: LeaveIn, actor: str, now: datetime) -> LeaveRow:
    return LeaveRow(id=uuid.uuid4(), person_id=leave.person_id, start=leave.start,
                    end=leave.end, reason=leave.reason.strip() or "-", created_by=actor,
                    created_at=now, leave_type_id=leave.leave_type_id)


def add_leave(session: Session, leave: LeaveIn, actor: str,
              now: datetime | None = None) -> LeaveRow:
    """Record validated leave and its audit entry ("leave.add")."""
    now = now or utc_now()
    validate(session, leave, now)
    row = _new_row(leave, actor, now)
    session.add(row)
    session.flush()
    feed.publish(session, FeedEntity.LEAVE, FeedOp.UPSERT, row.id, feed_payload(row))
    audit.record(session, actor, "leave.add", "person", row.person_id, _payload(row))
    return row


def _existing(session: Session, leave_id: uuid.UUID) -> LeaveRow:
    row = session.get(LeaveRow, leave_id)
    if row is None:
        raise NotFound(f"no leave {leave_id}", "no_leave")
    return row


def edit_leave(session: Session, leave_id: uuid.UUID, leave: LeaveIn, actor: str,
               now: datetime | None = None) -> LeaveRow:
    """Replace leave ``leave_id`` by ``leave`` (validated without the old range); the audit
    entry ("leave.edit") keeps what it was."""
    now = now or utc_now()
    old = _existing(session, leave_id)
    if leave.leave_type_id is None:  # the shifts page does not show the type: keep it
        leave = replace(leave, leave_type_id=old.leave_type_id)
    validate(session, leave, now, replacing=leave_id)
    before = _payload(old)
    session.delete(old)
    session.flush()
    feed.publish(session, FeedEntity.LEAVE, FeedOp.DELETE, leave_id)
    row = _new_row(leave, actor, now)
    session.add(row)
    session.flush()
    feed.publish(session, FeedEntity.LEAVE, FeedOp.UPSERT, row.id, feed_payload(row))
    audit.record(session, actor, "leave.edit", "person", row.person_id,
                 {**_payload(row), "before": before})
    return row


def delete_leave(session: Session, leave_id: uuid.UUID, actor: str) -> None:
    """Withdraw leave (the days count as ordinary shift days again), audited
    ("leave.delete") with the range it had."""
    row = _existing(session, leave_id)
    audit.record(session, actor, "leave.delete", "person", row.person_id, _payload(row))
    session.delete(row)
    feed.publish(session, FeedEntity.LEAVE, FeedOp.DELETE, leave_id)
