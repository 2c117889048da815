"""Staff requests on SQLite and PostgreSQL: leave within the balance, approval only by the
person's own leader or HR, what approval records (leave with its type, in the kiosks' feed;
a correction), refusal and withdrawal, leaders excusing their own staff when the site allows,
and each step's audit entry and e-mails."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import attendance
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.leave_models import LeaveRequestRow
from sync_server.db.models import Change
from sync_server.db.web_models import CorrectionRow, LeaveRow
from sync_server.errors import BadRequest, Conflict, Forbidden, ServerError
from sync_server.service import (
    audit,
    digest,
    leave_requests,
    leave_types,
    people,
    schedules,
    users,
)
from sync_server.service.users import CurrentUser, Role

ZONE = ZoneInfo(schedules.SITE_ZONE)
ANNUAL = uuid.uuid5(uuid.NAMESPACE_URL, "leave-type:annual")  # seeded by the migration
SICK = uuid.uuid5(uuid.NAMESPACE_URL, "leave-type:sick")
LINK = "http://127.0.0.1/hr/requests"


def _people(sessions: sessionmaker[Session]) -> dict[str, CurrentUser]:
    """Lan (Finance), her leader Minh (also Finance staff), Operations' leader, HR."""
    with transaction(sessions) as session:
        lan = people.create_person(session, "Trần Lan", "T001", "Finance", actor="hr").id
        minh = people.create_person(session, "Lê Minh", "T002", "Finance", actor="hr").id
        shift = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Office", "08:00", "17:00", working_days=(0, 1, 2, 3, 4)), actor="hr")
        schedules.save_assignment(session, shift.id, date(2025, 1, 1), None,
                                  department="Finance", actor="hr")
        for name, role, department, person in (
                ("lan", Role.STAFF, None, lan), ("minh", Role.LEADER, "Finance", minh),
                ("ops", Role.LEADER, "Operations", None), ("hr", Role.HR, None, None)):
            users.create_user(session, name, "a long enough password", role, department,
                              person, actor="admin")
            digest.set_recipient(session, name, f"{name}@example.test", None)
        leave_types.save_type(session, leave_types.LeaveTypeIn(  # all 12 days from January:
            "annual", "Nghỉ phép năm", "Annual leave", 12, False, 5, True),  # any month works
            ANNUAL, actor="hr")
    return {name: CurrentUser(uuid.uuid4(), name, role, department, person, "x")
            for name, role, department, person in (
                ("lan", Role.STAFF, None, lan), ("minh", Role.LEADER, "Finance", minh),
                ("ops", Role.LEADER, "Operations", None), ("hr", Role.HR, None, None))}


def _next_monday() -> date:
    today = utc_now().astimezone(ZONE).date()
    return today + timedelta(days=7 - today.weekday())


def _refused(sessions: sessionmaker[Session], action) -> ServerError:  # type: ignore[no-untyped-def]
    with pytest.raises(ServerError) as refused, transaction(sessions) as session:
        action(session)
    return refused.value


def test_leave_request_is_approved_by_the_leader_into_leave_and_feed(
        sessions: sessionmaker[Session]) -> None:
    who = _people(sessions)
    monday = _next_monday()
    with transaction(sessions) as session:
        sent = leave_requests.submit_leave(session, who["lan"], ANNUAL, monday,
                                           monday + timedelta(days=6), "family", LINK)
        request_id = sent.request.id
    assert sent.request.days == 5  # Monday to Friday: the weekend uses no leave
    assert [n.to for n in sent.notices] == ["minh@example.test"]  # her leader, not HR
    _subject, body = sent.notices[0].text("vi")
    assert "Trần Lan xin:" in body and LINK in body and "Reason" not in body
    assert isinstance(_refused(sessions, lambda s: leave_requests.decide(
        s, who["ops"], request_id, True, "", LINK)), Forbidden)  # another department
    with transaction(sessions) as session:
        notices = leave_requests.decide(session, who["minh"], request_id, True, "ok", LINK)
    assert [n.to for n in notices] == ["lan@example.test"]
    subject, body = notices[0].text("vi")
    assert "đã được duyệt" in subject and "approved" not in subject + body
    assert "approved" in notices[0].text("en")[1]
    with transaction(sessions) as session:
        row = session.get(LeaveRequestRow, request_id)
        assert row is not None and row.status == "approved"
        leave = session.get(LeaveRow, row.result_id)
        assert leave is not None and leave.leave_type_id == ANNUAL
        assert leave.created_by == "minh"
        fed = session.scalars(select(Change).where(Change.entity == "leave")).one()
        assert fed.data["person_id"] == str(who["lan"].person_id)
        assert fed.data["start"] == monday.isoformat()
        assert [e.action for e in audit.recent(session)[:3]] == [
            "request.approve", "leave.add", "request.submit"]
        balance = next(b.balance for b in leave_types.balances(
            session, who["lan"].person_id or uuid.UUID(int=0), monday + timedelta(days=6))
            if b.leave_type.code == "annual")
        assert balance.taken >= 5  # the year of the leave counts its working days
    assert isinstance(_refused(sessions, lambda s: leave_requests.decide(
        s, who["hr"], request_id, False, "", LINK)), Conflict)  # decided already


def test_balance_own_requests_and_withdrawal(sessions: sessionmaker[Session]) -> None:
    who = _people(sessions)
    monday = _next_monday()
    long_leave = _refused(sessions, lambda s: leave_requests.submit_leave(
        s, who["lan"], ANNUAL, monday, monday + timedelta(days=60), "trip", LINK))
    assert isinstance(long_leave, BadRequest) and long_leave.key == "leave_over_balance"
    with transaction(sessions) as session:  # sick leave has no balance
        sick = leave_requests.submit_leave(session, who["lan"], SICK, monday,
                                           monday + timedelta(days=60), "", LINK).request.id
        own = leave_requests.submit_leave(session, who["minh"], ANNUAL, monday, monday,
                                          "", LINK)
    assert [n.to for n in own.notices] == ["hr@example.test"]  # no other Finance leader
    assert isinstance(_refused(sessions, lambda s: leave_requests.decide(
        s, who["minh"], own.request.id, True, "", LINK)), Forbidden)  # never their own
    with transaction(sessions) as session:
        assert [r.id for r in leave_requests.requests_to_decide(session, who["minh"])] == [sick]
    assert _refused(sessions, lambda s: leave_requests.submit_leave(
        s, who["lan"], SICK, monday, monday, "", LINK)).key == "request_overlap"
    assert isinstance(_refused(sessions, lambda s: leave_requests.withdraw(
        s, who["minh"], sick)), Forbidden)
    with transaction(sessions) as session:
        leave_requests.withdraw(session, who["lan"], sick)
    with transaction(sessions) as session:
        assert session.get(LeaveRequestRow, sick).status == "withdrawn"  # type: ignore[union-attr]
        assert session.scalars(select(LeaveRow)).first() is None
    start = _monday_with_three_weeks_left_in_its_year()
    with transaction(sessions) as session:  # 10 of the 12 days, awaiting a decision
        leave_requests.submit_leave(session, who["lan"], ANNUAL, start,
                                    start + timedelta(days=11), "", LINK)
    more = _refused(sessions, lambda s: leave_requests.submit_leave(
        s, who["lan"], ANNUAL, start + timedelta(days=14), start + timedelta(days=18), "", LINK))
    assert more.key == "leave_over_balance" and more.params["left"] == "2"


def _monday_with_three_weeks_left_in_its_year() -> date:
    """A Monday within a year of today whose next three weeks fall in the same year."""
    monday = _next_monday()
    if monday.month == 12 and monday.day > 10:
        monday = date(monday.year + 1, 1, 7)
        monday += timedelta(days=(7 - monday.weekday()) % 7)
    return monday


def _last_monday() -> date:
    today = utc_now().astimezone(ZONE).date()
    return today - timedelta(days=(today.weekday() or 7))


def test_correction_request_becomes_a_correction_and_leaders_may_excuse_their_own(
        sessions: sessionmaker[Session]) -> None:
    who = _people(sessions)
    monday = _last_monday()
    late_in = datetime.combine(monday, time(8, 40), tzinfo=ZONE)
    with transaction(sessions) as session:
        sent = leave_requests.submit_correction(session, who["lan"], "add_punch",
                                                "kiosk was down", LINK, instant=late_in,
                                                punch_kind=attendance.PunchKind.CHECK_IN)
    with transaction(sessions) as session:
        leave_requests.decide(session, who["hr"], sent.request.id, True, "", LINK)
    with transaction(sessions) as session:
        made = session.get(CorrectionRow, session.get(
            LeaveRequestRow, sent.request.id).result_id)  # type: ignore[union-attr]
        assert made is not None and made.made_by == "hr" and made.instant == late_in
    lan = who["lan"].person_id or uuid.UUID(int=0)

    def excuse(user: str, allowed: bool):  # type: ignore[no-untyped-def]
        return lambda s: leave_requests.leader_excuse(s, who[user], lan, monday, "meeting",
                                                      allowed)

    assert _refused(sessions, excuse("minh", False)).key == "leaders_may_not_excuse"
    assert _refused(sessions, excuse("ops", True)).key == "not_yours"  # not her department
    with transaction(sessions) as session:
        excuse("minh", True)(session)
    with transaction(sessions) as session:
        entry = audit.recent(session)[0]
    assert (entry.action, entry.actor) == ("correction.excuse_late", "minh")
    assert _refused(sessions, excuse("minh", True)).key == "already_excused"
    with transaction(sessions) as session:
        again = leave_requests.submit_correction(session, who["lan"], "add_punch", "again",
                                                 LINK, instant=late_in).request.id
    with transaction(sessions) as session:
        [refusal] = leave_requests.decide(session, who["minh"], again, False, "đã có rồi", LINK)
    subject, body = refusal.text("vi")
    assert refusal.to == "lan@example.test" and "bị từ chối" in subject
    assert "đã có rồi" in body and "refused" in refusal.text("en")[1]
    with transaction(sessions) as session:
        assert session.get(LeaveRequestRow, again).result_id is None  # type: ignore[union-attr]
        assert audit.recent(session)[0].action == "request.refuse"


def test_leave_types_are_checked_and_audited(sessions: sessionmaker[Session]) -> None:
    spec = leave_types.LeaveTypeIn("wedding", "Nghỉ cưới", "Wedding leave", 3, False, 0, True)
    with transaction(sessions) as session:
        made = leave_types.save_type(session, spec, actor="hr")
        assert audit.recent(session)[0].action == "leave_type.save"
        assert {t.code for t in leave_types.list_types(session)} == {
            "annual", "sick", "unpaid", "business_trip", "wedding"}
    assert _refused(sessions, lambda s: leave_types.save_type(
        s, spec, actor="hr")).key == "leave_type_exists"
    assert _refused(sessions, lambda s: leave_types.save_type(
        s, leave_types.LeaveTypeIn("x y", "a", "b"), actor="hr")).key == "leave_type_code"
    assert _refused(sessions, lambda s: leave_types.save_type(
        s, leave_types.LeaveTypeIn("long", "a", "b", 400), made.id, actor="hr")
                    ).key == "leave_type_days"
