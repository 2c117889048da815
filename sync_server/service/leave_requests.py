"""Staff requests and their approval: leave ("annual leave 8-10/12") and corrections ("I
forgot to check out at 17:30", "excuse my lateness on 3/12").

A person submits a request for themself (staff) and it waits, ``pending``, for a decision by
their department's leader or by HR (a leader never decides their own request, nor another
department's). Approved, it becomes what HR would have entered: a leave record (which the
reports and the kiosks' feed then carry) or a correction. Refused, nothing changes; a pending
request may be withdrawn by its person. Every step is audited ("request.submit",
"request.approve", "request.refuse", "request.withdraw") and returns the e-mails it causes
(``request_mail.Notice``), to be sent once the transaction has committed.

Leave of a counted type (annual) may not exceed the person's balance of the year
(``leave_types.balances``): checked when submitted (together with their other pending
requests of the type) and again when approved (against granted leave only).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

import attendance
from sync_server.clock import utc_now
from sync_server.db.leave_models import LeaveRequestRow, LeaveTypeRow
from sync_server.db.models import Person
from sync_server.errors import BadRequest, Conflict, Forbidden, NotFound
from sync_server.service import audit, corrections, leave_types, leaves, reports, schedules
from sync_server.service import request_mail as mail
from sync_server.service.users import CurrentUser, Role


class Status(enum.Enum):
    PENDING = leave_types.PENDING
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


CORRECTION_KINDS = ("add_punch", "excuse_late")


@dataclass(frozen=True)
class Submitted:
    request: LeaveRequestRow
    notices: list[mail.Notice]


def _person(session: Session, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}", "no_person", "person_id")
    return person


def _own(user: CurrentUser) -> uuid.UUID:
    if user.person_id is None:
        raise Forbidden("this login belongs to no person", "no_own_record")
    return user.person_id


def _audit(session: Session, actor: str, action: str, row: LeaveRequestRow) -> None:
    audit.record(session, actor, action, "person", row.person_id, {
        "request_id": str(row.id), "kind": row.kind,
        "correction_kind": row.correction_kind,
        "start": row.start.isoformat() if row.start else None,
        "end": row.end.isoformat() if row.end else None,
        "day": row.day.isoformat() if row.day else None,
        "instant": row.instant.isoformat() if row.instant else None,
        "reason": row.reason, "note": row.decision_note})


def _new(user: CurrentUser, person_id: uuid.UUID, kind: str, reason: str,
         **fields: object) -> LeaveRequestRow:
    return LeaveRequestRow(id=uuid.uuid4(), person_id=person_id, kind=kind,
                           status=Status.PENDING.value, reason=reason.strip(),
                           submitted_by=user.username, submitted_at=utc_now(), **fields)


def _pending_days(session: Session, leave: leaves.LeaveIn, kind: LeaveTypeRow,
                  schedule: attendance.Schedule, person: attendance.Person) -> dict[int, int]:
    """Working days per year of the person's other pending requests of this type."""
    found: dict[int, int] = {}
    for row in session.scalars(select(LeaveRequestRow).where(
            LeaveRequestRow.person_id == leave.person_id, LeaveRequestRow.kind == "leave",
            LeaveRequestRow.status == Status.PENDING.value,
            LeaveRequestRow.leave_type_id == kind.id)):
        if row.start and row.end:
            for year, days in attendance.working_days_by_year(schedule, person, row.start,
                                                              row.end).items():
                found[year] = found.get(year, 0) + days
    return found


def _check_balance(session: Session, leave: leaves.LeaveIn, kind: LeaveTypeRow,
                   count_pending: bool = True) -> float:
    """Working days the leave uses; refused beyond the year's balance of a counted type
    (less what the person's other pending requests of the type would use, when
    ``count_pending``: a request is submitted; approving one counts granted leave only)."""
    schedule = schedules.load_schedule(session)
    person = reports.to_domain_person(_person(session, leave.person_id))
    by_year = attendance.working_days_by_year(schedule, person, leave.start, leave.end)
    if not kind.counted:
        return float(sum(by_year.values()))
    pending = _pending_days(session, leave, kind, schedule, person) if count_pending else {}
    for year, days in by_year.items():
        as_of = leave.end if year == leave.end.year else date(year, 12, 31)
        found = next(b.balance for b in leave_types.balances(session, leave.person_id, as_of)
                     if b.leave_type.id == kind.id)
        left = round(found.available - pending.get(year, 0), 2)
        if days > left:
            raise BadRequest(f"{days} days asked, {left:g} left in {year}",
                             "leave_over_balance", "end", days=days, left=f"{left:g}",
                             year=year)
    return float(sum(by_year.values()))


def _check_pending_overlap(session: Session, leave: leaves.LeaveIn) -> None:
    other = session.scalars(select(LeaveRequestRow).where(
        LeaveRequestRow.person_id == leave.person_id, LeaveRequestRow.kind == "leave",
        LeaveRequestRow.status == Status.PENDING.value, LeaveRequestRow.start <= leave.end,
        LeaveRequestRow.end >= leave.start)).first()
    if other is not None and other.start and other.end:
        raise BadRequest("another request for these days awaits a decision",
                         "request_overlap", "start", start=other.start, end=other.end)


def submit_leave(session: Session, user: CurrentUser, type_id: uuid.UUID, start: date,
                 end: date, reason: str, link: str) -> Submitted:
    """The user's own leave request (pending), with the e-mails to their leader."""
    leave = leaves.LeaveIn(_own(user), start, end, reason, type_id)
    kind = leave_types.get_type(session, type_id)
    if not kind.active:
        raise BadRequest(f"leave type {kind.code} is no longer offered", "leave_type_inactive",
                         "leave_type_id")
    leaves.validate(session, leave, utc_now())
    _check_pending_overlap(session, leave)
    days = _check_balance(session, leave, kind)
    row = _new(user, leave.person_id, "leave", reason or "-", leave_type_id=type_id,
               start=start, end=end, days=days)
    session.add(row)
    _audit(session, user.username, "request.submit", row)
    return Submitted(row, mail.submitted(session, row, _person(session, row.person_id), kind,
                                         link))


def submit_correction(session: Session, user: CurrentUser, correction_kind: str,
                      reason: str, link: str, instant: datetime | None = None,
                      punch_kind: attendance.PunchKind = attendance.PunchKind.CHECK_OUT,
                      day: date | None = None) -> Submitted:
    """The user's own correction request: a missed punch at ``instant`` or an excuse for
    the lateness of ``day`` (checked as HR's correction would be)."""
    person_id = _own(user)
    if correction_kind == "add_punch" and instant is not None:
        reason = corrections.check_missed_punch(session, person_id, instant, reason)
        row = _new(user, person_id, "correction", reason, correction_kind=correction_kind,
                   instant=instant, punch_kind=punch_kind.value)
    elif correction_kind == "excuse_late" and day is not None:
        reason = corrections.check_excusable(session, person_id, day, reason)
        row = _new(user, person_id, "correction", reason, correction_kind=correction_kind,
                   day=day)
    else:
        raise BadRequest(f"unknown correction request {correction_kind!r}",
                         "unknown_correction", "correction_kind")
    session.add(row)
    _audit(session, user.username, "request.submit", row)
    return Submitted(row, mail.submitted(session, row, _person(session, person_id), None,
                                         link))


def may_decide(user: CurrentUser, person: Person) -> bool:
    """HR and admins decide anyone's request; a leader their own department's, never their
    own."""
    if user.sees_everyone:
        return True
    return (user.role is Role.LEADER and user.department is not None
            and person.department == user.department and user.person_id != person.id)


def _pending(session: Session, request_id: uuid.UUID) -> LeaveRequestRow:
    row = session.get(LeaveRequestRow, request_id)
    if row is None:
        raise NotFound(f"no request {request_id}", "no_request")
    if row.status != Status.PENDING.value:
        raise Conflict(f"request {request_id} is already {row.status}", "request_decided")
    return row


def _apply(session: Session, row: LeaveRequestRow, actor: str) -> uuid.UUID:
    """Make the approved request real: a leave record or a correction; returns its id."""
    if row.kind == "leave" and row.start and row.end and row.leave_type_id:
        leave = leaves.LeaveIn(row.person_id, row.start, row.end, row.reason,
                               row.leave_type_id)
        _check_balance(session, leave, leave_types.get_type(session, row.leave_type_id),
                       count_pending=False)
        return leaves.add_leave(session, leave, actor).id
    if row.correction_kind == "add_punch" and row.instant is not None:
        return corrections.add_missed_punch(
            session, row.person_id, row.instant,
            attendance.PunchKind(row.punch_kind or "auto"), row.reason, actor).id
    if row.correction_kind == "excuse_late" and row.day is not None:
        return corrections.excuse_late(session, row.person_id, row.day, row.reason, actor).id
    raise Conflict(f"request {row.id} cannot be applied", "request_broken")


def decide(session: Session, user: CurrentUser, request_id: uuid.UUID, approve: bool,
           note: str, link: str) -> list[mail.Notice]:
    """Approve (the leave or correction is recorded, by ``user``) or refuse a pending
    request; returns the e-mail to its person."""
    row = _pending(session, request_id)
    if not may_decide(user, _person(session, row.person_id)):
        raise Forbidden("only the person's leader or HR decides this request", "not_yours")
    if approve:
        row.result_id = _apply(session, row, user.username)
    row.status = (Status.APPROVED if approve else Status.REFUSED).value
    row.decided_by, row.decided_at = user.username, utc_now()
    row.decision_note = note.strip()[:500] or None
    _audit(session, user.username, "request." + ("approve" if approve else "refuse"), row)
    kind = session.get(LeaveTypeRow, row.leave_type_id) if row.leave_type_id else None
    return mail.decided(session, row, kind, link)


def withdraw(session: Session, user: CurrentUser, request_id: uuid.UUID) -> None:
    """The person takes back their own pending request."""
    row = _pending(session, request_id)
    if row.person_id != user.person_id:
        raise Forbidden("only its person withdraws a request", "not_yours")
    row.status = Status.WITHDRAWN.value
    row.decided_by, row.decided_at = user.username, utc_now()
    _audit(session, user.username, "request.withdraw", row)


def own_requests(session: Session, person_id: uuid.UUID, limit: int = 50) -> list[LeaveRequestRow]:
    return list(session.scalars(select(LeaveRequestRow)
                                .where(LeaveRequestRow.person_id == person_id)
                                .order_by(LeaveRequestRow.submitted_at.desc()).limit(limit)))


def requests_to_decide(session: Session, user: CurrentUser,
                       statuses: Collection[Status] = (Status.PENDING,),
                       limit: int = 200) -> list[LeaveRequestRow]:
    """Requests the user may decide, oldest pending first."""
    query = (select(LeaveRequestRow, Person).join(Person, Person.id == LeaveRequestRow.person_id)
             .where(LeaveRequestRow.status.in_([s.value for s in statuses]))
             .order_by(LeaveRequestRow.submitted_at).limit(limit))
    if not user.sees_everyone:
        query = query.where(Person.department == (user.department or "\0none"))
    return [row for row, person in session.execute(query) if may_decide(user, person)]


def leader_excuse(session: Session, user: CurrentUser, person_id: uuid.UUID, day: date,
                  reason: str, allowed: bool) -> uuid.UUID:
    """A leader excuses the lateness of someone of their own department (when the site
    allows it: ``hr.leaders_may_excuse``); HR may always. Recorded as HR's excuse is."""
    person = _person(session, person_id)
    if user.role is Role.LEADER and not allowed:
        raise Forbidden("leaders may not excuse lateness at this site", "leaders_may_not_excuse")
    if not may_decide(user, person):
        raise Forbidden("only the person's leader or HR excuses their lateness", "not_yours")
    return corrections.excuse_late(session, person_id, day, reason, user.username).id
