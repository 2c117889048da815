"""Report totals summed by the database from stored days equal the domain core's own
counting (``summarize_range`` over days computed from the punches), field by field, per
person, per department and day by day, when every day is stored and when some are not."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

import attendance
from sync_server.db.engine import transaction
from sync_server.db.models import Person
from sync_server.service import day_totals, leaves, people, reports, schedules
from tests.sync_server.web.scenario import local, make_kiosk, store_punches

OCTOBER = [date(2026, 10, d) for d in range(1, 32)]
HOLIDAY = date(2026, 10, 9)
LEAVE = (date(2026, 10, 20), date(2026, 10, 22))
NOW = datetime.combine(date(2026, 11, 10), datetime.min.time()).astimezone()


def _day(n: int, day: date) -> list[datetime]:
    """A different day for each person and date: late, early, half, forgotten, overtime."""
    kind = (n + day.day) % 7
    return {0: [local(day, 8, 25), local(day, 17, 0)], 1: [local(day, 7, 55), local(day, 15, 0)],
            2: [local(day, 8, 0), local(day, 11, 0)], 3: [local(day, 7, 58)], 4: [],
            5: [local(day, 7, 50), local(day, 19, 30)]}.get(kind, [local(day, 8, 0),
                                                                    local(day, 17, 2)])


def _month(sessions: sessionmaker[Session]) -> list[uuid.UUID]:
    kiosk_id = make_kiosk(sessions)
    with transaction(sessions) as session:
        office = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Office", "08:00", "17:00"), actor="test")
        night = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Night", "22:00", "06:00", working_days=tuple(range(7))), actor="test")
        for department in ("Finance", "Operations"):
            schedules.save_assignment(session, office.id, date(2026, 1, 1), None,
                                      department=department, actor="test")
        schedules.save_holiday(session, HOLIDAY, "Holiday", actor="test")
        ids = [people.create_person(session, f"Person {n}", f"P{n:02d}",
                                    ("Finance", "Operations", None)[n % 3], actor="test").id
               for n in range(7)]
        schedules.save_assignment(session, night.id, date(2026, 1, 1), None,
                                  person_id=ids[6], actor="test")
        leaves.add_leave(session, leaves.LeaveIn(ids[1], *LEAVE), actor="test",
                         now=NOW)
        for n, person_id in enumerate(ids[:6]):
            for day in OCTOBER:  # weekends too: rest-day and holiday work
                store_punches(session, kiosk_id, person_id, _day(n, day))
        for day in OCTOBER[::2]:
            store_punches(session, kiosk_id, ids[6], [
                local(day, 22, 10), local(day, 22, 0) + timedelta(hours=8, minutes=30)])
    return ids


def _people(session: Session, leaving_out: uuid.UUID | None) -> list[Person]:
    return [p for p in reports.load_people(session) if p.id != leaving_out]


def _expected(session: Session, leaving_out: uuid.UUID | None = None
              ) -> tuple[attendance.RangeReport, dict[date, int], dict[date, int]]:
    everyone = _people(session, leaving_out)
    days = reports.compute_day_summaries(session, everyone, OCTOBER[0], OCTOBER[-1], NOW)
    minutes = dict.fromkeys(OCTOBER, 0)
    entries = dict.fromkeys(OCTOBER, 0)
    for day in days:
        minutes[day.day] += day.late_minutes
        entries[day.day] += day.late_minutes > 0
    domain = [reports.to_domain_person(p) for p in everyone]
    return attendance.summarize_range(domain, days), minutes, entries


def _summed(session: Session, way: tuple[int, bool | None] = (day_totals.CHUNK, None),
            leaving_out: uuid.UUID | None = None
            ) -> tuple[attendance.RangeReport, dict[date, int], dict[date, int]]:
    found = day_totals.range_totals(session, _people(session, leaving_out), OCTOBER[0],
                                    OCTOBER[-1], NOW, named_at_most=way[0],
                                    read_whole=way[1])
    return found.report, found.late_minutes_by_day, found.late_entries_by_day


def test_database_sums_equal_the_domain_counting(sessions) -> None:  # type: ignore[no-untyped-def]
    ids = _month(sessions)
    with transaction(sessions) as session:
        expected = _expected(session)
        assert _summed(session) == expected  # nothing stored yet: computed and stored
        assert _summed(session) == expected  # every day from the stored rows
    overall = expected[0].overall
    assert overall.late_entries and overall.absences and overall.half_days
    assert overall.forgotten_checkouts and overall.overtime_minutes_total
    assert overall.holiday_work_minutes_total and overall.rest_day_work_minutes_total
    assert expected[0].by_person[ids[1]].days_expected < expected[0].by_person[ids[0]] \
        .days_expected  # the leave
    assert len(expected[0].by_department) == 3  # Finance, Operations, none


# People named all at once, two at a time, or every stored person read whole.
@pytest.mark.parametrize("way", [(day_totals.CHUNK, None), (2, False), (2, True)])
def test_some_people_stored_and_some_recomputed(  # type: ignore[no-untyped-def]
        sessions, way: tuple[int, bool | None]) -> None:
    ids = _month(sessions)
    with transaction(sessions) as session:
        _summed(session, way)
    kiosk_id = make_kiosk(sessions, "late kiosk")
    with transaction(sessions) as session:  # a kiosk syncs a week late: days dropped
        store_punches(session, kiosk_id, ids[0], [local(OCTOBER[3], 9, 0)])
    with transaction(sessions) as session:
        expected = _expected(session)
        assert _summed(session, way) == expected
        assert _summed(session, way) == expected  # all stored again
        # Someone's stored days outside the people asked about (another department's)
        part = _expected(session, leaving_out=ids[5])
        assert _summed(session, way, leaving_out=ids[5]) == part
        assert part != expected
