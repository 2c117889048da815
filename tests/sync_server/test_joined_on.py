"""People's joining date: leave accrues from the month joined; pending requests' days
beside each balance."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.engine import transaction
from sync_server.service import audit, leave_requests, leave_types, people
from sync_server.web import imports
from tests.sync_server.test_leave_requests import (
    ANNUAL,
    LINK,
    _monday_with_three_weeks_left_in_its_year,
    _people,
)


def _monthly_type(session: Session) -> None:
    """12 days a year, one a month."""
    leave_types.save_type(session, leave_types.LeaveTypeIn(
        "monthly", "Phép tháng", "Monthly leave", 12, True, 5, True), actor="hr")


def _earned(session: Session, person_id: uuid.UUID, as_of: date) -> float:
    return next(b.balance.earned for b in leave_types.balances(session, person_id, as_of)
                if b.leave_type.code == "monthly")


def test_an_october_joiner_has_earned_two_months_in_november(
        sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        _monthly_type(session)
        joiner = people.create_person(session, "Phạm Thu", "J001", "Finance", actor="hr",
                                      joined_on=date(2025, 10, 15)).id
        unknown = people.create_person(session, "Vũ Nam", "J002", "Finance", actor="hr").id
    with transaction(sessions) as session:
        assert _earned(session, joiner, date(2025, 11, 20)) == 2.0  # October and November
        assert _earned(session, joiner, date(2025, 9, 30)) == 0.0  # before joining
        assert _earned(session, joiner, date(2026, 3, 1)) == 3.0  # a full year after
        assert _earned(session, unknown, date(2026, 11, 20)) == 11.0  # from January
        people.set_joined_on(session, unknown, date(2026, 10, 1), actor="hr")
    with transaction(sessions) as session:
        assert _earned(session, unknown, date(2026, 11, 20)) == 2.0
        entry = audit.recent(session)[0]
        assert (entry.action, entry.actor) == ("person.joined_on", "hr")
        assert entry.detail["joined_on"] == "2026-10-01"
        people.set_joined_on(session, unknown, date(2026, 10, 1), actor="hr")  # unchanged
    with transaction(sessions) as session:
        assert audit.recent(session)[0].id == entry.id  # no entry for no change


def test_balances_show_the_days_of_pending_requests(sessions: sessionmaker[Session]) -> None:
    who = _people(sessions)
    lan = who["lan"].person_id or uuid.UUID(int=0)
    start = _monday_with_three_weeks_left_in_its_year()
    with transaction(sessions) as session:
        assert next(b.pending for b in leave_types.balances(session, lan, start)
                    if b.leave_type.id == ANNUAL) == 0
        leave_requests.submit_leave(session, who["lan"], ANNUAL, start,
                                    start + timedelta(days=4), "", LINK)
    with transaction(sessions) as session:
        found = next(b for b in leave_types.balances(session, lan, start)
                     if b.leave_type.id == ANNUAL)
        assert found.pending == 5 and found.balance.taken == 0


def test_the_people_import_reads_the_joining_date(sessions: sessionmaker[Session]) -> None:
    first = ("name,code,ngày vào làm\nPhạm Thu,J001,2025-10-15\nVũ Nam,J002,\n"
             "Đỗ Hà,J003,15/13/2025\n").encode()
    with transaction(sessions) as session:
        report = imports.import_people(session, imports.read_rows("people.csv", first), "hr")
    assert (report.created, [(line, r.key) for line, r in report.rejected  # type: ignore[union-attr]
                             ]) == (2, [(4, "import_not_a_date")])
    again = "name,code,joined_on\nPhạm Thu,J001,\nVũ Nam,J002,01/10/2026\n".encode()
    with transaction(sessions) as session:
        assert imports.import_people(session, imports.read_rows("people.csv", again),
                                     "hr").updated == 2
    with transaction(sessions) as session:
        joined = {p.employee_code: p.joined_on for p in people.list_people(session)}
    assert joined == {"J001": date(2025, 10, 15), "J002": date(2026, 10, 1)}  # kept; set
