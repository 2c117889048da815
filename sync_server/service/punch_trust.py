"""Does a kiosk's punch count? The server's judgement of what a kiosk could have seen.

A punch counts at once only when all of these hold (docs/security.md):

- its person exists, and the kiosk had been sent something to identify them with before the
  punch's time: a template of the kiosk's recognizer, or the person's PIN or badge hash (a
  feed entry published then for the kiosk's site, at or below the cursor the kiosk
  acknowledged), or the kiosk's own approved enrolment of them (consent given before the
  punch);
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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from protocol.feed import FeedEntity, FeedOp
from protocol.punches import HoldReason
from sync_server.clock import utc_now
from sync_server.db.alt_checkin_models import AltCheckinCredential
from sync_server.db.models import Change, ConsentRecord, Kiosk, Person, Template
from sync_server.db.trust_models import EnrolmentStatus, KioskEnrolment
from sync_server.service import feed, punches
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
    it never could): see the module docstring for what counts. Every query starts from the
    batch's people (primary keys and the person_id index), never from the whole feed."""
    ids = list(person_ids)
    found: dict[uuid.UUID, datetime] = {}
    if ids:
        cursor = kiosk.feed_cursor or 0
        for person_id, first in [*_by_templates(session, kiosk, ids, cursor),
                                 *_by_credentials(session, kiosk, ids, cursor)]:
            if person_id not in found or first < found[person_id]:
                found[person_id] = first
    return found


def _by_templates(session: Session, kiosk: Kiosk, ids: list[uuid.UUID],
                  cursor: int) -> list[tuple[uuid.UUID, datetime]]:
    """(person, instant) for each approved template the kiosk could use: its own enrolment
    from the consent given at the kiosk; the others from their delivered feed entry."""
    rows = session.execute(
        select(Template.id, Template.person_id, Template.recognizer_id,
               Template.source_kiosk_id, ConsentRecord.given_at)
        .join(ConsentRecord, ConsentRecord.id == Template.consent_id)
        .where(Template.person_id.in_(ids), Template.enrolment_id.is_(None))).all()
    found = [(person, given) for _t, person, _r, source, given in rows if source == kiosk.id]
    usable = {template: person for template, person, recognizer, _s, _g in rows
              if recognizer == kiosk.recognizer_id}
    if usable:
        found += [(usable[template], first) for template, first in session.execute(
            select(Change.entity_id, func.min(Change.created_at))
            .where(Change.entity == FeedEntity.TEMPLATE.value,
                   Change.entity_id.in_(list(usable)), Change.seq <= cursor,
                   feed.for_site(session, kiosk.site_id))  # sent to this kiosk's site
            .group_by(Change.entity_id))]
    return found


def _by_credentials(session: Session, kiosk: Kiosk, ids: list[uuid.UUID],
                    cursor: int) -> list[tuple[uuid.UUID, datetime]]:
    """(person, instant) of the first delivered person entry published after their PIN or
    badge was issued (the entry carries the hash)."""
    issued: dict[uuid.UUID, datetime] = {}
    for row in session.scalars(select(AltCheckinCredential).where(
            AltCheckinCredential.person_id.in_(ids))):
        times = [t for h, t in ((row.pin_hash, row.pin_set_at),
                                (row.badge_hash, row.badge_issued_at)) if h and t]
        if times:
            issued[row.person_id] = min(times)
    if not issued:
        return []
    entries = session.execute(
        select(Change.entity_id, Change.created_at)
        .where(Change.entity == FeedEntity.PERSON.value, Change.op == FeedOp.UPSERT.value,
               Change.entity_id.in_(list(issued)), Change.seq <= cursor,
               feed.for_site(session, kiosk.site_id)))
    return [(person, at) for person, at in entries if at >= issued[person]]


def _pending_at(session: Session, kiosk_id: uuid.UUID,
                person_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    if not person_ids:
        return set()
    return set(session.scalars(select(KioskEnrolment.person_id).where(
        KioskEnrolment.kiosk_id == kiosk_id,
        KioskEnrolment.status == EnrolmentStatus.PENDING.value,
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
