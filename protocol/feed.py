"""``GET /api/v1/feed``: the change feed a kiosk reads from its cursor, in pages.

A cursor beyond the server's newest entry (on the feed, a heartbeat or provisioning) is
refused with 409 and the problem title ``CURSOR_BEYOND_FEED``: no kiosk can have applied
entries the server never wrote.

A kiosk moved to another site is refused (409, title ``FEED_RESYNC``) when it reads from a
cursor above 0: it must read the feed again from 0 and then drop every person that reading
did not carry (its new site's people only).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel

CURSOR_BEYOND_FEED = "Feed cursor beyond the feed"
FEED_RESYNC = "Feed resync required"


class FeedEntity(enum.Enum):
    """What a change-feed entry is about."""

    PERSON = "person"
    TEMPLATE = "template"
    REMINDER = "reminder"
    SHIFT_TYPE = "shift_type"
    SHIFT_ASSIGNMENT = "shift_assignment"
    HOLIDAY = "holiday"
    LEAVE = "leave"  # a person's approved leave (kiosks keep the days and type, sealed)


class FeedOp(enum.Enum):
    """UPSERT carries the entity's whole current state; DELETE is a tombstone."""

    UPSERT = "upsert"
    DELETE = "delete"


class FeedChangeOut(BaseModel):
    """One entry as sent. ``entity`` and ``op`` stay strings on the wire: a kiosk skips kinds
    it does not know (a newer server) instead of failing the page."""

    seq: int
    entity: str
    op: str
    entity_id: uuid.UUID
    data: dict[str, Any]
    created_at: datetime


class FeedPageOut(BaseModel):
    changes: list[FeedChangeOut]
    next_cursor: int
    has_more: bool
