"""A month of generated punches (day and night shifts, a holiday, corrections) against
totals computed by hand, through the real services and database."""

from __future__ import annotations

from datetime import date, timedelta

import attendance
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.service import corrections, people, reports, schedules
from tests.sync_server.web.scenario import local, make_kiosk, store_punches

MARCH = [date(2026, 3, d) for d in range(1, 32)]
HOLIDAY = date(2026, 3, 10)  # a Tuesday, for everyone


def _weekdays() -> list[date]:
    return [d for d in MARCH if d.weekday() < 5 and d != HOLIDAY]


def test_month_totals_match_hand_computed(sessions) -> None:  # type: ignore[no-untyped-def]
    kiosk_id = make_kiosk(sessions)
    with transaction(sessions) as session:
        day_worker = people.create_person(session, "Tran Thi Day", "D1", "Finance", actor="test").id
        night_worker = people.create_person(session, "Le Van Night", "N1", "Ops", actor="test").id
        day_shift = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Office", "08:00", "17:00", late_grace_min=5, early_exit_grace_min=5), actor="test")
        night_shift = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Night", "22:00", "06:00", late_grace_min=5, early_exit_grace_min=5), actor="test")
        schedules.save_assignment(session, day_shift.id, date(2026, 1, 1), None,
                                  department="Finance", actor="test")
        schedules.save_assignment(session, night_shift.id, date(2026, 1, 1), None,
                                  person_id=night_worker, actor="test")
        schedules.save_holiday(session, HOLIDAY, "Test holiday", actor="test")
        special = {
            date(2026, 3, 3): [local(date(2026, 3, 3), 8, 20), local(date(2026, 3, 3), 17, 0)],
            date(2026, 3, 4): [local(date(2026, 3, 4), 8, 12), local(date(2026, 3, 4), 17, 10)],
            date(2026, 3, 5): [],
            date(2026, 3, 6): [local(date(2026, 3, 6), 7, 58)],
            date(2026, 3, 9): [local(date(2026, 3, 9), 8, 0), local(date(2026, 3, 9), 16, 30)],
        }
        for day in _weekdays():
            if day == date(2026, 3, 12):
                continue
            instants = special.get(day, [local(day, 7, 55), local(day, 17, 5)])
            store_punches(session, kiosk_id, day_worker, instants)
        wrong, _ = store_punches(session, kiosk_id, day_worker,
                                 [local(date(2026, 3, 12), 8, 30),
                                  local(date(2026, 3, 12), 17, 0)])
        for day in _weekdays():
            start = (22, 30) if day == date(2026, 3, 17) else (21, 55)
            end = (6, 0) if day == date(2026, 3, 17) else (6, 2)
            store_punches(session, kiosk_id, night_worker,
                          [local(day, *start), local(day + timedelta(days=1), *end)])
        corrections.excuse_late(session, day_worker, date(2026, 3, 4), "doctor's note", "hr")
        corrections.void_punch(session, day_worker, wrong, "someone else's face", "hr")
        corrections.add_missed_punch(session, day_worker, local(date(2026, 3, 12), 7, 58),
                                     attendance.PunchKind.AUTO, "kiosk was rebooting", "hr")

    with transaction(sessions) as session:
        everyone = reports.load_people(session)
        report = reports.lateness_report(session, everyone, MARCH[0], MARCH[-1], utc_now())
    day_totals = report.by_person[day_worker]
    # 22 weekdays in March 2026, minus the holiday: 21 expected days each.
    assert day_totals.days_expected == 21
    assert day_totals.absences == 1  # the 5th
    assert day_totals.days_worked == 20  # the forgotten check-out of the 6th still counts
    assert day_totals.forgotten_checkouts == 1
    assert (day_totals.late_entries, day_totals.late_minutes_total) == (1, 20)  # 4th excused
    assert (day_totals.early_exits, day_totals.early_exit_minutes_total) == (1, 30)
    # 15 ordinary days of 07:55-17:05 (550 min) + 520 (3rd) + 538 (4th) + 510 (9th)
    # + 542 (12th: 07:58 added, 08:30 voided, 17:00); the 6th has no known worked time.
    assert day_totals.worked_minutes_total == 15 * 550 + 520 + 538 + 510 + 542

    night_totals = report.by_person[night_worker]
    assert night_totals.days_expected == 21
    assert night_totals.days_worked == 21 and night_totals.absences == 0
    assert (night_totals.late_entries, night_totals.late_minutes_total) == (1, 30)
    # 20 nights of 21:55-06:02 (487 min) + the 17th, 22:30-06:00 (450 min); the night of
    # the 31st ends on 1 April and still counts for March.
    assert night_totals.worked_minutes_total == 20 * 487 + 450
    assert report.by_department["Finance"] == day_totals
    assert report.by_department["Ops"] == night_totals
    assert report.overall.late_minutes_total == 50
    assert report.late_minutes_by_day[date(2026, 3, 3)] == 20
    assert report.late_minutes_by_day[date(2026, 3, 17)] == 30

    with transaction(sessions) as session:
        person = session.get(people.Person, day_worker)
        days, totals = reports.timesheet(session, person, MARCH[0], MARCH[-1], utc_now())
    by_day = {d.day: d for d in days}
    assert by_day[HOLIDAY].status is attendance.DayStatus.HOLIDAY
    assert by_day[date(2026, 3, 1)].status is attendance.DayStatus.NO_SHIFT
    assert by_day[date(2026, 3, 4)].late_excused and by_day[date(2026, 3, 4)].late_minutes == 0
    twelfth = by_day[date(2026, 3, 12)]
    assert twelfth.corrected and twelfth.first_in is not None
    assert twelfth.first_in.strftime("%H:%M") == "07:58"
    assert by_day[date(2026, 3, 6)].status is attendance.DayStatus.FORGOTTEN_CHECKOUT
    assert totals == day_totals
