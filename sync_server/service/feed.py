"""The change feed: ordered by ``seq``, resumable from any cursor, paged.

Kiosks receive every person, reminder and schedule change, and only the template changes of
their own recognizer. Erasing a person removes every earlier feed entry about them (so no
embedding lingers in the feed) and appends one tombstone.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.models import Change

FEED_LOCK_KEY = 5_150_001  # arbitrary, fixed: the advisory lock that orders feed commits


class Entity(enum.Enum):
    PERSON = "person"
    TEMPLATE = "template"
    REMINDER = "reminder"
    SHIFT_TYPE = "shift_type"
    SHIFT_ASSIGNMENT = "shift_assignment"
    HOLIDAY = "holiday"


class Op(enum.Enum):
    UPSERT = "upsert"
    DELETE = "delete"


@dataclass(frozen=True)
class FeedPage:
    changes: list[Change]
    next_cursor: int
    has_more: bool


def publish(session: Session, entity: Entity, op: Op, entity_id: uuid.UUID,
            data: dict[str, Any] | None = None, recognizer_id: str | None = None) -> Change:
    """Append one change (in the caller's transaction).

    On PostgreSQL, publishers take a transaction-scoped advisory lock first, so feed entries
    commit in ``seq`` order: a reader can never see seq N+1 while N is still uncommitted
    (which would move its cursor past N for good). SQLite serialises writers anyway.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_LOCK_KEY})
    change = Change(entity=entity.value, op=op.value, entity_id=entity_id,
                    recognizer_id=recognizer_id, data=data or {}, created_at=utc_now())
    session.add(change)
    return change


def forget(session: Session, entity_ids: Iterable[uuid.UUID]) -> None:
    """Drop every feed entry about these ids (their data may hold biometrics)."""
    ids = list(entity_ids)
    if ids:
        session.execute(delete(Change).where(Change.entity_id.in_(ids)))


def page(session: Session, after: int, limit: int, recognizer_id: str | None) -> FeedPage:
    """Changes with seq > ``after``, oldest first, at most ``limit``."""
    wanted = or_(Change.entity != Entity.TEMPLATE.value, Change.recognizer_id == recognizer_id)
    rows = list(session.scalars(select(Change).where(Change.seq > after, wanted)
                                .order_by(Change.seq).limit(limit + 1)))
    has_more = len(rows) > limit
    rows = rows[:limit]
    if rows:
        next_cursor = rows[-1].seq
    else:
        # Nothing for this kiosk: jump to the head so filtered entries are not rescanned.
        head = session.scalar(select(func.max(Change.seq)))
        next_cursor = max(after, int(head or 0))
    return FeedPage(changes=rows, next_cursor=next_cursor, has_more=has_more)
