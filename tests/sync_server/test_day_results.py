"""Materialised report days: settled days are stored, read back, and dropped (then
recomputed) when a late punch, a correction, leave or a schedule change touches them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import attendance
from sync_server.db.engine import transaction
from sync_server.db.report_models import DayResultRow
from sync_server.service import (
    corrections,
    leaves,
    people,
    punch_review,
    punches,
    reports,
    schedules,
)
from tests.sync_server.web.scenario import local, make_kiosk, store_punches

MARCH = [date(2026, 3, d) for d in range(1, 32)]
WEEKDAYS = [d for d in MARCH if d.weekday() < 5]
MISSED = date(2026, 3, 4)  # no punch at first: ABSENT
LATE = date(2026, 3, 5)  # 08:30 - 17:00
NOW = datetime.combine(date(2026, 4, 10), datetime.min.time()).astimezone()


def _month(sessions: sessionmaker[Session]) -> tuple[uuid.UUID, uuid.UUID]:
    kiosk_id = make_kiosk(sessions)
    with transaction(sessions) as session:
        person = people.create_person(session, "Đỗ Thị Hạnh", "H001", "Finance",
                                      actor="test").id
        shift = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Office", "08:00", "17:00"), actor="test")
        schedules.save_assignment(session, shift.id, date(2026, 1, 1), None,
                                  department="Finance", actor="test")
        for day in WEEKDAYS:
            if day != MISSED:
                start = (8, 30) if day == LATE else (7, 55)
                store_punches(session, kiosk_id, person, [local(day, *start),
                                                          local(day, 17, 0)])
    return person, kiosk_id


def _report(sessions: sessionmaker[Session]) -> dict[date, attendance.DaySummary]:
    with transaction(sessions) as session:
        everyone = reports.load_people(session)
        days = reports.day_summaries(session, everyone, MARCH[0], MARCH[-1], NOW)
    return {d.day: d for d in days}


def _stored(sessions: sessionmaker[Session]) -> int:
    with transaction(sessions) as session:
        return int(session.scalar(select(func.count()).select_from(DayResultRow)) or 0)


def test_settled_days_are_stored_and_read_back(sessions) -> None:  # type: ignore[no-untyped-def]
    _month(sessions)
    first = _report(sessions)
    assert _stored(sessions) == 31
    assert _report(sessions) == first  # now from the rows
    with transaction(sessions) as session:
        everyone = reports.load_people(session)
        computed = reports.compute_day_summaries(session, everyone, MARCH[0], MARCH[-1], NOW)
    assert {d.day: d for d in computed} == first
    assert first[MISSED].status is attendance.DayStatus.ABSENT
    assert first[LATE].late_minutes == 30


def test_unsettled_days_are_not_stored(sessions) -> None:  # type: ignore[no-untyped-def]
    _month(sessions)
    with transaction(sessions) as session:  # "now" is the 20th: the last 2 days stay open
        reports.day_summaries(session, reports.load_people(session), MARCH[0], MARCH[-1],
                              local(date(2026, 3, 20), 12, 0))
    assert _stored(sessions) == 17  # the 1st to the 17th


def test_a_late_punch_recomputes_its_day(sessions) -> None:  # type: ignore[no-untyped-def]
    person, kiosk_id = _month(sessions)
    assert _report(sessions)[MISSED].status is attendance.DayStatus.ABSENT
    with transaction(sessions) as session:  # the kiosk was offline for five weeks
        punches.ingest(session, kiosk_id, [
            punches.IncomingPunch(uuid.uuid4(), person, "auto", "face", at, 0.0)
            for at in (local(MISSED, 7, 58), local(MISSED, 17, 2))])
    assert _stored(sessions) == 28  # the 3rd to the 5th dropped
    day = _report(sessions)[MISSED]
    assert day.status is attendance.DayStatus.PRESENT and day.worked_minutes == 544
    assert _stored(sessions) == 31


def test_a_correction_or_leave_recomputes_the_person(sessions) -> None:  # type: ignore[no-untyped-def]
    person, _ = _month(sessions)
    assert _report(sessions)[LATE].late_minutes == 30
    with transaction(sessions) as session:
        corrections.excuse_late(session, person, LATE, "giấy khám bệnh", "hr")
    excused = _report(sessions)[LATE]
    assert excused.late_minutes == 0 and excused.late_excused
    with transaction(sessions) as session:
        leaves.add_leave(session, leaves.LeaveIn(person, MISSED, MISSED, "nghỉ phép"), "test")
    assert _report(sessions)[MISSED].status is attendance.DayStatus.ON_LEAVE


def test_a_schedule_change_recomputes_everything(sessions) -> None:  # type: ignore[no-untyped-def]
    _month(sessions)
    assert _report(sessions)[MISSED].status is attendance.DayStatus.ABSENT
    with transaction(sessions) as session:
        schedules.save_holiday(session, MISSED, "Ngày lễ", actor="test")
    assert _stored(sessions) == 0
    assert _report(sessions)[MISSED].status is attendance.DayStatus.HOLIDAY


def test_another_overtime_threshold_replaces_the_rows(sessions) -> None:  # type: ignore[no-untyped-def]
    _month(sessions)
    _report(sessions)
    with transaction(sessions) as session:
        everyone = reports.load_people(session)
        days = reports.day_summaries(session, everyone, MARCH[0], MARCH[-1], NOW,
                                     overtime_after_min=0)
    assert sum(d.overtime_minutes for d in days) == 0  # 17:00 sharp: no extra minute
    with transaction(sessions) as session:
        thresholds = set(session.scalars(select(DayResultRow.overtime_after_min)))
    assert thresholds == {0} and _stored(sessions) == 31


def test_an_approved_held_punch_recomputes_its_day(sessions) -> None:  # type: ignore[no-untyped-def]
    person, kiosk_id = _month(sessions)
    held = [punches.IncomingPunch(uuid.uuid4(), person, "auto", "face", at, 0.0)
            for at in (local(MISSED, 7, 58), local(MISSED, 17, 2))]
    with transaction(sessions) as session:
        punches.ingest(session, kiosk_id, held, {p.id: ["clock_offset"] for p in held})
    assert _report(sessions)[MISSED].status is attendance.DayStatus.ABSENT  # held: not counted
    assert _stored(sessions) == 31
    with transaction(sessions) as session:
        punch_review.decide(session, [p.id for p in held], punch_review.Decision.APPROVE, "hr")
    assert _report(sessions)[MISSED].status is attendance.DayStatus.PRESENT
