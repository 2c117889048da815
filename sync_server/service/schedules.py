"""Departments, shift types, shift assignments, holidays and leave: CRUD, the domain
``attendance.Schedule`` built from them, and their change-feed entries for kiosks.

Every create/update/delete publishes a feed entry (entities SHIFT_TYPE, SHIFT_ASSIGNMENT,
HOLIDAY) in the caller's transaction, so kiosks learn schedules through the normal sync.
Local times are "HH:MM" in the site's zone (``SITE_ZONE``); working days 0 = Monday.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import attendance
from protocol.feed import FeedEntity, FeedOp
from sync_server.clock import utc_now
from sync_server.db.models import Person
from sync_server.db.web_models import (
    Department,
    HolidayRow,
    LeaveRow,
    ShiftAssignmentRow,
    ShiftTypeRow,
)
from sync_server.errors import BadRequest, Conflict, NotFound
from sync_server.service import audit, feed
from sync_server.service.cell_text import refuse_formula_start

SITE_ZONE = "Asia/Ho_Chi_Minh"
department_uuid = attendance.department_uuid  # the one rule, shared with the kiosks


def parse_hhmm(text: str) -> time:
    try:
        hours, minutes = (int(part) for part in text.strip().split(":"))
        return time(hours, minutes)
    except ValueError:
        raise BadRequest(f"{text!r} is not a time HH:MM", "not_a_time_of_day", value=text) from None


# -- departments -------------------------------------------------------------------------

def list_departments(session: Session) -> list[str]:
    """Every department name: the table's and any still named by people."""
    named = set(session.scalars(select(Department.name)))
    named |= {d for d in session.scalars(select(Person.department).distinct()) if d}
    return sorted(named)


def create_department(session: Session, name: str, *, actor: str) -> Department:
    name = name.strip()
    if not name:
        raise BadRequest("a department needs a name", "name_needed")
    refuse_formula_start("department", name)
    if session.scalars(select(Department).where(Department.name == name)).first():
        raise Conflict(f"department {name!r} exists", "department_exists", name=name)
    row = Department(id=department_uuid(name), name=name, created_at=utc_now())
    session.add(row)
    audit.record(session, actor, "department.create", "department", row.id, {"name": name})
    return row


def rename_department(session: Session, old: str, new: str, *, actor: str) -> None:
    """Rename everywhere: the table, people, assignments and holidays (people go to the feed)."""
    new = new.strip()
    if not new:
        raise BadRequest("a department needs a name", "name_needed")
    refuse_formula_start("department", new)
    if new != old and session.scalars(select(Department).where(Department.name == new)).first():
        raise Conflict(f"department {new!r} exists", "department_exists", name=new)
    row = session.scalars(select(Department).where(Department.name == old)).first()
    site_id = None if row is None else row.site_id  # the department keeps its site
    if row is not None:
        session.delete(row)
        session.flush()
    session.add(Department(id=department_uuid(new), name=new, created_at=utc_now(),
                           site_id=site_id))
    for person in session.scalars(select(Person).where(Person.department == old)):
        person.department = new
        person.updated_at = utc_now()
        feed.publish(session, FeedEntity.PERSON, FeedOp.UPSERT, person.id,
                     {"display_name": person.display_name,
                      "employee_code": person.employee_code,
                      "department": new, "active": person.active})
    for model in (ShiftAssignmentRow, HolidayRow):
        session.execute(update(model).where(model.department == old).values(department=new))
    audit.record(session, actor, "department.rename", "department", None,
                 {"from": old, "to": new})


# -- shift types -------------------------------------------------------------------------

@dataclass(frozen=True)
class ShiftTypeIn:
    name: str
    start: str
    end: str
    late_grace_min: int = 5
    early_exit_grace_min: int = 5
    checkin_window_min: int = 60
    checkout_window_min: int = 240
    half_day_below_h: float = 4.0
    absent_below_h: float = 1.0
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)


def _validated(spec: ShiftTypeIn, shift_id: uuid.UUID) -> attendance.ShiftType:
    """The domain shift type (its own checks raise ValueError -> BadRequest)."""
    if not spec.name.strip():
        raise BadRequest("a shift type needs a name", "name_needed")
    if any(not 0 <= day <= 6 for day in spec.working_days):
        raise BadRequest("working days are numbers 0 (Monday) to 6, comma-separated",
                         "working_days", "working_days")
    if spec.late_grace_min < 0 or spec.early_exit_grace_min < 0:
        raise BadRequest("a grace period cannot be negative", "grace_negative",
                         "late_grace_min")
    try:
        return attendance.ShiftType(
            id=shift_id, name=spec.name.strip(), start=parse_hhmm(spec.start),
            end=parse_hhmm(spec.end), checkin_window_min=spec.checkin_window_min,
            checkout_window_min=spec.checkout_window_min, late_grace_min=spec.late_grace_min,
            early_exit_grace_min=spec.early_exit_grace_min,
            half_day_below_h=spec.half_day_below_h, absent_below_h=spec.absent_below_h,
            working_days=frozenset(spec.working_days))
    except ValueError as exc:
        raise BadRequest(str(exc), "shift_invalid") from None


def save_shift_type(session: Session, spec: ShiftTypeIn, shift_id: uuid.UUID | None = None, *,
                    actor: str) -> ShiftTypeRow:
    """Create (``shift_id`` None) or update a shift type; publishes it."""
    row = session.get(ShiftTypeRow, shift_id) if shift_id else None
    if shift_id is not None and row is None:
        raise NotFound(f"no shift type {shift_id}", "no_shift_type")
    if row is None:
        row = ShiftTypeRow(id=uuid.uuid4())
        session.add(row)
    domain = _validated(spec, row.id)
    row.name = domain.name
    row.start, row.end = domain.start.strftime("%H:%M"), domain.end.strftime("%H:%M")
    for field in ("late_grace_min", "early_exit_grace_min", "checkin_window_min",
                  "checkout_window_min", "half_day_below_h", "absent_below_h"):
        setattr(row, field, getattr(spec, field))
    row.working_days = ",".join(str(d) for d in sorted(set(spec.working_days)))
    row.updated_at = utc_now()
    session.flush()
    feed.publish(session, FeedEntity.SHIFT_TYPE, FeedOp.UPSERT, row.id, shift_type_payload(row))
    audit.record(session, actor, "shift_type.save", "shift_type", row.id, shift_type_payload(row))
    return row


def list_shift_types(session: Session) -> list[ShiftTypeRow]:
    return list(session.scalars(select(ShiftTypeRow).order_by(ShiftTypeRow.name)))


def shift_type_payload(row: ShiftTypeRow) -> dict[str, Any]:
    """The feed's data for a shift type (what a kiosk needs to build ``attendance.ShiftType``)."""
    return {"name": row.name, "start": row.start, "end": row.end,
            "late_grace_min": row.late_grace_min,
            "early_exit_grace_min": row.early_exit_grace_min,
            "checkin_window_min": row.checkin_window_min,
            "checkout_window_min": row.checkout_window_min,
            "half_day_below_h": row.half_day_below_h, "absent_below_h": row.absent_below_h,
            "working_days": [int(d) for d in row.working_days.split(",") if d],
            "zone": SITE_ZONE}


# -- assignments, holidays, leave ---------------------------------------------------------

def save_assignment(session: Session, shift_type_id: uuid.UUID, start: date, end: date | None,
                    person_id: uuid.UUID | None = None, department: str | None = None,
                    assignment_id: uuid.UUID | None = None, *,
                    actor: str) -> ShiftAssignmentRow:
    """Create or update an assignment of a shift type to a person or a department."""
    if session.get(ShiftTypeRow, shift_type_id) is None:
        raise NotFound(f"no shift type {shift_type_id}", "no_shift_type", "shift_type_id")
    if (person_id is None) == (not department):
        raise BadRequest("assign a shift to a person or to a department, not both",
                         "assign_one", "person_id")
    if end is not None and end < start:
        raise BadRequest("an assignment cannot end before it starts", "range_backwards",
                         "end")
    row = session.get(ShiftAssignmentRow, assignment_id) if assignment_id else None
    if row is None:
        row = ShiftAssignmentRow(id=assignment_id or uuid.uuid4())
        session.add(row)
    row.shift_type_id, row.start, row.end = shift_type_id, start, end
    row.person_id, row.department = person_id, department or None
    row.updated_at = utc_now()
    session.flush()
    feed.publish(session, FeedEntity.SHIFT_ASSIGNMENT, FeedOp.UPSERT, row.id,
                 assignment_payload(row))
    audit.record(session, actor, "shift_assignment.save", "shift_assignment", row.id,
                 assignment_payload(row))
    return row


def assignment_payload(row: ShiftAssignmentRow) -> dict[str, Any]:
    return {"shift_type_id": str(row.shift_type_id), "start": row.start.isoformat(),
            "end": row.end.isoformat() if row.end else None,
            "person_id": str(row.person_id) if row.person_id else None,
            "department": row.department,
            "department_id": str(department_uuid(row.department)) if row.department else None}


def delete_assignment(session: Session, assignment_id: uuid.UUID, *, actor: str) -> None:
    row = session.get(ShiftAssignmentRow, assignment_id)
    if row is None:
        raise NotFound(f"no shift assignment {assignment_id}", "no_assignment")
    audit.record(session, actor, "shift_assignment.delete", "shift_assignment", assignment_id,
                 assignment_payload(row))
    session.delete(row)
    feed.publish(session, FeedEntity.SHIFT_ASSIGNMENT, FeedOp.DELETE, assignment_id)


def list_assignments(session: Session) -> list[ShiftAssignmentRow]:
    return list(session.scalars(select(ShiftAssignmentRow)
                                .order_by(ShiftAssignmentRow.start.desc())))


def save_holiday(session: Session, day: date, name: str, department: str | None = None,
                 holiday_id: uuid.UUID | None = None, *, actor: str) -> HolidayRow:
    if not name.strip():
        raise BadRequest("a holiday needs a name", "name_needed", "name")
    row = session.get(HolidayRow, holiday_id) if holiday_id else None
    if row is None:
        row = HolidayRow(id=holiday_id or uuid.uuid4())
        session.add(row)
    row.day, row.name, row.department = day, name.strip(), department or None
    row.updated_at = utc_now()
    session.flush()
    feed.publish(session, FeedEntity.HOLIDAY, FeedOp.UPSERT, row.id, holiday_payload(row))
    audit.record(session, actor, "holiday.save", "holiday", row.id, holiday_payload(row))
    return row


def save_holidays(session: Session, day: date, name: str, departments: Sequence[str], *,
                  actor: str) -> list[HolidayRow]:
    """A holiday for a chosen set of departments: one holiday row per department (each
    audited and sent to the kiosks as usual); no department chosen: everyone's holiday."""
    chosen = sorted({d.strip() for d in departments if d.strip()})
    if not chosen:
        return [save_holiday(session, day, name, None, actor=actor)]
    return [save_holiday(session, day, name, department, actor=actor) for department in chosen]


def holiday_payload(row: HolidayRow) -> dict[str, Any]:
    return {"day": row.day.isoformat(), "name": row.name, "department": row.department,
            "department_id": str(department_uuid(row.department)) if row.department else None}


def delete_holiday(session: Session, holiday_id: uuid.UUID, *, actor: str) -> None:
    row = session.get(HolidayRow, holiday_id)
    if row is None:
        raise NotFound(f"no holiday {holiday_id}", "no_holiday")
    audit.record(session, actor, "holiday.delete", "holiday", holiday_id, holiday_payload(row))
    session.delete(row)
    feed.publish(session, FeedEntity.HOLIDAY, FeedOp.DELETE, holiday_id)


def list_holidays(session: Session) -> list[HolidayRow]:
    return list(session.scalars(select(HolidayRow).order_by(HolidayRow.day.desc())))


def list_leaves(session: Session) -> list[LeaveRow]:
    return list(session.scalars(select(LeaveRow).order_by(LeaveRow.start.desc())))


# -- the domain schedule ------------------------------------------------------------------

def load_schedule(session: Session) -> attendance.Schedule:
    """Everything stored, as the domain core's ``Schedule`` in the site's zone."""
    types = [_domain_shift_type(row) for row in list_shift_types(session)]
    assignments = [attendance.ShiftAssignment(
        id=row.id, shift_type_id=row.shift_type_id, start=row.start, end=row.end,
        person_id=row.person_id,
        department_id=department_uuid(row.department) if row.department else None)
        for row in list_assignments(session)]
    holidays = [attendance.Holiday(row.day, row.name, department_uuid(row.department)
                                   if row.department else None)
                for row in list_holidays(session)]
    leaves = [attendance.Leave(row.person_id, row.start, row.end) for row in list_leaves(session)]
    return attendance.Schedule(types, assignments, holidays, SITE_ZONE, leaves)


def _domain_shift_type(row: ShiftTypeRow) -> attendance.ShiftType:
    return attendance.ShiftType(
        id=row.id, name=row.name, start=parse_hhmm(row.start), end=parse_hhmm(row.end),
        checkin_window_min=row.checkin_window_min,
        checkout_window_min=row.checkout_window_min, late_grace_min=row.late_grace_min,
        early_exit_grace_min=row.early_exit_grace_min, half_day_below_h=row.half_day_below_h,
        absent_below_h=row.absent_below_h,
        working_days=frozenset(int(d) for d in row.working_days.split(",") if d))


def feed_snapshot(session: Session) -> list[tuple[FeedEntity, uuid.UUID, dict[str, Any]]]:
    """Every schedule entity as (entity, id, data): what a kiosk needs to build its
    ``attendance.Schedule`` from scratch (e.g. to re-publish after a feed reset)."""
    result = [(FeedEntity.SHIFT_TYPE, r.id, shift_type_payload(r))
              for r in list_shift_types(session)]
    result += [(FeedEntity.SHIFT_ASSIGNMENT, r.id, assignment_payload(r))
               for r in list_assignments(session)]
    result += [(FeedEntity.HOLIDAY, r.id, holiday_payload(r)) for r in list_holidays(session)]
    return result
