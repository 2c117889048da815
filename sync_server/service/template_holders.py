"""Which kiosks hold a person's face templates.

A kiosk holds them when the feed cursor it acknowledged (``Kiosk.feed_cursor``: reported in
its heartbeat after applying a page, or the cursor it last asked the feed from) has reached
the newest feed entry publishing one of them for the kiosk's recognizer. The feed sends a
kiosk only its own recognizer's templates, so kiosks running another recognizer never hold
them (they are listed apart: the person must be enrolled again for them). Revoked and
not-yet-provisioned kiosks are left out, and so are the kiosks of other sites than the
person's (service.sites): they never receive the person.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from protocol.feed import FeedEntity
from sync_server.db.models import Change, Kiosk, Template
from sync_server.service import sites


@dataclass(frozen=True)
class Holders:
    """Kiosk names, sorted: ``held`` (up to date), ``pending`` (not yet), ``other`` (another
    recognizer, or none reported yet)."""

    held: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)


def publication_seqs(session: Session, person_id: uuid.UUID) -> dict[str, int]:
    """Recognizer -> feed seq of the newest publication of the person's templates."""
    template_ids = select(Template.id).where(Template.person_id == person_id)
    rows = session.execute(
        select(Change.recognizer_id, func.max(Change.seq))
        .where(Change.entity == FeedEntity.TEMPLATE.value, Change.entity_id.in_(template_ids))
        .group_by(Change.recognizer_id))
    return {str(recognizer): int(seq) for recognizer, seq in rows if recognizer is not None}


def template_holders(session: Session, person_id: uuid.UUID) -> Holders:
    """Which kiosks hold the person's templates (empty lists when they have none)."""
    seqs = publication_seqs(session, person_id)
    if not seqs:
        return Holders()
    site = sites.person_site(session, person_id)
    return _holders(seqs, [k for k in _live_kiosks(session)
                           if sites.kiosk_site(session, k) == site])


def holders_by_person(session: Session) -> dict[uuid.UUID, Holders]:
    """``template_holders`` for everyone with templates, in two queries (the people list)."""
    rows = session.execute(
        select(Template.person_id, Change.recognizer_id, func.max(Change.seq))
        .join(Change, (Change.entity_id == Template.id)
              & (Change.entity == FeedEntity.TEMPLATE.value))
        .group_by(Template.person_id, Change.recognizer_id))
    seqs: dict[uuid.UUID, dict[str, int]] = {}
    for person_id, recognizer, seq in rows:
        if recognizer is not None:
            seqs.setdefault(person_id, {})[str(recognizer)] = int(seq)
    by_site: dict[uuid.UUID, list[Kiosk]] = {}
    for kiosk in _live_kiosks(session):
        by_site.setdefault(sites.kiosk_site(session, kiosk), []).append(kiosk)
    placed = sites.sites_of_people(session)
    return {person_id: _holders(person_seqs, by_site.get(placed.get(person_id, uuid.UUID(int=0)),
                                                         []))
            for person_id, person_seqs in seqs.items()}


def _live_kiosks(session: Session) -> list[Kiosk]:
    return list(session.scalars(select(Kiosk).where(Kiosk.revoked_at.is_(None),
                                                    Kiosk.provisioned_at.is_not(None))
                                .order_by(Kiosk.name)))


def _holders(seqs: dict[str, int], kiosks: list[Kiosk]) -> Holders:
    holders = Holders()
    for kiosk in kiosks:
        seq = seqs.get(kiosk.recognizer_id or "")
        if seq is None:
            holders.other.append(kiosk.name)
        elif (kiosk.feed_cursor or 0) >= seq:
            holders.held.append(kiosk.name)
        else:
            holders.pending.append(kiosk.name)
    return holders
