"""Held punches and their review: a person approves (it counts) or rejects (it never does).

A punch the server did not believe (service.punch_trust) is stored ``held``; reports read
only ``COUNTED`` punches. Each decision is audited in the same transaction, and the row
keeps who decided and when (a report's data version moves with ``reviewed_at``).
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, func, select, update
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.models import Kiosk, Person, Punch
from sync_server.errors import BadRequest, NotFound
from sync_server.service import audit


class Review(enum.Enum):
    ACCEPTED = "accepted"  # plausible on ingest
    HELD = "held"
    APPROVED = "approved"
    REJECTED = "rejected"


class Decision(enum.Enum):
    APPROVE = "approve"
    REJECT = "reject"


COUNTED = (Review.ACCEPTED.value, Review.APPROVED.value)
REVIEWED = (Review.APPROVED.value, Review.REJECTED.value)


def counted() -> ColumnElement[bool]:
    """The filter every report applies: accepted on ingest, or approved by a person."""
    return Punch.review.in_(COUNTED)


@dataclass(frozen=True)
class HeldPunch:
    """One held punch as the review page lists it."""

    id: uuid.UUID
    occurred_at: datetime
    captured_at: datetime
    clock_offset_s: float | None
    received_at: datetime
    kind: str
    source: str
    reasons: list[str]
    kiosk_name: str
    person_id: uuid.UUID
    person_name: str | None  # None: no such person
    department: str | None


def list_held(session: Session, limit: int = 500) -> list[HeldPunch]:
    """Held punches, oldest first (at most ``limit``)."""
    rows = session.execute(
        select(Punch, Kiosk.name, Person.display_name, Person.department)
        .join(Kiosk, Kiosk.id == Punch.kiosk_id)
        .outerjoin(Person, Person.id == Punch.person_id)
        .where(Punch.review == Review.HELD.value)
        .order_by(Punch.occurred_at, Punch.id).limit(limit))
    return [HeldPunch(p.id, p.occurred_at, p.captured_at, p.clock_offset_s, p.received_at,
                      p.kind, p.source, (p.hold_reasons or "").split(), kiosk, p.person_id,
                      name, department)
            for p, kiosk, name, department in rows]


def count_held(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Punch)
                              .where(Punch.review == Review.HELD.value)) or 0)


def decide(session: Session, punch_ids: Collection[uuid.UUID], decision: Decision,
           actor: str) -> int:
    """Approve or reject held punches; returns how many were decided (others are skipped:
    already decided, or never held). Approving a punch of an unknown person is refused."""
    ids = list(punch_ids)
    if not ids:
        raise BadRequest("choose at least one held punch", "choose_punch")
    rows = list(session.scalars(select(Punch).where(Punch.id.in_(ids),
                                                    Punch.review == Review.HELD.value)))
    if not rows and len(ids) == 1 and session.get(Punch, ids[0]) is None:
        raise NotFound(f"no punch {ids[0]}", "no_punch")
    if decision is Decision.APPROVE:
        known = set(session.scalars(select(Person.id).where(
            Person.id.in_([r.person_id for r in rows]))))
        if any(r.person_id not in known for r in rows):
            raise BadRequest("a punch of a person who does not exist cannot count: reject it",
                             "punch_unknown_person")
    now = utc_now()
    status = Review.APPROVED if decision is Decision.APPROVE else Review.REJECTED
    for row in rows:
        row.review, row.reviewed_by, row.reviewed_at = status.value, actor, now
        audit.record(session, actor, f"punch.{decision.value}", "punch", row.id,
                     {"person_id": str(row.person_id), "kiosk_id": str(row.kiosk_id),
                      "occurred_at": row.occurred_at.isoformat(),
                      "reasons": row.hold_reasons})
    return len(rows)


def release_for_enrolment(session: Session, kiosk_id: uuid.UUID, person_id: uuid.UUID,
                          actor: str) -> int:
    """Approve the kiosk's punches of the person held ONLY because its enrolment of them
    was pending (approving the enrolment vouches for the face); audited as one entry."""
    now = utc_now()
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]  # an UPDATE
        update(Punch).where(Punch.kiosk_id == kiosk_id, Punch.person_id == person_id,
                            Punch.review == Review.HELD.value,
                            Punch.hold_reasons == "enrolment_pending")
        .values(review=Review.APPROVED.value, reviewed_by=actor, reviewed_at=now)
        .execution_options(synchronize_session=False))
    released = int(result.rowcount or 0)
    if released:
        audit.record(session, actor, "punch.approve_with_enrolment", "person", person_id,
                     {"kiosk_id": str(kiosk_id), "punches": released})
    return released
