"""Leave balances: accrual, joining mid-year, carry-over cap, working days (the rules of
``attendance/leave_balance.py``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from attendance import (
    ALL_WEEKDAYS,
    Holiday,
    LeavePolicy,
    Schedule,
    ShiftType,
    balance,
    earned_days,
    working_days,
    working_days_by_year,
)
from tests.attendance.helpers import ALICE, DAY, HCM, HOLIDAY, MONDAY, SATURDAY, assign, schedule

ANNUAL = LeavePolicy(12)  # 12 days a year, a day a month, nothing carried
ANNUAL_14_CARRY_5 = LeavePolicy(14, carry_over_cap_days=5)
UPFRONT = LeavePolicy(12, monthly_accrual=False)
SICK = LeavePolicy(0, counted=False)


@pytest.mark.parametrize(("policy", "as_of", "joined", "earned"), [
    (ANNUAL, date(2026, 1, 1), None, 1.0),  # the month begun counts
    (ANNUAL, date(2026, 3, 15), None, 3.0),
    (ANNUAL, date(2026, 12, 31), None, 12.0),
    (ANNUAL, date(2027, 2, 1), None, 12.0),  # a later day: the whole year
    (ANNUAL, date(2025, 12, 31), None, 0.0),  # before the year
    (ANNUAL, date(2026, 6, 30), date(2026, 4, 20), 3.0),  # April, May, June
    (ANNUAL, date(2026, 3, 31), date(2026, 4, 20), 0.0),  # not joined yet
    (ANNUAL, date(2026, 6, 30), date(2027, 1, 5), 0.0),  # joins next year
    (ANNUAL, date(2026, 6, 30), date(2020, 9, 1), 6.0),  # joined years ago
    (ANNUAL_14_CARRY_5, date(2026, 1, 31), None, 1.17),  # 14/12, rounded to 2 decimals
    (UPFRONT, date(2026, 1, 1), None, 12.0),  # all on 1 January
    (UPFRONT, date(2026, 5, 10), date(2026, 10, 1), 0.0),  # not joined yet
    (UPFRONT, date(2026, 10, 1), date(2026, 10, 1), 3.0),  # October to December, at once
    (SICK, date(2026, 12, 31), None, 0.0),  # not counted: no balance
])
def test_earned_days(policy: LeavePolicy, as_of: date, joined: date | None,
                     earned: float) -> None:
    assert earned_days(policy, 2026, as_of, joined) == earned


@pytest.mark.parametrize(("policy", "taken", "first_year", "carried", "available"), [
    (ANNUAL, {2026: 4}, None, 0.0, 2.0),  # 6 earned by June, 4 taken
    (ANNUAL, {2025: 2, 2026: 0}, 2025, 0.0, 6.0),  # nothing carries without a cap
    (ANNUAL_14_CARRY_5, {2025: 2}, 2025, 5.0, 12.0),  # 12 left, capped at 5; 7 earned + 5
    (ANNUAL_14_CARRY_5, {2025: 11}, 2025, 3.0, 10.0),  # 3 left: all of it carries
    (ANNUAL_14_CARRY_5, {2025: 20}, 2025, 0.0, 7.0),  # overdrawn: no debt carried
    (ANNUAL_14_CARRY_5, {2024: 14, 2025: 14}, 2024, 0.0, 7.0),  # the cap applies each year
    (ANNUAL_14_CARRY_5, {2024: 0, 2025: 18}, 2024, 1.0, 8.0),  # 14 + 5 - 18 = 1
    (ANNUAL, {2026: 8}, None, 0.0, -2.0),  # overdrawn this year
    (SICK, {2025: 3, 2026: 9}, 2025, 0.0, -9.0),  # not counted: only what was taken
])
def test_balance_with_carry_over(policy: LeavePolicy, taken: dict[int, float],
                                 first_year: int | None, carried: float,
                                 available: float) -> None:
    found = balance(policy, 2026, date(2026, 6, 15), taken, first_year=first_year)
    assert (found.carried, found.available) == (carried, available)
    assert found.taken == taken.get(2026, 0)


def test_a_person_who_joined_last_year_carries_from_their_first_months() -> None:
    found = balance(ANNUAL_14_CARRY_5, 2026, date(2026, 2, 1), {2025: 1},
                    joined=date(2025, 10, 1))  # Oct-Dec 2025: 3.5 earned, 1 taken
    assert (found.earned, found.carried, found.available) == (2.33, 2.5, 4.83)


def test_policies_refuse_negative_days() -> None:
    with pytest.raises(ValueError):
        LeavePolicy(-1)
    with pytest.raises(ValueError):
        LeavePolicy(12, carry_over_cap_days=-2)


WEEK = schedule(assign(DAY, ALICE))  # Monday-Friday day shift, holiday on Wednesday 25/11


@pytest.mark.parametrize(("start", "end", "days"), [
    (MONDAY, MONDAY, 1),
    (MONDAY, MONDAY + timedelta(days=6), 4),  # Mon-Sun: the holiday and the weekend are free
    (SATURDAY, SATURDAY + timedelta(days=1), 0),  # a weekend only
    (HOLIDAY, HOLIDAY, 0),
    (MONDAY, MONDAY + timedelta(days=13), 9),  # two weeks, one holiday
])
def test_working_days_skip_days_off_and_holidays(start: date, end: date, days: int) -> None:
    assert working_days(WEEK, ALICE, start, end) == days


def test_leave_across_new_year_counts_in_each_year() -> None:
    every_day = ShiftType(DAY.id, "Every day", DAY.start, DAY.end, working_days=ALL_WEEKDAYS)
    plan = Schedule([every_day], [assign(every_day, ALICE)],
                    (Holiday(date(2027, 1, 1), "Tết Dương lịch"),), HCM)
    assert working_days_by_year(plan, ALICE, date(2026, 12, 28), date(2027, 1, 3)) == {
        2026: 4, 2027: 2}


def test_no_shift_assigned_means_no_working_days() -> None:
    assert working_days(schedule(), ALICE, MONDAY, MONDAY + timedelta(days=6)) == 0
