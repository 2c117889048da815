"""Leave balances HR and leaders read: people x active leave types for a chosen year, and the
balance a pending leave request would draw on.

Every figure is :func:`sync_server.service.leave_types.balances` (working days): a past year
is counted as of 31 December, the current one as of today, a future one as of 1 January.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

import attendance
from sync_server.db.leave_models import LeaveRequestRow, LeaveTypeRow
from sync_server.db.models import Person
from sync_server.service import leave_types, reports, schedules


@dataclass(frozen=True)
class PersonBalances:
    """One person's balance of each active leave type (by type id) for the year."""

    person: Person
    by_type: dict[uuid.UUID, leave_types.TypeBalance]


@dataclass(frozen=True)
class RequestBalance:
    """What a pending leave request draws on (working days): ``left`` of its type in
    ``year`` before it, ``days`` it asks in that year, ``left_after`` it is approved."""

    year: int
    left: float
    days: float

    @property
    def left_after(self) -> float:
        return round(self.left - self.days, 2)


def as_of(year: int, today: date) -> date:
    """The day a year's balance is counted to (``today`` in the site's zone)."""
    if year < today.year:
        return date(year, 12, 31)
    return today if year == today.year else date(year, 1, 1)


def table(session: Session, people: list[Person], year: int, today: date
          ) -> list[PersonBalances]:
    """Each of ``people``'s balances for ``year``, in the order given."""
    day = as_of(year, today)
    schedule = schedules.load_schedule(session)
    kinds = leave_types.list_types(session, active_only=True)
    return [PersonBalances(person, {b.leave_type.id: b for b in leave_types.balances(
        session, person.id, day, schedule=schedule, kinds=kinds)}) for person in people]


def for_request(session: Session, row: LeaveRequestRow) -> RequestBalance | None:
    """The balance a pending leave request of a counted type draws on, in the year it
    starts (counted as of its last day in that year, as approving it checks); None for a
    correction request or a type not counted."""
    if row.kind != "leave" or row.leave_type_id is None or not row.start or not row.end:
        return None
    kind = session.get(LeaveTypeRow, row.leave_type_id)
    if kind is None or not kind.counted:
        return None
    year = row.start.year
    person = session.get(Person, row.person_id)
    if person is None:
        return None
    schedule = schedules.load_schedule(session)
    days = attendance.working_days_by_year(schedule, reports.to_domain_person(person),
                                           row.start, row.end).get(year, 0)
    day = row.end if row.end.year == year else date(year, 12, 31)
    found = next((b.balance for b in leave_types.balances(session, row.person_id, day,
                                                            schedule=schedule)
                  if b.leave_type.id == kind.id), None)
    if found is None:
        return None
    return RequestBalance(year, found.available, float(days))
