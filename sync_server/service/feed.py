"""The change feed: ordered by ``seq``, resumable from any cursor, paged.

Kiosks receive schedule changes and tombstones everywhere, but person, template and reminder
entries only of their own site's people (``Change.site_id``, service.sites), only the
template changes of their own recognizer, and only the reminders of people enrolled for
their recognizer. Erasing a person
removes every earlier feed entry about them (so no embedding lingers in the feed) and appends
one tombstone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, text
from sqlalchemy.orm import Session

from protocol.feed import CURSOR_BEYOND_FEED, FEED_RESYNC, FeedEntity, FeedOp
from sync_server.clock import utc_now
from sync_server.db.alt_checkin_models import AltCheckinCredential
from sync_server.db.models import Change, Kiosk, Template
from sync_server.db.reminder_models import ReminderDelivery
from sync_server.errors import Conflict
from sync_server.service import sites

FEED_LOCK_KEY = 5_150_001  # arbitrary, fixed: the advisory lock that orders feed commits


class CursorBeyondFeed(Conflict):
    """A kiosk claims a feed position the server never reached: it cannot have applied it."""

    title = CURSOR_BEYOND_FEED


class ResyncRequired(Conflict):
    """The kiosk was moved to another site: it must read the feed again from 0."""

    title = FEED_RESYNC


@dataclass(frozen=True)
class FeedPage:
    changes: list[Change]
    next_cursor: int
    has_more: bool


def publish(session: Session, entity: FeedEntity, op: FeedOp, entity_id: uuid.UUID,
            data: dict[str, Any] | None = None, recognizer_id: str | None = None,
            site_id: uuid.UUID | None = None) -> Change:
    """Append one change (in the caller's transaction), for the kiosks of ``site_id``
    (default: the site of the person it concerns, see ``entry_site``).

    On PostgreSQL, publishers take a transaction-scoped advisory lock first, so feed entries
    commit in ``seq`` order: a reader can never see seq N+1 while N is still uncommitted
    (which would move its cursor past N for good). SQLite serialises writers anyway.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_LOCK_KEY})
    if entity is FeedEntity.PERSON and op is FeedOp.UPSERT:
        from sync_server.service.lookalikes import needs_code  # it imports this module

        data = {**(data or {}), **alt_checkin_fields(session, entity_id)}
        if needs_code(session, entity_id):
            data["needs_code"] = True  # a confirmed look-alike: face + code at every kiosk
    change = Change(entity=entity.value, op=op.value, entity_id=entity_id,
                    recognizer_id=recognizer_id, data=data or {}, created_at=utc_now(),
                    site_id=site_id or entry_site(session, entity, op, entity_id, data))
    session.add(change)
    if entity is FeedEntity.TEMPLATE and op is FeedOp.UPSERT and data and data.get("person_id"):
        # A person newly enrolled for a recognizer gets their live reminders published
        # again (see reminders_visible); imported here: reminders imports this module.
        from sync_server.service import reminders

        reminders.republish_for_new_template(session, uuid.UUID(str(data["person_id"])),
                                             recognizer_id)
    return change


def entry_site(session: Session, entity: FeedEntity, op: FeedOp, entity_id: uuid.UUID,
               data: dict[str, Any] | None) -> uuid.UUID | None:
    """The site whose kiosks receive an entry: the person's site for person, template and
    reminder upserts; None (every kiosk) for schedules, tombstones and erasures (every
    kiosk confirms an erasure, and a tombstone deletes nothing where nothing is held)."""
    if op is not FeedOp.UPSERT or (data and "erasure_id" in data):
        return None
    if entity is FeedEntity.PERSON:
        return sites.person_site(session, entity_id)
    if entity in (FeedEntity.TEMPLATE, FeedEntity.REMINDER) and data and data.get("person_id"):
        return sites.person_site(session, uuid.UUID(str(data["person_id"])))
    return None


def alt_checkin_fields(session: Session, person_id: uuid.UUID) -> dict[str, str]:
    """``pin_hash`` and ``badge_hash`` of a person, each absent when none is issued.

    Added to EVERY person upsert here, whoever publishes it: a kiosk replaces the person's
    credentials with what the entry carries, so an entry without them would revoke them.
    """
    row = session.get(AltCheckinCredential, person_id)
    fields: dict[str, str] = {}
    if row is not None and row.pin_hash:
        fields["pin_hash"] = row.pin_hash
    if row is not None and row.badge_hash:
        fields["badge_hash"] = row.badge_hash
    return fields


def forget(session: Session, entity_ids: Iterable[uuid.UUID]) -> None:
    """Drop every feed entry about these ids (their data may hold biometrics)."""
    ids = list(entity_ids)
    if ids:
        session.execute(delete(Change).where(Change.entity_id.in_(ids)))


def reminders_visible(recognizer_id: str | None) -> ColumnElement[bool]:
    """A reminder entry goes only to kiosks that can recognize its person: the person has a
    face template of the kiosk's recognizer (what "enrolled at the kiosk" means: a kiosk
    holds exactly the templates of its recognizer), or a PIN or badge (valid at every kiosk
    of the person's site: ``for_site`` keeps other sites' entries out).
    Tombstones (no data, only an id) go to every kiosk, so a kiosk that got a reminder
    before the person's templates were erased still drops it. A person enrolled later (or
    given a PIN or badge) gets their live reminders published again
    (reminders.republish_live), so a kiosk whose cursor had passed them still receives them.
    """
    enrolled = exists().where(ReminderDelivery.id == Change.entity_id,
                              Template.person_id == ReminderDelivery.person_id,
                              Template.recognizer_id == recognizer_id,
                              Template.enrolment_id.is_(None))  # not pending review
    # People who check in with a PIN or a QR badge can be greeted at their site's kiosks.
    by_credential = exists().where(
        ReminderDelivery.id == Change.entity_id,
        AltCheckinCredential.person_id == ReminderDelivery.person_id,
        or_(AltCheckinCredential.pin_hash.is_not(None),
            AltCheckinCredential.badge_hash.is_not(None)))
    return or_(enrolled, by_credential)


def head(session: Session) -> int:
    """The newest feed seq (0 for an empty feed). Never decreases: erasure forgets old
    entries but always appends its tombstone after them."""
    return int(session.scalar(select(func.max(Change.seq))) or 0)


def check_cursor(session: Session, cursor: int) -> None:
    """CursorBeyondFeed (409) when ``cursor`` lies beyond the newest seq."""
    newest = head(session)
    if cursor > newest:
        raise CursorBeyondFeed(f"feed cursor {cursor} is beyond the newest change {newest}: "
                               "it cannot have been applied", "cursor_beyond_feed")


def for_site(session: Session, site_id: uuid.UUID | None) -> ColumnElement[bool]:
    """The entries the kiosks of ``site_id`` (None: the default site) receive."""
    site = site_id or sites.default_site_id(session)
    return or_(Change.site_id.is_(None), Change.site_id == site)


def check_resync(kiosk: Kiosk, after: int) -> None:
    """ResyncRequired (409) while a moved kiosk reads from a cursor above 0; reading from 0
    ends the demand (the kiosk drops, at the end of that reading, whom it did not carry)."""
    if not kiosk.feed_resync:
        return
    if after > 0:
        raise ResyncRequired(f"kiosk {kiosk.name!r} was moved to another site: read the feed "
                             "again from 0", "resync_required")
    kiosk.feed_resync = False


def page(session: Session, after: int, limit: int, recognizer_id: str | None,
         site_id: uuid.UUID | None = None) -> FeedPage:
    """Changes with seq > ``after``, oldest first, at most ``limit``, for a kiosk of
    ``site_id`` (None: the default site)."""
    wanted = and_(
        for_site(session, site_id),
        or_(Change.entity != FeedEntity.TEMPLATE.value, Change.recognizer_id == recognizer_id),
        or_(Change.entity != FeedEntity.REMINDER.value, Change.op == FeedOp.DELETE.value,
            reminders_visible(recognizer_id)))
    rows = list(session.scalars(select(Change).where(Change.seq > after, wanted)
                                .order_by(Change.seq).limit(limit + 1)))
    has_more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        next_cursor = rows[-1].seq
    else:
        # Nothing for this kiosk: jump to the head so filtered entries are not rescanned.
        next_cursor = max(after, head(session))
    return FeedPage(changes=rows, next_cursor=next_cursor, has_more=has_more)
