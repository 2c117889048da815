"""GET /api/v1/feed: the change feed for the calling kiosk, from its cursor, in pages."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from sync_server.api.deps import Kiosk, Sessions, Settings
from sync_server.db.engine import transaction
from sync_server.service import feed

router = APIRouter(prefix="/api/v1", tags=["feed"])


class ChangeOut(BaseModel):
    seq: int
    entity: str
    op: str
    entity_id: uuid.UUID
    data: dict[str, Any]
    created_at: datetime


class FeedPageOut(BaseModel):
    changes: list[ChangeOut]
    next_cursor: int
    has_more: bool


@router.get("/feed", response_model=FeedPageOut, summary="Changes after a cursor")
def read_feed(kiosk: Kiosk, sessions: Sessions, settings: Settings,
              after: Annotated[int, Query(ge=0)] = 0,
              limit: Annotated[int, Query(ge=1, le=10_000)] = 500) -> FeedPageOut:
    """Changes with seq > ``after``; templates only for the kiosk's recognizer."""
    limit = min(limit, settings.api.feed_page_max)
    with transaction(sessions) as session:
        page = feed.page(session, after, limit, kiosk.recognizer_id)
        changes = [ChangeOut(seq=c.seq, entity=c.entity, op=c.op, entity_id=c.entity_id,
                             data=c.data, created_at=c.created_at) for c in page.changes]
    return FeedPageOut(changes=changes, next_cursor=page.next_cursor, has_more=page.has_more)
