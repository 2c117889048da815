"""Which shift applies to a person on a date, and when that shift happens in UTC.

Rules
- A person's own assignment beats their department's. Among assignments of the same kind
  that cover the date, the one that starts latest wins (a narrower, newer arrangement
  overrides a standing one); on equal starts, the later one in the list wins.
- A shift is worked on its ``working_days`` only; on other days, and on holidays, there is
  no shift (the day is NO_SHIFT or HOLIDAY, never ABSENT).
- A night shift's attendance date is the date it starts (22:00 on the 1st to 06:00 on the
  2nd belongs to the 1st).
- Local times become instants in the site's zone. A local time that does not exist (the
  spring-forward gap, e.g. 02:30 in Europe/Berlin on the last Sunday of March) is read with
  the offset in force before the jump, so it lands one hour later in summer time (03:30);
  an ambiguous local time (the fall-back hour) is its first occurrence (summer time). Worked
  time is always measured between UTC instants, so a night across a DST change counts the
  hours actually worked (7 or 9, not 8).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from attendance.model import Holiday, Leave, Person, ShiftAssignment, ShiftType


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of local wall time ``at`` on ``day`` in ``zone`` (see module rules)."""
    wall = datetime.combine(day, at, tzinfo=zone)  # fold=0: first occurrence / pre-gap offset
    return wall.astimezone(UTC)


@dataclass(frozen=True)
class ShiftOccurrence:
    """One shift on one attendance date, as UTC instants."""

    shift: ShiftType
    day: date  # the attendance date: the local date the shift starts
    start: datetime
    end: datetime

    @property
    def window_open(self) -> datetime:
        """From here a punch counts toward this shift (check-in window before the start)."""
        return self.start - timedelta(minutes=self.shift.checkin_window_min)

    @property
    def window_close(self) -> datetime:
        """After this a punch no longer counts (check-out window after the end)."""
        return self.end + timedelta(minutes=self.shift.checkout_window_min)

    def contains(self, instant: datetime) -> bool:
        return self.window_open <= instant <= self.window_close

    def distance(self, instant: datetime) -> timedelta:
        """How far ``instant`` lies outside [start, end] (zero inside)."""
        if instant < self.start:
            return self.start - instant
        if instant > self.end:
            return instant - self.end
        return timedelta(0)


def occurrence(shift: ShiftType, day: date, zone: ZoneInfo) -> ShiftOccurrence:
    """``shift`` on attendance date ``day`` (its end on the next day if it crosses midnight)."""
    end_day = day + timedelta(days=1) if shift.crosses_midnight else day
    return ShiftOccurrence(shift, day, local_instant(day, shift.start, zone),
                           local_instant(end_day, shift.end, zone))


class Schedule:
    """Shift types, assignments and holidays of a site, in the site's zone.

    Immutable once built; it memoises shift look-ups per (person, date), so build one per
    report or per kiosk schedule update, not one for the life of a process.
    """

    def __init__(self, shift_types: Iterable[ShiftType], assignments: Sequence[ShiftAssignment],
                 holidays: Iterable[Holiday] = (), zone: str = "Asia/Ho_Chi_Minh",
                 leaves: Iterable[Leave] = ()) -> None:
        self.shift_types = {s.id: s for s in shift_types}
        self.assignments = list(assignments)
        self.holidays = list(holidays)
        self.leaves = list(leaves)
        self.zone = ZoneInfo(zone)
        unknown = {a.shift_type_id for a in self.assignments} - set(self.shift_types)
        if unknown:
            raise ValueError(f"assignments name unknown shift types: {sorted(map(str, unknown))}")
        # Indexes: a month's report for thousands of people asks these per person-day.
        self._by_owner: dict[uuid.UUID | None, list[ShiftAssignment]] = defaultdict(list)
        for assignment in self.assignments:
            self._by_owner[assignment.person_id or assignment.department_id].append(assignment)
        self._holidays_by_day: dict[date, list[Holiday]] = defaultdict(list)
        for holiday in self.holidays:
            self._holidays_by_day[holiday.day].append(holiday)
        self._occurrences: dict[tuple[uuid.UUID, date], ShiftOccurrence] = {}
        self._assigned: dict[tuple[uuid.UUID, uuid.UUID | None, date], ShiftType | None] = {}

    def holiday(self, person: Person, day: date) -> Holiday | None:
        for holiday in self._holidays_by_day.get(day, ()):
            if holiday.department_id in (None, person.department_id):
                return holiday
        return None

    def on_leave(self, person: Person, day: date) -> bool:
        return any(leave.person_id == person.id and leave.covers(day) for leave in self.leaves)

    def assigned_shift(self, person: Person, day: date) -> ShiftType | None:
        """The shift type assigned for ``day`` (holidays and working days not considered)."""
        key = (person.id, person.department_id, day)
        if key not in self._assigned:
            own = self._by_owner.get(person.id, [])
            team = self._by_owner.get(person.department_id, []) if person.department_id else []
            self._assigned[key] = resolve_shift(person, day, own + team, self.shift_types)
        return self._assigned[key]

    def _occurrence(self, shift: ShiftType, day: date) -> ShiftOccurrence:
        key = (shift.id, day)
        found = self._occurrences.get(key)
        if found is None:
            found = self._occurrences[key] = occurrence(shift, day, self.zone)
        return found

    def occurrence_on(self, person: Person, day: date) -> ShiftOccurrence | None:
        """The shift ``person`` is expected to work on ``day``: None on days off and holidays."""
        shift = self.assigned_shift(person, day)
        if shift is None or day.weekday() not in shift.working_days:
            return None
        if self.holiday(person, day) is not None:
            return None
        return self._occurrence(shift, day)

    def occurrence_for_instant(self, person: Person, instant: datetime) -> ShiftOccurrence | None:
        """The expected shift a punch at ``instant`` belongs to, or None outside every window.

        The shifts of the local day before, the day of and the day after are candidates; of
        those whose window contains the instant, the nearest to [start, end] wins.
        """
        return self._nearest(instant, self._around(person, instant, self.occurrence_on))

    def attendance_date(self, person: Person, instant: datetime) -> date:
        """The date a punch counts on: its expected shift's, else the shift it would be in
        were the day not a holiday or day off (so a night worked on a holiday stays one
        night), else its local date."""
        found = self.occurrence_for_instant(person, instant) or self._nearest(
            instant, self._around(person, instant, self._nominal_occurrence))
        return found.day if found is not None else self.local_date(instant)

    def _nominal_occurrence(self, person: Person, day: date) -> ShiftOccurrence | None:
        shift = self.assigned_shift(person, day)
        return None if shift is None else self._occurrence(shift, day)

    def _around(self, person: Person, instant: datetime,
                lookup: Callable[[Person, date], ShiftOccurrence | None]
                ) -> list[ShiftOccurrence]:
        local_day = self.local_date(instant)
        found = (lookup(person, local_day + timedelta(days=offset)) for offset in (-1, 0, 1))
        return [o for o in found if o is not None and o.contains(instant)]

    @staticmethod
    def _nearest(instant: datetime,
                 candidates: list[ShiftOccurrence]) -> ShiftOccurrence | None:
        if not candidates:
            return None
        return min(candidates, key=lambda o: (o.distance(instant), o.day))

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()


def resolve_shift(person: Person, day: date, assignments: Sequence[ShiftAssignment],
                  shift_types: dict[uuid.UUID, ShiftType]) -> ShiftType | None:
    """The shift type for ``person`` on ``day`` by the module's precedence rules, or None."""
    own = [a for a in assignments if a.person_id == person.id and a.covers(day)]
    team = [a for a in assignments
            if a.department_id is not None and a.department_id == person.department_id
            and a.covers(day)]
    for group in (own, team):
        if group:
            best = max(enumerate(group), key=lambda pair: (pair[1].start, pair[0]))[1]
            return shift_types[best.shift_type_id]
    return None
