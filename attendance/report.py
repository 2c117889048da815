"""Reports over date ranges: each person's days, then totals per person and per department.

``build_day_summaries`` is what the server calls: it assigns every punch to the shift it
belongs to (night shifts to the date they start), then summarises each (person, date).
``summarize_range`` adds the days up. Minutes are whole minutes; averages are per late day.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import TypeVar

from attendance.model import Correction, CorrectionKind, Person, Punch
from attendance.overtime import DEFAULT_OVERTIME_AFTER_MIN
from attendance.shifts import Schedule
from attendance.summary import DayContext, DayStatus, DaySummary, summarize_day
from attendance.verdict import DEFAULT_COOLDOWN_S


def days_between(first: date, last: date) -> list[date]:
    """Every date from ``first`` to ``last`` inclusive."""
    if last < first:
        raise ValueError(f"the range ends ({last}) before it starts ({first})")
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def build_day_summaries(people: Sequence[Person], first: date, last: date, schedule: Schedule,
                        punches: Iterable[Punch], corrections: Sequence[Correction] = (),
                        watermark: datetime | None = None, now: datetime | None = None,
                        cooldown_s: int = DEFAULT_COOLDOWN_S,
                        overtime_after_min: int = DEFAULT_OVERTIME_AFTER_MIN
                        ) -> list[DaySummary]:
    """One summary per person per date in [first, last], punches assigned to their shifts.

    A punch outside every shift window counts on its local date (shown on NO_SHIFT days,
    ignored on days with a shift it does not belong to). ``overtime_after_min`` is the site's
    overtime threshold in minutes (see ``overtime.py``).
    """
    by_person: dict[uuid.UUID, list[Punch]] = defaultdict(list)
    for punch in punches:
        by_person[punch.person_id].append(punch)
    result = []
    for person in people:
        own_corrections = [c for c in corrections if c.person_id == person.id]
        punch_days = _bucket(person, by_person.get(person.id, []), schedule,
                             lambda p: p.captured_at)
        added_days = _bucket(person, [c for c in own_corrections
                                      if c.kind is CorrectionKind.ADD_PUNCH], schedule,
                             lambda c: c.instant)
        voids = [c for c in own_corrections if c.kind is CorrectionKind.VOID_PUNCH]
        for day in days_between(first, last):
            context = day_context(schedule, person, day, watermark, now, overtime_after_min)
            day_corrections = voids + added_days.get(day, []) + [
                c for c in own_corrections
                if c.kind is CorrectionKind.EXCUSE_LATE and c.day == day]
            result.append(summarize_day(context, punch_days.get(day, []), day_corrections,
                                        cooldown_s))
    return result


def day_context(schedule: Schedule, person: Person, day: date,
                watermark: datetime | None = None, now: datetime | None = None,
                overtime_after_min: int = DEFAULT_OVERTIME_AFTER_MIN) -> DayContext:
    """What ``schedule`` expects of ``person`` on ``day`` (shift, holiday, leave, rest day)."""
    return DayContext(person.id, day, schedule.occurrence_on(person, day),
                      holiday=schedule.holiday(person, day) is not None,
                      on_leave=schedule.on_leave(person, day), watermark=watermark, now=now,
                      rest_day=_is_rest_day(schedule, person, day),
                      overtime_after_min=overtime_after_min)


def _is_rest_day(schedule: Schedule, person: Person, day: date) -> bool:
    """A shift is assigned for ``day`` but does not work on its weekday."""
    shift = schedule.assigned_shift(person, day)
    return shift is not None and day.weekday() not in shift.working_days


T = TypeVar("T")


def _bucket(person: Person, items: Iterable[T], schedule: Schedule,
            instant_of: Callable[[T], datetime | None]) -> dict[date, list[T]]:
    """Items by attendance date: the shift their instant belongs to, else the local date."""
    buckets: dict[date, list[T]] = defaultdict(list)
    for item in items:
        instant = instant_of(item)
        if instant is None:
            continue
        buckets[schedule.attendance_date(person, instant)].append(item)
    return buckets


@dataclass(frozen=True)
class Totals:
    """Totals over a range for one person or one department."""

    days_expected: int = 0  # days with a shift (not holiday, leave or day off)
    days_worked: int = 0  # PRESENT, LATE, HALF_DAY or FORGOTTEN_CHECKOUT
    late_entries: int = 0
    late_minutes_total: int = 0
    early_exits: int = 0
    early_exit_minutes_total: int = 0
    absences: int = 0
    half_days: int = 0
    forgotten_checkouts: int = 0
    pending_days: int = 0
    worked_minutes_total: int = 0
    overtime_minutes_total: int = 0
    holiday_work_minutes_total: int = 0
    rest_day_work_minutes_total: int = 0

    @property
    def late_minutes_average(self) -> float:
        """Average minutes late per late entry (0.0 without late entries)."""
        return self.late_minutes_total / self.late_entries if self.late_entries else 0.0


WORKED = {DayStatus.PRESENT, DayStatus.LATE, DayStatus.HALF_DAY, DayStatus.FORGOTTEN_CHECKOUT}
NOT_EXPECTED = {DayStatus.HOLIDAY, DayStatus.ON_LEAVE, DayStatus.NO_SHIFT}


def add_day(totals: Totals, day: DaySummary) -> Totals:
    """``totals`` with one more day counted."""
    late = day.late_minutes > 0
    early = day.early_exit_minutes > 0
    return Totals(
        days_expected=totals.days_expected + (day.status not in NOT_EXPECTED),
        days_worked=totals.days_worked + (day.status in WORKED),
        late_entries=totals.late_entries + late,
        late_minutes_total=totals.late_minutes_total + day.late_minutes,
        early_exits=totals.early_exits + early,
        early_exit_minutes_total=totals.early_exit_minutes_total + day.early_exit_minutes,
        absences=totals.absences + (day.status is DayStatus.ABSENT),
        half_days=totals.half_days + (day.status is DayStatus.HALF_DAY),
        forgotten_checkouts=totals.forgotten_checkouts
        + (day.status is DayStatus.FORGOTTEN_CHECKOUT),
        pending_days=totals.pending_days + (day.status is DayStatus.PENDING),
        worked_minutes_total=totals.worked_minutes_total + (day.worked_minutes or 0),
        overtime_minutes_total=totals.overtime_minutes_total + day.overtime_minutes,
        holiday_work_minutes_total=totals.holiday_work_minutes_total + day.holiday_work_minutes,
        rest_day_work_minutes_total=totals.rest_day_work_minutes_total
        + day.rest_day_work_minutes,
    )


@dataclass(frozen=True)
class RangeReport:
    by_person: dict[uuid.UUID, Totals]
    by_department: dict[uuid.UUID | None, Totals]  # None: people without a department
    overall: Totals


def summarize_range(people: Sequence[Person], days: Iterable[DaySummary]) -> RangeReport:
    """Totals per person, per department and overall from day summaries (each equal to
    adding the days one by one with ``add_day``, counted in plain lists for speed: a
    ministry's month is 150,000 days)."""
    department_of = {p.id: p.department_id for p in people}
    by_person = {p.id: [0] * _FIELDS for p in people}
    by_department = {d: [0] * _FIELDS for d in department_of.values()}
    overall = [0] * _FIELDS
    for day in days:
        tally = by_person.get(day.person_id)
        if tally is None:
            continue
        counts = _counts(day)
        for target in (tally, by_department[department_of[day.person_id]], overall):
            for index, value in enumerate(counts):
                target[index] += value
    return RangeReport({k: Totals(*v) for k, v in by_person.items()},
                       {k: Totals(*v) for k, v in by_department.items()}, Totals(*overall))


_FIELDS = len(fields(Totals))


def combine_totals(people: Sequence[Person], by_person: Mapping[uuid.UUID, Totals]
                   ) -> RangeReport:
    """The report ``summarize_range`` makes, from each person's totals already added up
    (a person missing from ``by_person`` counts zeros)."""
    names = [f.name for f in fields(Totals)]
    department_of = {p.id: p.department_id for p in people}
    own = {p.id: by_person.get(p.id, Totals()) for p in people}
    by_department = {d: [0] * _FIELDS for d in department_of.values()}
    overall = [0] * _FIELDS
    for person_id, totals in own.items():
        values = [getattr(totals, name) for name in names]
        for target in (by_department[department_of[person_id]], overall):
            for index, value in enumerate(values):
                target[index] += value
    return RangeReport(own, {k: Totals(*v) for k, v in by_department.items()},
                       Totals(*overall))


def _counts(day: DaySummary) -> tuple[int, ...]:
    """What one day adds to each field of ``Totals``, in field order (see ``add_day``)."""
    status = day.status
    return (status not in NOT_EXPECTED, status in WORKED, day.late_minutes > 0,
            day.late_minutes, day.early_exit_minutes > 0, day.early_exit_minutes,
            status is DayStatus.ABSENT, status is DayStatus.HALF_DAY,
            status is DayStatus.FORGOTTEN_CHECKOUT, status is DayStatus.PENDING,
            day.worked_minutes or 0, day.overtime_minutes, day.holiday_work_minutes,
            day.rest_day_work_minutes)
