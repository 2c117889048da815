"""The shift calendar: who is planned on which shift each day of a month, past or future.

Read from the schedule rules exactly as the reports resolve them: ``attendance.day_context``
decides a person's shift, holiday, leave and rest day for a date, and
``attendance.nothing_expected`` orders them (holiday, then leave, then the shift), so the
calendar never plans a day the reports would count differently. Whole departments are
grouped into pages of about ``PAGE_PEOPLE`` people (a bigger department is a page alone).
"""

from __future__ import annotations

import enum
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

import attendance
from sync_server.db.leave_models import LeaveTypeRow
from sync_server.db.models import Person
from sync_server.db.web_models import LeaveRow
from sync_server.service import reports, schedules
from sync_server.service.timesheet_grid import SYMBOLS

PAGE_PEOPLE = 150  # rows per page when everyone is shown
COLOURS = 10  # shift colours cal-c0 .. cal-c9 in static/calendar.css, by shift name order


class PlanKind(enum.Enum):
    SHIFT = "shift"  # the shift is expected
    DAY_OFF = "day_off"  # a shift is assigned but does not work on this weekday
    HOLIDAY = "holiday"
    LEAVE = "leave"  # approved leave
    NONE = "none"  # no shift assigned at all


# The letters of the days without a shift, as the timesheet grid marks them.
PLAN_SYMBOLS = {PlanKind.DAY_OFF: SYMBOLS[attendance.DayStatus.NO_SHIFT],
                PlanKind.HOLIDAY: SYMBOLS[attendance.DayStatus.HOLIDAY],
                PlanKind.LEAVE: SYMBOLS[attendance.DayStatus.ON_LEAVE], PlanKind.NONE: ""}


@dataclass(frozen=True)
class ShiftKey:
    """How a shift type is drawn: a short name unique on the page and a colour."""

    id: uuid.UUID
    short: str
    name: str
    start: str  # "HH:MM", local
    end: str
    colour: str  # CSS class (the page's policy allows no inline styles)
    night: bool  # ends the next day


@dataclass(frozen=True)
class PlannedDay:
    day: date
    kind: PlanKind
    shift: ShiftKey | None = None  # SHIFT: the shift worked
    note: str = ""  # HOLIDAY: its name
    leave_type: uuid.UUID | None = None  # LEAVE: its type, when recorded


@dataclass
class CalendarRow:
    person: Person
    days: list[PlannedDay]


@dataclass
class DepartmentCalendar:
    department: str  # "" for people without a department
    rows: list[CalendarRow] = field(default_factory=list)


@dataclass
class CalendarPage:
    first: date
    last: date
    departments: list[DepartmentCalendar]
    shifts: list[ShiftKey]
    leave_types: dict[uuid.UUID, LeaveTypeRow]
    page: int  # 1-based
    pages: int

    @property
    def dates(self) -> list[date]:
        return attendance.days_between(self.first, self.last)


def department_pages(people: Sequence[Person]) -> list[list[str]]:
    """Department names (sorted) grouped into pages of at most ``PAGE_PEOPLE`` people."""
    sizes: dict[str, int] = defaultdict(int)
    for person in people:
        sizes[person.department or ""] += 1
    pages: list[list[str]] = []
    filled = PAGE_PEOPLE
    for name in sorted(sizes):
        if filled + sizes[name] > PAGE_PEOPLE:
            pages.append([])
            filled = 0
        pages[-1].append(name)
        filled += sizes[name]
    return pages


def month_calendar(session: Session, people: Sequence[Person], first: date, last: date,
                   page: int = 1) -> CalendarPage:
    """Page ``page`` (clipped to the pages there are) of the plan of ``people`` over
    [first, last]."""
    pages = department_pages(people) or [[]]
    page = min(max(page, 1), len(pages))
    shown = set(pages[page - 1])
    schedule = schedules.load_schedule(session)
    keys = shift_keys(schedule.shift_types.values())
    members: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        if (person.department or "") in shown:
            members[person.department or ""].append(person)
    leave_of = _leave_types_of(session, [p.id for ps in members.values() for p in ps],
                               first, last)
    calendars = []
    for name in sorted(members):
        narrowed = reports.narrowed_schedule(schedule, name or None,
                                             {p.id for p in members[name]})
        calendar = DepartmentCalendar(name)
        for person in members[name]:
            domain = reports.to_domain_person(person)
            calendar.rows.append(CalendarRow(person, [
                _planned(narrowed, domain, day, keys, leave_of)
                for day in attendance.days_between(first, last)]))
        calendars.append(calendar)
    types = {row.id: row for row in session.scalars(select(LeaveTypeRow))}
    return CalendarPage(first, last, calendars, sorted(keys.values(), key=lambda k: k.name),
                        types, page, len(pages))


def _planned(schedule: attendance.Schedule, person: attendance.Person, day: date,
             keys: dict[uuid.UUID, ShiftKey],
             leave_of: dict[tuple[uuid.UUID, date], uuid.UUID | None]) -> PlannedDay:
    context = attendance.day_context(schedule, person, day)
    status = attendance.nothing_expected(context)
    if status is attendance.DayStatus.HOLIDAY:
        holiday = schedule.holiday(person, day)
        return PlannedDay(day, PlanKind.HOLIDAY, note=holiday.name if holiday else "")
    if status is attendance.DayStatus.ON_LEAVE:
        return PlannedDay(day, PlanKind.LEAVE, leave_type=leave_of.get((person.id, day)))
    if context.shift is not None:
        return PlannedDay(day, PlanKind.SHIFT, keys[context.shift.shift.id])
    return PlannedDay(day, PlanKind.DAY_OFF if context.rest_day else PlanKind.NONE)


def shift_keys(types: Iterable[attendance.ShiftType]) -> dict[uuid.UUID, ShiftKey]:
    """Each shift type's short name (its initials, numbered when two share them) and colour,
    in the order of their names."""
    ordered = sorted(types, key=lambda s: (s.name, str(s.id)))
    keys: dict[uuid.UUID, ShiftKey] = {}
    used: set[str] = set()
    for index, shift in enumerate(ordered):
        initials = "".join(word[0] for word in shift.name.split() if word[:1].isalnum())
        short = (initials or "?")[:3].upper()
        number = 2
        while short in used:
            short = f"{(initials or '?')[:2].upper()}{number}"
            number += 1
        used.add(short)
        keys[shift.id] = ShiftKey(shift.id, short, shift.name, shift.start.strftime("%H:%M"),
                                  shift.end.strftime("%H:%M"), f"cal-c{index % COLOURS}",
                                  shift.crosses_midnight)
    return keys


def _leave_types_of(session: Session, person_ids: list[uuid.UUID], first: date,
                    last: date) -> dict[tuple[uuid.UUID, date], uuid.UUID | None]:
    """The leave type of each (person, day) of approved leave in [first, last]."""
    found: dict[tuple[uuid.UUID, date], uuid.UUID | None] = {}
    if not person_ids:
        return found
    rows = session.execute(select(LeaveRow.person_id, LeaveRow.start, LeaveRow.end,
                                  LeaveRow.leave_type_id).where(
        LeaveRow.person_id.in_(person_ids), LeaveRow.start <= last, LeaveRow.end >= first))
    for person_id, start, end, type_id in rows:
        for day in attendance.days_between(max(start, first), min(end, last)):
            found[(person_id, day)] = type_id
    return found
