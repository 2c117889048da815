"""Manual corrections: add a missed punch, void a wrong one, excuse a late entry.

The original punches are never edited: a correction is a separate row (who, when, why),
applied on top of the raw punches by the domain core when reports are computed. Every
correction is written to the audit log in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

import attendance
from sync_server.clock import utc_now
from sync_server.db.models import Person, Punch
from sync_server.db.web_models import CorrectionRow
from sync_server.errors import BadRequest, NotFound
from sync_server.service import audit

MAX_REASON_CHARS = 500


def _check(session: Session, person_id: uuid.UUID, reason: str) -> str:
    if session.get(Person, person_id) is None:
        raise NotFound(f"no person {person_id}")
    reason = reason.strip()
    if not reason:
        raise BadRequest("a correction needs a reason")
    if len(reason) > MAX_REASON_CHARS:
        raise BadRequest(f"a reason has at most {MAX_REASON_CHARS} characters")
    return reason


def _store(session: Session, row: CorrectionRow) -> CorrectionRow:
    session.add(row)
    audit.record(session, row.made_by, "correction." + row.kind, "person", row.person_id,
                 {"correction_id": str(row.id), "reason": row.reason,
                  "punch_id": str(row.punch_id) if row.punch_id else None,
                  "instant": row.instant.isoformat() if row.instant else None,
                  "day": row.day.isoformat() if row.day else None})
    return row


def add_missed_punch(session: Session, person_id: uuid.UUID, instant: datetime,
                     punch_kind: attendance.PunchKind, reason: str,
                     made_by: str) -> CorrectionRow:
    """Record a punch the kiosk missed (``instant`` timezone-aware)."""
    reason = _check(session, person_id, reason)
    if instant.tzinfo is None:
        raise BadRequest("the missed punch's time needs a zone")
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
        raise NotFound(f"no punch {punch_id} of person {person_id}")
    return _store(session, CorrectionRow(
        id=uuid.uuid4(), kind=attendance.CorrectionKind.VOID_PUNCH.value, person_id=person_id,
        punch_id=punch_id, punch_kind="auto", reason=reason, made_by=made_by,
        made_at=utc_now()))


def excuse_late(session: Session, person_id: uuid.UUID, day: date, reason: str,
                made_by: str) -> CorrectionRow:
    """Excuse the late entry of one attendance date."""
    reason = _check(session, person_id, reason)
    return _store(session, CorrectionRow(
        id=uuid.uuid4(), kind=attendance.CorrectionKind.EXCUSE_LATE.value, person_id=person_id,
        day=day, punch_kind="auto", reason=reason, made_by=made_by, made_at=utc_now()))


def list_corrections(session: Session, person_ids: Collection[uuid.UUID] | None = None,
                     limit: int = 500) -> list[CorrectionRow]:
    """Newest first; only these people's when ``person_ids`` is given."""
    query = select(CorrectionRow).order_by(CorrectionRow.made_at.desc()).limit(limit)
    if person_ids is not None:
        query = query.where(CorrectionRow.person_id.in_(list(person_ids)))
    return list(session.scalars(query))


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
