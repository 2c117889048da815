"""Which shift applies: person over department, newer over older, holidays, working days."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

import pytest

from attendance import Holiday, Schedule, ShiftAssignment, ShiftType, local_instant
from tests.attendance.helpers import (
    ALICE,
    BINH,
    CHI,
    DAY,
    DEPT_A,
    DEPT_B,
    EARLY,
    HCM,
    MONDAY,
    NIGHT,
    assign,
    schedule,
)


@pytest.mark.parametrize("assignments,person,day,expected", [
    ([assign(DAY, department=DEPT_A), assign(NIGHT, ALICE)], ALICE, MONDAY, NIGHT),
    ([assign(DAY, department=DEPT_A), assign(NIGHT, ALICE)], BINH, MONDAY, DAY),
    ([assign(DAY, department=DEPT_A),
      assign(EARLY, department=DEPT_A, start=MONDAY, end=MONDAY + timedelta(days=4))],
     BINH, MONDAY + timedelta(days=2), EARLY),
    ([assign(DAY, department=DEPT_A),
      assign(EARLY, department=DEPT_A, start=MONDAY, end=MONDAY + timedelta(days=4))],
     BINH, MONDAY + timedelta(days=7), DAY),
    ([assign(DAY, department=DEPT_A)], CHI, MONDAY, None),
    ([assign(NIGHT, ALICE, end=MONDAY)], ALICE, MONDAY, NIGHT),
    ([assign(NIGHT, ALICE, end=MONDAY)], ALICE, MONDAY + timedelta(days=1), None),
    ([assign(DAY, ALICE, start=date(2026, 1, 1)), assign(EARLY, ALICE, start=date(2026, 1, 1))],
     ALICE, MONDAY, EARLY),
], ids=["person-beats-department", "department-applies", "newer-department-arrangement",
        "standing-arrangement-resumes", "other-department-has-none", "end-date-inclusive",
        "after-end-date", "same-start-later-wins"])
def test_assignment_precedence(assignments: list[ShiftAssignment], person, day: date,  # type: ignore[no-untyped-def]
                               expected: ShiftType | None) -> None:
    assert schedule(*assignments).assigned_shift(person, day) == expected


def test_department_holiday_applies_to_that_department_only() -> None:
    site = schedule(assign(DAY, department=DEPT_A), assign(DAY, department=DEPT_B),
                    holidays=(Holiday(MONDAY, "Ngày truyền thống", DEPT_B),))
    assert site.occurrence_on(ALICE, MONDAY) is not None
    assert site.occurrence_on(CHI, MONDAY) is None


def test_occurrence_instants_in_the_site_zone() -> None:
    found = schedule(assign(NIGHT, ALICE)).occurrence_on(ALICE, MONDAY)
    assert found is not None
    assert found.start.isoformat() == "2026-11-23T15:00:00+00:00"  # 22:00 in UTC+7
    assert found.end.isoformat() == "2026-11-23T23:00:00+00:00"  # 06:00 next day


def test_local_instant_in_the_spring_gap_moves_forward() -> None:
    from zoneinfo import ZoneInfo

    instant = local_instant(date(2026, 3, 29), time(2, 30), ZoneInfo("Europe/Berlin"))
    assert instant.isoformat() == "2026-03-29T01:30:00+00:00"  # 03:30 CEST


def test_unknown_shift_type_in_an_assignment_is_refused() -> None:
    stray = ShiftAssignment(uuid.uuid4(), uuid.uuid4(), MONDAY, person_id=ALICE.id)
    with pytest.raises(ValueError, match="unknown shift types"):
        Schedule([DAY], [stray], zone=HCM)


@pytest.mark.parametrize("fields,message", [
    ({"person_id": None, "department_id": None}, "person or a department"),
    ({"person_id": ALICE.id, "department_id": DEPT_A}, "person or a department"),
    ({"person_id": ALICE.id, "end": MONDAY - timedelta(days=1)}, "end before"),
], ids=["neither", "both", "ends-before-start"])
def test_bad_assignments_are_refused(fields: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ShiftAssignment(uuid.uuid4(), DAY.id, MONDAY, **fields)


@pytest.mark.parametrize("fields,message", [
    ({"late_grace_min": -1}, "negative"),
    ({"half_day_below_h": 1.0, "absent_below_h": 2.0}, "absent_below_h"),
    ({"working_days": frozenset({7})}, "working days"),
], ids=["negative-grace", "thresholds-crossed", "bad-weekday"])
def test_bad_shift_types_are_refused(fields: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ShiftType(uuid.uuid4(), "Bad", time(8), time(17), **fields)
