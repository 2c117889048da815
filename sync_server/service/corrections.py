"""Manual corrections: add a missed punch, void a wrong one, excuse a late entry.

The original punches are never edited: a correction is a separate row (who, when, why),
applied on top of the raw punches by the domain core when reports are computed. Every
correction, and every undo of one, is written to the audit log in the same transaction.

A correction must concern a day that needs it: nothing in the future or more than
:data:`HORIZON_DAYS` ago; an excuse only for a day the person was late and not yet excused
(never a day off, a holiday or leave); a void only for a punch not already voided. An added
punch is taken back by undoing its correction.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import attendance
from sync_server.clock import utc_now
from sync_server.db.models import Person, Punch
from sync_server.db.web_models import CorrectionRow
from sync_server.errors import BadRequest, NotFound
from sync_server.service import audit
from sync_server.service.schedules import SITE_ZONE

MAX_REASON_CHARS = 500
HORIZON_DAYS = 366  # corrections reach back at most a year


def _check(session: Session, person_id: uuid.UUID, reason: str) -> str:
    if session.get(Person, person_id) is None:
        raise NotFound(f"no person {person_id}", "no_person", "person_id")
    reason = reason.strip()
    if not reason:
        raise BadRequest("a correction needs a reason", "reason_needed", "reason")
    if len(reason) > MAX_REASON_CHARS:
        raise BadRequest(f"a reason has at most {MAX_REASON_CHARS} characters",
                         "reason_too_long", "reason", chars=MAX_REASON_CHARS)
    return reason


def _check_day(day: date, now: datetime, field: str) -> None:
    """Refuse a local date in the future or more than :data:`HORIZON_DAYS` ago."""
    today = now.astimezone(ZoneInfo(SITE_ZONE)).date()
    if day > today:
        raise BadRequest(f"{day} is in the future", "future", field, day=day)
    if day < today - timedelta(days=HORIZON_DAYS):
        raise BadRequest(f"{day} is more than a year ago", "too_old", field, day=day)


def _store(session: Session, row: CorrectionRow) -> CorrectionRow:
    session.add(row)
    audit.record(session, row.made_by, "correction." + row.kind, "person", row.person_id,
                 {"correction_id": str(row.id), "reason": row.reason,
                  "punch_id": str(row.punch_id) if row.punch_id else None,
                  "instant": row.instant.isoformat() if row.instant else None,
                  "day": row.day.isoformat() if row.day else None})
    return row


def check_missed_punch(session: Session, person_id: uuid.UUID, instant: datetime,
                       reason: str) -> str:
    """Refuse a missed punch in the future, more than a year ago or without a reason;
    returns the reason as stored."""
    reason = _check(session, person_id, reason)
    if instant.tzinfo is None:
        raise BadRequest("the missed punch's time needs a zone", "not_a_time", "instant")
    now = utc_now()
    if instant > now:
        raise BadRequest(f"{instant} is in the future", "future", "instant",
                         day=instant.astimezone(ZoneInfo(SITE_ZONE)).date())
    _check_day(instant.astimezone(ZoneInfo(SITE_ZONE)).date(), now, "instant")
    return reason


def add_missed_punch(session: Session, person_id: uuid.UUID, instant: datetime,
                     punch_kind: attendance.PunchKind, reason: str,
                     made_by: str) -> CorrectionRow:
    """Record a punch the kiosk missed (``instant`` timezone-aware)."""
    reason = check_missed_punch(session, person_id, instant, reason)
    return _store(session, CorrectionRow(
        id=uuid.uuid4(), kind=attendance.CorrectionKind.ADD_PUNCH.value, person_id=person_id,
        instant=instant, punch_kind=punch_kind.value, reason=reason, made_by=made_by,
        made_at=utc_now()))


def void_punch(session: Session, person_id: uuid.UUID, punch_id: uuid.UUID, reason: str,
               made_by: str) -> CorrectionRow:
    """Ignore a wrong punch in every report (the punch row stays as captured)."""
    reason = _check(session, person_id, reason)
    punch = session.get(Punch, punch_id)
    if punch is None or punch.person_id != person_id:
        raise NotFound(f"no punch {punch_id} of person {person_id}", "no_punch", "punch_id")
    if session.scalars(select(CorrectionRow.id).where(
            CorrectionRow.kind == attendance.CorrectionKind.VOID_PUNCH.value,
            CorrectionRow.punch_id == punch_id)).first() is not None:
        raise BadRequest(f"punch {punch_id} is already voided", "already_void", "punch_id")
    return _store(session, CorrectionRow(
        id=uuid.uuid4(), kind=attendance.CorrectionKind.VOID_PUNCH.value, person_id=person_id,
        punch_id=punch_id, punch_kind="auto", reason=reason, made_by=made_by,
        made_at=utc_now()))


def excuse_late(session: Session, person_id: uuid.UUID, day: date, reason: str,
                made_by: str) -> CorrectionRow:
    """Excuse the late entry of one attendance date: only a past day on which the person
    had a shift, was late and has not been excused yet."""
    reason = check_excusable(session, person_id, day, reason)
    return _store(session, CorrectionRow(
        id=uuid.uuid4(), kind=attendance.CorrectionKind.EXCUSE_LATE.value, person_id=person_id,
        day=day, punch_kind="auto", reason=reason, made_by=made_by, made_at=utc_now()))


def check_excusable(session: Session, person_id: uuid.UUID, day: date, reason: str) -> str:
    """Refuse excusing a day that is not a past late day still unexcused, or without a
    reason; returns the reason as stored."""
    reason = _check(session, person_id, reason)
    now = utc_now()
    _check_day(day, now, "day")
    _check_late(session, person_id, day, now)
    return reason


_NOTHING_EXPECTED = {attendance.DayStatus.NO_SHIFT, attendance.DayStatus.HOLIDAY,
                     attendance.DayStatus.ON_LEAVE}


def _check_late(session: Session, person_id: uuid.UUID, day: date, now: datetime) -> None:
    # reports builds on this module (it applies corrections), hence the late import
    from sync_server.service import reports

    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}", "no_person", "person_id")
    summary = reports.day_summaries(session, [person], day, day, now)[0]
    if summary.status in _NOTHING_EXPECTED:
        raise BadRequest(f"no shift on {day}", "no_shift", "day", day=day)
    if summary.late_excused:
        raise BadRequest(f"lateness on {day} already excused", "already_excused", "day",
                         day=day)
    if summary.late_minutes <= 0:
        raise BadRequest(f"not late on {day}", "not_late", "day", day=day)


def undo(session: Session, correction_id: uuid.UUID, actor: str) -> CorrectionRow:
    """Take a correction back (an added punch disappears, a voided punch counts again, an
    excused day is late again); the audit entry ("correction.undo") keeps what it was."""
    row = session.get(CorrectionRow, correction_id)
    if row is None:
        raise NotFound(f"no correction {correction_id}", "no_correction")
    audit.record(session, actor, "correction.undo", "person", row.person_id,
                 {"correction_id": str(row.id), "kind": row.kind, "reason": row.reason,
                  "instant": row.instant.isoformat() if row.instant else None,
                  "day": row.day.isoformat() if row.day else None,
                  "punch_id": str(row.punch_id) if row.punch_id else None})
    session.delete(row)
    return row


def list_corrections(session: Session, person_ids: Collection[uuid.UUID] | None = None,
                     limit: int = 500) -> list[CorrectionRow]:
    """Newest first; only these people's when ``person_ids`` is given."""
    query = select(CorrectionRow).order_by(CorrectionRow.made_at.desc()).limit(limit)
    if person_ids is not None:
        query = query.where(CorrectionRow.person_id.in_(list(person_ids)))
    return list(session.scalars(query))


_NEWEST_FIRST = (CorrectionRow.made_at.desc(), CorrectionRow.id)


def count_corrections(session: Session) -> int:
    """How many corrections there are (the corrections page's total)."""
    return int(session.scalar(select(func.count()).select_from(CorrectionRow)) or 0)


def correction_page(session: Session, offset: int, limit: int) -> list[CorrectionRow]:
    """Corrections ``offset`` .. ``offset + limit``, newest first, read in SQL."""
    return list(session.scalars(select(CorrectionRow).order_by(*_NEWEST_FIRST)
                                .offset(offset).limit(limit)))


def correction_texts(session: Session) -> list[tuple[uuid.UUID, uuid.UUID, str, str]]:
    """(id, person id, reason, made by) of every correction, newest first: what a search
    of the corrections page reads."""
    query = select(CorrectionRow.id, CorrectionRow.person_id, CorrectionRow.reason,
                   CorrectionRow.made_by).order_by(*_NEWEST_FIRST)
    return [(i, person, reason, by) for i, person, reason, by in session.execute(query)]


def corrections_by_id(session: Session, ids: list[uuid.UUID]) -> list[CorrectionRow]:
    """These corrections, in this order."""
    found = {row.id: row for row in session.scalars(select(CorrectionRow)
                                                     .where(CorrectionRow.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def to_domain(row: CorrectionRow) -> attendance.Correction:
    return attendance.Correction(
        id=row.id, kind=attendance.CorrectionKind(row.kind), person_id=row.person_id,
        reason=row.reason, made_by=row.made_by, made_at=row.made_at, punch_id=row.punch_id,
        instant=row.instant, punch_kind=attendance.PunchKind(row.punch_kind), day=row.day)


def domain_corrections(session: Session,
                       person_ids: Collection[uuid.UUID]) -> list[attendance.Correction]:
    """Every correction of these people, for the domain core."""
    rows = session.scalars(select(CorrectionRow)
                           .where(CorrectionRow.person_id.in_(list(person_ids))))
    return [to_domain(row) for row in rows]
