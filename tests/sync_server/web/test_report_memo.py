"""The lateness report memo: a repeat is answered from memory, any change is not."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

import attendance
from sync_server.db.engine import transaction
from sync_server.service import corrections, people, reports, schedules
from tests.sync_server.web.scenario import local, make_kiosk, store_punches

FIRST, LAST = date(2026, 3, 2), date(2026, 3, 6)  # Monday to Friday
LATER = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture
def finance(sessions: sessionmaker[Session]) -> tuple[sessionmaker[Session], object, object]:
    reports._REPORTS.clear()
    kiosk_id = make_kiosk(sessions)
    with transaction(sessions) as session:
        worker = people.create_person(session, "Tran Thi Memo", "M1", "Finance", actor="test").id
        shift = schedules.save_shift_type(session, schedules.ShiftTypeIn("Office", "08:00",
                                                                         "17:00"), actor="test")
        schedules.save_assignment(session, shift.id, date(2026, 1, 1), None,
                                  department="Finance", actor="test")
        for day in (date(2026, 3, 2), date(2026, 3, 3)):
            store_punches(session, kiosk_id, worker, [local(day, 8, 20), local(day, 17, 0)])
    return sessions, kiosk_id, worker


def _report(sessions: sessionmaker[Session], now: datetime = LATER) -> reports.LatenessReport:
    with sessions() as session:
        return reports.lateness_report(session, reports.load_people(session), FIRST, LAST, now)


def test_a_repeat_is_the_same_object_and_changes_are_seen(finance) -> None:  # type: ignore[no-untyped-def]
    sessions, kiosk_id, worker = finance
    first = _report(sessions)
    assert first.overall.late_entries == 2 and first.overall.absences == 3
    # The same question later (a sort, an export): answered from the memo.
    assert _report(sessions, LATER.replace(hour=9)) is first

    with transaction(sessions) as session:  # a kiosk that was offline delivers Wednesday
        store_punches(session, kiosk_id, worker, [local(date(2026, 3, 4), 8, 0)])
    second = _report(sessions)
    assert second is not first
    assert second.overall.absences == 2 and second.overall.days_worked == 3

    with transaction(sessions) as session:  # HR excuses Monday
        corrections.excuse_late(session, worker, date(2026, 3, 2), "bus strike", "hr")
    third = _report(sessions)
    assert third is not second and third.overall.late_entries == 1

    with transaction(sessions) as session:  # a holiday declared afterwards
        schedules.save_holiday(session, date(2026, 3, 6), "Declared late", actor="test")
    fourth = _report(sessions)
    assert fourth is not third and fourth.overall.absences == 1


def test_a_range_still_open_is_keyed_on_the_minute(finance) -> None:  # type: ignore[no-untyped-def]
    sessions, _kiosk, _worker = finance
    during = local(date(2026, 3, 5), 9, 0).astimezone(UTC)
    first = _report(sessions, during)
    assert _report(sessions, during.replace(second=40)) is first
    later = _report(sessions, during.replace(minute=1))
    assert later is not first  # days not over yet can change status minute by minute
    assert isinstance(later.overall, attendance.Totals)
