"""Does a kiosk's punch count? The server's judgement of what a kiosk could have seen.

A punch counts at once only when all of these hold (docs/security.md):

- its person exists, and the kiosk had been sent something to identify them with before the
  punch's time: a template of the kiosk's recognizer, or the person's PIN or badge hash (a
  feed entry published then, at or below the cursor the kiosk acknowledged), or the kiosk's
  own approved enrolment of them (consent given before the punch);
- its time (``captured_at`` + offset) lies in the kiosk's window: not after the receipt by
  more than ``punch_skew_s``; not before the kiosk's provisioning, nor before its previous
  punch batch minus the site's longest offline period (``max_offline_days``);
- its clock offset is within ``offset_tolerance_s`` of the offset the server measured on the
  kiosk's own exchanges (``X-Kiosk-Time``; 0 when never measured).

Anything else is stored HELD with its reasons (``Reason``), acknowledged like any punch, and
counts nowhere until a person approves it (service.punch_review). Runs in the ingest's
transaction; each check is one query over the whole batch.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from protocol.feed import FeedEntity, FeedOp
from protocol.punches import HoldReason
from sync_server.clock import utc_now
from sync_server.db.alt_checkin_models import AltCheckinCredential
from sync_server.db.models import Change, ConsentRecord, Kiosk, Person, Template
from sync_server.db.trust_models import EnrolmentStatus, KioskEnrolment
from sync_server.service import punches
from sync_server.settings import TrustSettings

# Why a punch is held: codes stored in ``Punch.hold_reasons`` (the web translates them).
Reason = HoldReason


@dataclass(frozen=True)
class Window:
    """The instants a kiosk's punches may lie between (UTC), and the offset it should use."""

    earliest: datetime
    latest: datetime
    offset_s: float
    offset_tolerance_s: float


def measure_offset(kiosk: Kiosk, kiosk_time: str | None, now: datetime | None = None) -> None:
    """Note the kiosk's clock from its ``X-Kiosk-Time`` header (ISO 8601 with zone), if sent:
    server minus kiosk, seconds (one-way latency included: milliseconds on a LAN)."""
    if not kiosk_time:
        return
    try:
        sent = datetime.fromisoformat(kiosk_time)
    except ValueError:
        return
    if sent.tzinfo is None:
        return
    now = now or utc_now()
    offset = (now - sent).total_seconds()
    if math.isfinite(offset):
        kiosk.measured_offset_s, kiosk.measured_at = offset, now


def window(kiosk: Kiosk, rules: TrustSettings, now: datetime) -> Window:
    """The kiosk's plausible window as of this batch (before ``note_batch``)."""
    skew = timedelta(seconds=rules.punch_skew_s)
    earliest = kiosk.provisioned_at or kiosk.created_at
    if kiosk.punch_batch_at is not None:
        earliest = max(earliest, kiosk.punch_batch_at - timedelta(days=rules.max_offline_days))
    offset = kiosk.measured_offset_s if kiosk.measured_offset_s is not None else 0.0
    return Window(earliest - skew, now + skew, offset, rules.offset_tolerance_s)


def judge(session: Session, kiosk: Kiosk, batch: Sequence[punches.IncomingPunch],
          rules: TrustSettings, now: datetime) -> dict[uuid.UUID, list[Reason]]:
    """The reasons to hold each punch of the batch; a plausible punch is absent."""
    person_ids = {p.person_id for p in batch}
    known = set(session.scalars(select(Person.id).where(Person.id.in_(person_ids))))
    since = identifiable_since(session, kiosk, known)
    pending = _pending_at(session, kiosk.id, known)
    bounds = window(kiosk, rules, now)
    skew = timedelta(seconds=rules.punch_skew_s)
    held: dict[uuid.UUID, list[Reason]] = {}
    for punch in batch:
        at = punch.occurred_at()
        reasons = []
        if punch.person_id not in known:
            reasons.append(Reason.UNKNOWN_PERSON)
        elif since.get(punch.person_id) is None or since[punch.person_id] > at + skew:
            reasons.append(Reason.ENROLMENT_PENDING if punch.person_id in pending
                           else Reason.NOT_AT_KIOSK)
        if at > bounds.latest:
            reasons.append(Reason.AFTER_RECEIPT)
        if at < bounds.earliest:
            reasons.append(Reason.BEFORE_WINDOW)
        if abs((punch.clock_offset_s or 0.0) - bounds.offset_s) > bounds.offset_tolerance_s:
            reasons.append(Reason.CLOCK_OFFSET)
        if reasons:
            held[punch.id] = reasons
    return held


def identifiable_since(session: Session, kiosk: Kiosk,
                       person_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, datetime]:
    """Person -> the earliest instant from which ``kiosk`` could identify them (absent when
    it never could): see the module docstring for what counts."""
    ids = list(person_ids)
    if not ids:
        return {}
    cursor = kiosk.feed_cursor or 0
    templates = (
        select(Template.person_id, func.min(Change.created_at))
        .join(Change, (Change.entity_id == Template.id)
              & (Change.entity == FeedEntity.TEMPLATE.value))
        .where(Template.person_id.in_(ids), Change.recognizer_id == kiosk.recognizer_id,
               Change.seq <= cursor).group_by(Template.person_id))
    found: dict[uuid.UUID, datetime] = {}
    queries = [templates, _credential_query(AltCheckinCredential.pin_hash,
                                            AltCheckinCredential.pin_set_at, ids, cursor),
               _credential_query(AltCheckinCredential.badge_hash,
                                 AltCheckinCredential.badge_issued_at, ids, cursor),
               _own_enrolments(kiosk.id, ids)]
    for query in queries:
        for person_id, first in session.execute(query):
            if first is not None and (person_id not in found or first < found[person_id]):
                found[person_id] = first
    return found


def _credential_query(hash_column: InstrumentedAttribute[str | None],
                      issued_column: InstrumentedAttribute[datetime | None],
                      ids: list[uuid.UUID], cursor: int) -> Select[uuid.UUID, datetime]:
    """The first delivered person entry published after the PIN (or badge) was issued."""
    return (select(AltCheckinCredential.person_id, func.min(Change.created_at))
            .join(Change, (Change.entity_id == AltCheckinCredential.person_id)
                  & (Change.entity == FeedEntity.PERSON.value) & (Change.op == FeedOp.UPSERT.value))
            .where(AltCheckinCredential.person_id.in_(ids), hash_column.is_not(None),
                   Change.created_at >= issued_column, Change.seq <= cursor)
            .group_by(AltCheckinCredential.person_id))


def _own_enrolments(kiosk_id: uuid.UUID,
                    ids: list[uuid.UUID]) -> Select[uuid.UUID, datetime]:
    """The kiosk's own approved enrolments (a template pending review still names its
    enrolment) count from their consent, which was given at the kiosk."""
    return (select(Template.person_id, func.min(ConsentRecord.given_at))
            .join(ConsentRecord, ConsentRecord.id == Template.consent_id)
            .where(Template.person_id.in_(ids), Template.source_kiosk_id == kiosk_id,
                   Template.enrolment_id.is_(None))
            .group_by(Template.person_id))


def _pending_at(session: Session, kiosk_id: uuid.UUID,
                person_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    if not person_ids:
        return set()
    return set(session.scalars(select(KioskEnrolment.person_id).where(
        KioskEnrolment.kiosk_id == kiosk_id, KioskEnrolment.status == EnrolmentStatus.PENDING.value,
        KioskEnrolment.person_id.in_(list(person_ids)))))


def ingest_from_kiosk(session: Session, kiosk: Kiosk, batch: Sequence[punches.IncomingPunch],
                      rules: TrustSettings) -> punches.IngestResult:
    """Judge and store one kiosk batch (idempotent, see service.punches); then the batch
    becomes the kiosk's latest, which moves its window."""
    now = utc_now()
    held = judge(session, kiosk, batch, rules, now)
    result = punches.ingest(session, kiosk.id, batch,
                            {pid: [r.value for r in reasons] for pid, reasons in held.items()})
    kiosk.punch_batch_at = now
    return result
