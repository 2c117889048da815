"""Leave and correction rules in the services, on SQLite and PostgreSQL: ranges, overlaps,
days that need no correction, undo, and each change's audit entry."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import attendance
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.web_models import CorrectionRow, LeaveRow
from sync_server.errors import BadRequest
from sync_server.service import audit, corrections, leaves, people, schedules

ZONE = ZoneInfo(schedules.SITE_ZONE)


def _person(sessions: sessionmaker[Session]):  # type: ignore[no-untyped-def]
    with transaction(sessions) as session:
        person = people.create_person(session, "Trần Lan", "T001", "Finance", actor="hr")
        shift = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Office", "08:00", "17:00", working_days=(0, 1, 2, 3, 4)), actor="hr")
        schedules.save_assignment(session, shift.id, date(2025, 1, 1), None,
                                  department="Finance", actor="hr")
        return person.id


def _refused(sessions: sessionmaker[Session], action) -> BadRequest:  # type: ignore[no-untyped-def]
    with pytest.raises(BadRequest) as refused, transaction(sessions) as session:
        action(session)
    return refused.value


def test_leave_ranges_overlaps_edit_and_delete(sessions: sessionmaker[Session]) -> None:
    person = _person(sessions)
    today = utc_now().astimezone(ZONE).date()

    def add(start: date, end: date):  # type: ignore[no-untyped-def]
        return lambda session: leaves.add_leave(session, leaves.LeaveIn(person, start, end),
                                                "hr")

    assert _refused(sessions, add(date(1900, 1, 1), date(2999, 12, 31))).key == \
        "leave_too_far"
    assert _refused(sessions, add(today, today - timedelta(days=1))).key == "leave_backwards"
    assert _refused(sessions, add(today, today + timedelta(days=200))).key == \
        "leave_too_long"
    saturday = _last_weekday(today, 5)
    assert _refused(sessions, add(saturday, saturday + timedelta(days=1))).key == \
        "leave_no_shift"  # Office runs Monday to Friday
    with transaction(sessions) as session:
        first = add(today, today + timedelta(days=4))(session).id
    assert _refused(sessions, add(today + timedelta(days=4), today + timedelta(days=6))
                    ).key == "leave_overlap"
    with transaction(sessions) as session:
        moved = leaves.edit_leave(session, first, leaves.LeaveIn(
            person, today + timedelta(days=1), today + timedelta(days=5)), "hr").id
    with transaction(sessions) as session:
        assert session.get(LeaveRow, first) is None
        assert session.get(LeaveRow, moved).end == today + timedelta(days=5)  # type: ignore[union-attr]
        leaves.delete_leave(session, moved, "hr")
    with transaction(sessions) as session:
        assert session.scalars(select(LeaveRow)).first() is None
        actions = [e.action for e in audit.recent(session)]
    assert actions[:3] == ["leave.delete", "leave.edit", "leave.add"]


def _last_weekday(today: date, weekday: int) -> date:
    back = (today.weekday() - weekday) % 7 or 7
    return today - timedelta(days=back)


def test_corrections_need_a_day_that_needs_them_and_can_be_undone(
        sessions: sessionmaker[Session]) -> None:
    person = _person(sessions)
    today = utc_now().astimezone(ZONE).date()
    monday, sunday = _last_weekday(today, 0), _last_weekday(today, 6)
    late = datetime.combine(monday, time(8, 30), tzinfo=ZONE)

    def excuse(day: date):  # type: ignore[no-untyped-def]
        return lambda session: corrections.excuse_late(session, person, day, "bus", "hr")

    assert _refused(sessions, excuse(monday)).key == "not_late"
    assert _refused(sessions, excuse(sunday)).key == "no_shift"
    assert _refused(sessions, excuse(date(2030, 1, 7))).key == "future"
    assert _refused(sessions, lambda session: corrections.add_missed_punch(
        session, person, datetime(2031, 3, 3, 8, 0, tzinfo=ZONE), attendance.PunchKind.AUTO,
        "forgot", "hr")).key == "future"
    with transaction(sessions) as session:
        added = corrections.add_missed_punch(session, person, late, attendance.PunchKind.AUTO,
                                             "kiosk down", "hr").id
    with transaction(sessions) as session:
        corrections.excuse_late(session, person, monday, "bus", "hr")  # late now: allowed
    assert _refused(sessions, excuse(monday)).key == "already_excused"
    with transaction(sessions) as session:
        corrections.undo(session, added, "hr")
    with transaction(sessions) as session:
        assert session.get(CorrectionRow, added) is None
        undo = audit.recent(session)[0]
    assert undo.action == "correction.undo" and undo.detail["kind"] == "add_punch"
