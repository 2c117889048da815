"""Range reports: a month of punches for a small department, totals computed by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from attendance import (
    CorrectionKind,
    DayStatus,
    build_day_summaries,
    days_between,
    summarize_range,
)
from tests.attendance.helpers import (
    ALICE,
    BINH,
    CHI,
    DAY,
    DEPT_A,
    DEPT_B,
    HOLIDAY,
    NIGHT,
    assign,
    at,
    correction,
    punch,
    schedule,
)

FIRST, LAST = date(2026, 11, 2), date(2026, 11, 29)  # four full weeks, Monday to Sunday
AFTER = at(date(2026, 12, 5), 12)


def month():  # type: ignore[no-untyped-def]
    """Alice: day shift, late 15 min every Monday, forgets one check-out.
    Binh: day shift, always on time, leaves 30 min early every Friday, absent one Tuesday.
    Chi: night shift every day, on time; one late entry excused by HR."""
    site = schedule(assign(DAY, department=DEPT_A), assign(NIGHT, CHI))
    punches, fixes = [], []
    for day in days_between(FIRST, LAST):
        weekday = day.weekday()
        if weekday < 5 and day != HOLIDAY:
            alice_in = at(day, 8, 15) if weekday == 0 else at(day, 7, 55)
            punches.append(punch(alice_in, ALICE))
            if day != date(2026, 11, 12):
                punches.append(punch(at(day, 17, 2), ALICE))
            if day != date(2026, 11, 17):
                punches.append(punch(at(day, 7, 58), BINH))
                punches.append(punch(at(day, 16, 30) if weekday == 4 else at(day, 17), BINH))
        chi_in = at(day, 22, 20) if day == date(2026, 11, 10) else at(day, 21, 50)
        punches += [punch(chi_in, CHI), punch(at(day + timedelta(days=1), 6, 1), CHI)]
    fixes.append(correction(CorrectionKind.EXCUSE_LATE, CHI, day=date(2026, 11, 10)))
    return site, punches, fixes


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    site, punches, fixes = month()
    days = build_day_summaries([ALICE, BINH, CHI], FIRST, LAST, site, punches, fixes,
                               now=AFTER)
    return days, summarize_range([ALICE, BINH, CHI], days)


def test_alice_month(report) -> None:  # type: ignore[no-untyped-def]
    days, totals = report
    alice = totals.by_person[ALICE.id]
    # 20 weekdays minus the holiday (Wednesday 25th) = 19 expected days
    assert alice.days_expected == 19
    assert alice.late_entries == 4 and alice.late_minutes_total == 60
    assert alice.late_minutes_average == 15.0
    assert alice.forgotten_checkouts == 1 and alice.days_worked == 19
    holiday = [d for d in days if d.person_id == ALICE.id and d.day == HOLIDAY][0]
    assert holiday.status is DayStatus.HOLIDAY


def test_binh_month(report) -> None:  # type: ignore[no-untyped-def]
    _, totals = report
    binh = totals.by_person[BINH.id]
    assert binh.absences == 1 and binh.days_worked == 18
    assert binh.early_exits == 4 and binh.early_exit_minutes_total == 120
    assert binh.late_entries == 0


def test_chi_night_month_with_an_excuse(report) -> None:  # type: ignore[no-untyped-def]
    _, totals = report
    chi = totals.by_person[CHI.id]
    # 28 nights; the holiday (for everyone) is not expected, though Chi worked it
    assert chi.days_expected == 27 and chi.days_worked == 27
    assert chi.late_entries == 0  # the one late night was excused
    assert chi.worked_minutes_total == 27 * 491 + 461  # 21:50-06:01, one night 22:20-06:01


def test_department_totals_add_up(report) -> None:  # type: ignore[no-untyped-def]
    _, totals = report
    a = totals.by_department[DEPT_A]
    assert a.late_entries == 4 and a.absences == 1 and a.early_exits == 4
    assert a.days_expected == 38
    assert totals.by_department[DEPT_B].days_expected == 27
    assert totals.overall.days_expected == 65


def test_reversed_range_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        days_between(LAST, FIRST)
