"""Overtime, holiday work and rest-day work: the rules of ``attendance/overtime.py``."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from attendance import (
    CorrectionKind,
    DayStatus,
    Leave,
    Totals,
    add_day,
    build_day_summaries,
    occurrence,
    overtime_minutes,
    summarize_range,
)
from tests.attendance.helpers import (
    ALICE,
    BINH,
    DAY,
    HCM,
    HOLIDAY,
    MONDAY,
    NIGHT,
    SATURDAY,
    assign,
    at,
    correction,
    punch,
    schedule,
)

TUESDAY = MONDAY + timedelta(days=1)
LATER = at(MONDAY + timedelta(days=14), 12)
P, L = DayStatus.PRESENT, DayStatus.LATE

# (id, shift, day, punch local times, threshold, options,
#  expected (status, overtime, holiday work, rest-day work))
CASES = [
    ("leaves-at-end", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 17)], 30, {}, (P, 0, 0, 0)),
    ("in-early-is-not-overtime", DAY, MONDAY, [(MONDAY, 7), (MONDAY, 17)], 30, {},
     (P, 0, 0, 0)),
    ("below-threshold", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 17, 29, 59)], 30, {}, (P, 0, 0, 0)),
    ("at-threshold-counts-whole", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 17, 30)], 30, {},
     (P, 30, 0, 0)),
    ("two-hours", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 19)], 30, {}, (P, 120, 0, 0)),
    ("threshold-zero-one-minute", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 17, 1)], 0, {},
     (P, 1, 0, 0)),
    ("threshold-zero-seconds-only", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 17, 0, 59)], 0, {},
     (P, 0, 0, 0)),
    ("late-made-up-first", DAY, MONDAY, [(MONDAY, 8, 20), (MONDAY, 17, 50)], 30, {},
     (L, 30, 0, 0)),
    ("late-made-up-below-threshold", DAY, MONDAY, [(MONDAY, 8, 20), (MONDAY, 17, 40)], 30, {},
     (L, 0, 0, 0)),
    ("late-within-grace-owes-nothing", DAY, MONDAY, [(MONDAY, 8, 5), (MONDAY, 17, 30)], 30, {},
     (P, 30, 0, 0)),
    ("excused-late-owes-nothing", DAY, MONDAY, [(MONDAY, 8, 20), (MONDAY, 17, 30)], 30,
     {"excuse": True}, (P, 30, 0, 0)),
    ("forgotten-checkout-no-overtime", DAY, MONDAY, [(MONDAY, 8)], 0, {},
     (DayStatus.FORGOTTEN_CHECKOUT, 0, 0, 0)),
    ("checkout-at-window-close", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 21)], 30, {},
     (P, 240, 0, 0)),
    ("night-shift-past-end", NIGHT, MONDAY, [(MONDAY, 22), (TUESDAY, 7)], 30, {},
     (P, 60, 0, 0)),
    ("holiday-work", DAY, HOLIDAY, [(HOLIDAY, 8), (HOLIDAY, 19)], 30, {},
     (DayStatus.HOLIDAY, 0, 660, 0)),
    ("holiday-not-worked", DAY, HOLIDAY, [], 30, {}, (DayStatus.HOLIDAY, 0, 0, 0)),
    ("holiday-single-punch", DAY, HOLIDAY, [(HOLIDAY, 9)], 30, {},
     (DayStatus.HOLIDAY, 0, 0, 0)),
    ("rest-day-work", DAY, SATURDAY, [(SATURDAY, 8), (SATURDAY, 12, 15)], 30, {},
     (DayStatus.NO_SHIFT, 0, 0, 255)),
    ("no-assignment-is-not-rest-day", None, SATURDAY, [(SATURDAY, 8), (SATURDAY, 12)], 30, {},
     (DayStatus.NO_SHIFT, 0, 0, 0)),
    ("on-leave-work-is-neither", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 19)], 30, {"leave": True},
     (DayStatus.ON_LEAVE, 0, 0, 0)),
]


def summary_of(shift, day, times, threshold, **options):  # type: ignore[no-untyped-def]
    leaves = (Leave(ALICE.id, day, day),) if options.get("leave") else ()
    site = schedule(*([assign(shift, ALICE)] if shift else []), leaves=leaves)
    punches = [punch(at(*t)) for t in times]
    excuses = [correction(CorrectionKind.EXCUSE_LATE, day=day)] if options.get("excuse") else []
    [summary] = build_day_summaries([ALICE], day, day, site, punches, excuses, now=LATER,
                                    overtime_after_min=threshold)
    return summary


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_overtime_table(case) -> None:  # type: ignore[no-untyped-def]
    _, shift, day, times, threshold, options, expected = case
    s = summary_of(shift, day, times, threshold, **options)
    assert (s.status, s.overtime_minutes, s.holiday_work_minutes,
            s.rest_day_work_minutes) == expected


def test_totals_add_overtime_and_off_day_work() -> None:
    site = schedule(assign(DAY, department=ALICE.department_id))
    punches = [punch(at(MONDAY, 8)), punch(at(MONDAY, 18)),  # 60 overtime
               punch(at(TUESDAY, 8)), punch(at(TUESDAY, 17, 45)),  # 45 overtime
               punch(at(HOLIDAY, 9)), punch(at(HOLIDAY, 11)),  # 120 holiday work
               punch(at(SATURDAY, 8)), punch(at(SATURDAY, 9, 30)),  # 90 rest-day work
               punch(at(MONDAY, 8), BINH), punch(at(MONDAY, 17, 10), BINH)]  # none
    days = build_day_summaries([ALICE, BINH], MONDAY, SATURDAY, site, punches, now=LATER,
                               overtime_after_min=30)
    report = summarize_range([ALICE, BINH], days)
    alice = report.by_person[ALICE.id]
    assert (alice.overtime_minutes_total, alice.holiday_work_minutes_total,
            alice.rest_day_work_minutes_total) == (105, 120, 90)
    assert report.by_person[BINH.id].overtime_minutes_total == 0
    assert report.by_department[ALICE.department_id].overtime_minutes_total == 105
    assert report.overall.holiday_work_minutes_total == 120


def test_negative_threshold_is_refused() -> None:
    shift = occurrence(DAY, MONDAY, ZoneInfo(HCM))
    with pytest.raises(ValueError):
        overtime_minutes(shift, at(MONDAY, 19), 0, -1)


def test_range_totals_equal_adding_each_day() -> None:
    site = schedule(assign(DAY, department=ALICE.department_id))
    punches = [punch(at(MONDAY + timedelta(days=n), 8, 3 * n), person)
               for n in range(6) for person in (ALICE, BINH)] + \
        [punch(at(MONDAY + timedelta(days=n), 17 + n, 10 * n), ALICE) for n in range(5)]
    days = build_day_summaries([ALICE, BINH], MONDAY, SATURDAY, site, punches, now=LATER)
    report = summarize_range([ALICE, BINH], days)
    for person in (ALICE, BINH):
        expected = Totals()
        for day in days:
            if day.person_id == person.id:
                expected = add_day(expected, day)
        assert report.by_person[person.id] == expected
