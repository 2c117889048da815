"""Leave balances: what a person has earned, carried over and taken of one leave type in a year.

Rules (days are leave days: days on which the person's schedule has a shift)
- A counted leave type earns ``days_per_year`` per calendar year. With monthly accrual a
  twelfth is earned at the start of each month (by 15 March: three twelfths); without it the
  whole year's days are there on 1 January.
- Someone who joined during the year earns only from the month they joined (monthly accrual
  or not: a pro-rata share of the months left, counting the month joined).
- Days left unused at the end of a year carry into the next, at most
  ``carry_over_cap_days`` (0: nothing carries). A year overdrawn (more taken than earned)
  carries nothing, and its debt is not taken from the next year.
- Leave is counted in working days: days off and holidays inside a leave do not use the
  balance (``working_days``). A leave that crosses New Year counts in each year for its own
  days (``working_days_by_year``).
- A type that is not counted (sick, unpaid, business trip) has no balance: the person may
  take it whenever the leader approves, and ``balance`` reports what was taken only.

Figures are floats rounded to 2 decimals (a twelfth of 12 days is 1 day; of 14 it is 1.17).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from attendance.model import Person
from attendance.shifts import Schedule

MONTHS = 12


@dataclass(frozen=True)
class LeavePolicy:
    """How one leave type is earned: days per calendar year, accrued monthly or granted on
    1 January, at most how many unused days carry into the next year, and whether the type
    uses a balance at all."""

    days_per_year: float
    monthly_accrual: bool = True
    carry_over_cap_days: float = 0.0
    counted: bool = True

    def __post_init__(self) -> None:
        if self.days_per_year < 0 or self.carry_over_cap_days < 0:
            raise ValueError("leave days per year and carry-over cap are >= 0")


@dataclass(frozen=True)
class LeaveBalance:
    """One person's balance of one leave type for one year, as of a day (days)."""

    year: int
    earned: float
    carried: float
    taken: float

    @property
    def available(self) -> float:
        """Earned plus carried minus taken (negative when overdrawn)."""
        return round(self.earned + self.carried - self.taken, 2)


def _months_in_year(year: int, as_of: date, joined: date | None) -> int:
    """Months of ``year`` begun by ``as_of`` (12 when ``as_of`` is a later year), counted
    from the month joined; 0 before the person joined or before the year."""
    if as_of.year < year or (joined is not None and joined.year > year):
        return 0
    last = MONTHS if as_of.year > year else as_of.month
    first = joined.month if joined is not None and joined.year == year else 1
    if joined is not None and joined > as_of:
        return 0
    return max(0, last - first + 1)


def earned_days(policy: LeavePolicy, year: int, as_of: date, joined: date | None = None) -> float:
    """Days of ``year`` earned by ``as_of`` (see the module's rules)."""
    if not policy.counted:
        return 0.0
    if policy.monthly_accrual:
        months = _months_in_year(year, as_of, joined)
    else:
        whole = _months_in_year(year, date(year, 12, 31), joined)
        months = whole if _months_in_year(year, as_of, joined) > 0 else 0
    return round(policy.days_per_year * months / MONTHS, 2)


def balance(policy: LeavePolicy, year: int, as_of: date, taken: Mapping[int, float],
            joined: date | None = None, first_year: int | None = None) -> LeaveBalance:
    """The balance of ``year`` as of ``as_of``. ``taken`` maps a year to the leave days
    taken in it; carry-over is followed from ``first_year`` (default: the year joined, else
    ``year`` itself: nothing carried)."""
    start = first_year if first_year is not None else joined.year if joined else year
    carried = 0.0
    for earlier in range(min(start, year), year):
        year_end = date(earlier, 12, 31)
        left = (earned_days(policy, earlier, year_end, joined) + carried
                - taken.get(earlier, 0.0))
        carried = round(min(max(left, 0.0), policy.carry_over_cap_days), 2)
    if not policy.counted:
        carried = 0.0
    return LeaveBalance(year, earned_days(policy, year, as_of, joined), carried,
                        round(taken.get(year, 0.0), 2))


def working_days(schedule: Schedule, person: Person, start: date, end: date) -> int:
    """Days from ``start`` to ``end`` (inclusive) on which ``person`` has a shift: the days a
    leave over that range uses (days off and holidays do not)."""
    return sum(working_days_by_year(schedule, person, start, end).values())


def working_days_by_year(schedule: Schedule, person: Person, start: date,
                         end: date) -> dict[int, int]:
    """``working_days`` split by calendar year (a leave across New Year counts in both)."""
    counts: dict[int, int] = {}
    day = start
    while day <= end:
        if schedule.occurrence_on(person, day) is not None:
            counts[day.year] = counts.get(day.year, 0) + 1
        day += timedelta(days=1)
    return counts
