"""Erasure records and each kiosk's confirmation of them.

Every erasure of biometrics (person deleted, deactivated, consent withdrawn) is recorded with
the feed entry (``tombstone_seq``) that carries it to the kiosks; the entry's data names the
erasure (``erasure_id``). A kiosk has confirmed an erasure only when it acknowledged that id
itself, after applying the entry (``confirm``): how far it read the feed proves nothing.
Kiosks revoked, or provisioned after the erasure (they never held the data), are not waited
for.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.models import Change, Erasure, ErasureAck, Kiosk
from sync_server.errors import NotFound
from sync_server.service import audit


class Reason(enum.Enum):
    DELETED = "deleted"
    DEACTIVATED = "deactivated"
    WITHDRAWN = "consent_withdrawn"
    RETENTION = "retention"


@dataclass(frozen=True)
class ErasureRecord:
    id: uuid.UUID
    person_id: uuid.UUID
    reason: str
    requested_by: str
    requested_at: datetime
    tombstone_seq: int
    templates_erased: int
    chips_erased: int


@dataclass(frozen=True)
class ErasureStatus:
    """An erasure and the kiosks that have (not) confirmed it, by name."""

    erasure: ErasureRecord
    confirmed: list[str]
    pending: list[str]


def _record_of(row: Erasure) -> ErasureRecord:
    return ErasureRecord(row.id, row.person_id, row.reason, row.requested_by, row.requested_at,
                         row.tombstone_seq, row.templates_erased, row.chips_erased)


def record(session: Session, person_id: uuid.UUID, reason: Reason, requested_by: str,
           tombstone: Change, templates: int, chips: int,
           erasure_id: uuid.UUID | None = None) -> ErasureRecord:
    """Store the erasure (in the caller's transaction, after the tombstone was published
    with ``erasure_id`` in its data)."""
    session.flush()  # assigns the tombstone's seq
    row = Erasure(id=erasure_id or uuid.uuid4(), person_id=person_id, reason=reason.value,
                  requested_by=requested_by, requested_at=utc_now(),
                  tombstone_seq=tombstone.seq, templates_erased=templates, chips_erased=chips)
    session.add(row)
    audit.record(session, requested_by, f"erasure.{reason.value}", "person", person_id,
                 {"erasure_id": str(row.id), "templates_erased": templates,
                  "chips_erased": chips, "tombstone_seq": tombstone.seq})
    return _record_of(row)


def acknowledge(session: Session, erasure_id: uuid.UUID, kiosk_id: uuid.UUID) -> None:
    """A kiosk says it has erased what ``erasure_id`` names (idempotent)."""
    if session.get(Erasure, erasure_id) is None:
        raise NotFound(f"no erasure {erasure_id}", "no_erasure")
    if session.get(ErasureAck, (erasure_id, kiosk_id)) is None:
        session.add(ErasureAck(erasure_id=erasure_id, kiosk_id=kiosk_id,
                               confirmed_at=utc_now()))


def confirm(session: Session, kiosk_id: uuid.UUID,
            erasure_ids: list[uuid.UUID]) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """A kiosk's acknowledgement of the erasures it applied: (confirmed, unknown ids)."""
    erasure_ids = list(dict.fromkeys(erasure_ids))
    known = set(session.scalars(select(Erasure.id).where(Erasure.id.in_(erasure_ids))))
    for erasure_id in erasure_ids:
        if erasure_id in known:
            acknowledge(session, erasure_id, kiosk_id)
    return ([e for e in erasure_ids if e in known], [e for e in erasure_ids if e not in known])


def records_of(session: Session, person_id: uuid.UUID) -> list[ErasureRecord]:
    """The person's erasure records, oldest first."""
    return [_record_of(row) for row in session.scalars(
        select(Erasure).where(Erasure.person_id == person_id).order_by(Erasure.requested_at))]


def note_feed_cursor(kiosk: Kiosk, after: int) -> None:
    """A kiosk asked for the feed after ``after`` (already checked against the feed's head):
    its position, for which templates it holds; it confirms no erasure."""
    if kiosk.feed_cursor is None or after > kiosk.feed_cursor:
        kiosk.feed_cursor = after


def status(session: Session, erasure_id: uuid.UUID) -> ErasureStatus:
    row = session.get(Erasure, erasure_id)
    if row is None:
        raise NotFound(f"no erasure {erasure_id}", "no_erasure")
    return _status(session, row, _kiosks(session))


def statuses(session: Session, pending_only: bool = False,
             person_id: uuid.UUID | None = None) -> list[ErasureStatus]:
    """Every erasure (newest first) with its confirmations; optionally only unconfirmed."""
    query = select(Erasure).order_by(Erasure.requested_at.desc())
    if person_id is not None:
        query = query.where(Erasure.person_id == person_id)
    kiosks = _kiosks(session)
    found = [_status(session, row, kiosks) for row in session.scalars(query)]
    return [item for item in found if item.pending] if pending_only else found


def _kiosks(session: Session) -> list[Kiosk]:
    return list(session.scalars(select(Kiosk).where(Kiosk.provisioned_at.is_not(None),
                                                    Kiosk.revoked_at.is_(None))
                                .order_by(Kiosk.name)))


def _status(session: Session, row: Erasure, kiosks: list[Kiosk]) -> ErasureStatus:
    acked = set(session.scalars(select(ErasureAck.kiosk_id)
                                .where(ErasureAck.erasure_id == row.id)))
    confirmed: list[str] = []
    pending: list[str] = []
    for kiosk in kiosks:
        if kiosk.provisioned_at is not None and kiosk.provisioned_at > row.requested_at:
            continue
        done = kiosk.id in acked
        (confirmed if done else pending).append(kiosk.name)
    return ErasureStatus(_record_of(row), confirmed, pending)
