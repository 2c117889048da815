"""Leave types HR configures (annual, sick, unpaid, business trip, ...) and each person's
yearly balance of them.

A type's accrual rules are those of ``attendance.LeavePolicy`` (days a year, monthly accrual
or all on 1 January, carry-over cap, counted or not). The balance counts approved leave of
the type in working days against the person's schedule and holidays
(``attendance.working_days_by_year``); carry-over follows the years since the person's
joining date (``Person.joined_on``; when not known, since the record was created), at most
:data:`CARRY_YEARS` back. A person earns from the month they joined; one whose joining date
is not known earns the whole year from January.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

import attendance
from sync_server.clock import utc_now
from sync_server.db.leave_models import LeaveRequestRow, LeaveTypeRow
from sync_server.db.models import Person
from sync_server.db.web_models import LeaveRow
from sync_server.errors import BadRequest, Conflict, NotFound
from sync_server.service import audit, reports, schedules

CARRY_YEARS = 5
MAX_DAYS_PER_YEAR = 366.0


@dataclass(frozen=True)
class LeaveTypeIn:
    """A leave type as HR enters it (days are working days)."""

    code: str
    name_vi: str
    name_en: str
    days_per_year: float = 0.0
    monthly_accrual: bool = True
    carry_over_cap_days: float = 0.0
    counted: bool = False
    active: bool = True


def list_types(session: Session, active_only: bool = False) -> list[LeaveTypeRow]:
    query = select(LeaveTypeRow).order_by(LeaveTypeRow.code)
    if active_only:
        query = query.where(LeaveTypeRow.active.is_(True))
    return list(session.scalars(query))


def get_type(session: Session, type_id: uuid.UUID) -> LeaveTypeRow:
    row = session.get(LeaveTypeRow, type_id)
    if row is None:
        raise NotFound(f"no leave type {type_id}", "no_leave_type", "leave_type_id")
    return row


def _check(spec: LeaveTypeIn) -> None:
    code = spec.code.strip().replace("_", "")
    if not code or not code.isascii() or not code.isalnum():
        raise BadRequest("a leave type code is letters, digits and _", "leave_type_code",
                         "code")
    if not spec.name_vi.strip() or not spec.name_en.strip():
        raise BadRequest("a leave type needs a name in both languages", "name_needed",
                         "name_vi")
    for field, value in (("days_per_year", spec.days_per_year),
                         ("carry_over_cap_days", spec.carry_over_cap_days)):
        if not 0 <= value <= MAX_DAYS_PER_YEAR:
            raise BadRequest(f"{field} is between 0 and {MAX_DAYS_PER_YEAR:g}",
                             "leave_type_days", field, days=int(MAX_DAYS_PER_YEAR))


def save_type(session: Session, spec: LeaveTypeIn, type_id: uuid.UUID | None = None, *,
              actor: str) -> LeaveTypeRow:
    """Create (``type_id`` None) or change a leave type; audited ("leave_type.save")."""
    _check(spec)
    code = spec.code.strip().lower()
    clash = session.scalars(select(LeaveTypeRow).where(LeaveTypeRow.code == code)).first()
    if clash is not None and clash.id != type_id:
        raise Conflict(f"leave type {code!r} exists", "leave_type_exists", "code", name=code)
    row = get_type(session, type_id) if type_id else LeaveTypeRow(id=uuid.uuid4())
    values = {**asdict(spec), "code": code, "name_vi": spec.name_vi.strip(),
              "name_en": spec.name_en.strip()}
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = utc_now()
    session.add(row)
    session.flush()
    audit.record(session, actor, "leave_type.save", "leave_type", row.id,
                 {**values, "name": row.name_vi})
    return row


def policy(row: LeaveTypeRow) -> attendance.LeavePolicy:
    return attendance.LeavePolicy(row.days_per_year, row.monthly_accrual,
                                  row.carry_over_cap_days, row.counted)


def name_of(row: LeaveTypeRow | None, language: str) -> str:
    if row is None:
        return ""
    return row.name_vi if language == "vi" else row.name_en


PENDING = "pending"  # a request's status awaiting a decision (service.leave_requests)


@dataclass(frozen=True)
class TypeBalance:
    """A leave type's balance; ``pending``: working days of the person's requests of the
    type in the balance's year that await a decision (not yet in ``balance.taken``)."""

    leave_type: LeaveTypeRow
    balance: attendance.LeaveBalance
    pending: float = 0.0


def taken_by_year(session: Session, person: Person, type_id: uuid.UUID,
                  schedule: attendance.Schedule) -> dict[int, float]:
    """Working days of this person's recorded leave of this type, per calendar year."""
    domain = reports.to_domain_person(person)
    taken: dict[int, float] = {}
    for row in session.scalars(select(LeaveRow).where(LeaveRow.person_id == person.id,
                                                      LeaveRow.leave_type_id == type_id)):
        for year, days in attendance.working_days_by_year(schedule, domain, row.start,
                                                          row.end).items():
            taken[year] = taken.get(year, 0.0) + days
    return taken


def pending_by_type(session: Session, person: Person, year: int,
                    schedule: attendance.Schedule) -> dict[uuid.UUID, float]:
    """Working days in ``year`` of the person's pending leave requests, per leave type."""
    domain = reports.to_domain_person(person)
    found: dict[uuid.UUID, float] = {}
    for row in session.scalars(select(LeaveRequestRow).where(
            LeaveRequestRow.person_id == person.id, LeaveRequestRow.kind == "leave",
            LeaveRequestRow.status == PENDING, LeaveRequestRow.leave_type_id.is_not(None))):
        if row.start and row.end and row.leave_type_id:
            days = attendance.working_days_by_year(schedule, domain, row.start, row.end)
            found[row.leave_type_id] = found.get(row.leave_type_id, 0.0) + days.get(year, 0)
    return found


def balances(session: Session, person_id: uuid.UUID, as_of: date) -> list[TypeBalance]:
    """The person's balance of every active leave type for the year of ``as_of``."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}", "no_person", "person_id")
    schedule = schedules.load_schedule(session)
    since = person.joined_on.year if person.joined_on else \
        person.created_at.astimezone(ZoneInfo(schedules.SITE_ZONE)).year
    first = max(since, as_of.year - CARRY_YEARS)
    pending = pending_by_type(session, person, as_of.year, schedule)
    return [TypeBalance(row, attendance.balance(
        policy(row), as_of.year, as_of, taken_by_year(session, person, row.id, schedule),
        joined=person.joined_on, first_year=min(first, as_of.year)),
        pending.get(row.id, 0.0)) for row in list_types(session, active_only=True)]
