"""GET /api/v1/feed: the change feed for the calling kiosk, from its cursor, in pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from protocol.api import API_PREFIX
from protocol.feed import FeedChangeOut, FeedPageOut
from sync_server.api.deps import Kiosk, Sessions, Settings
from sync_server.db.engine import transaction
from sync_server.db.models import Kiosk as KioskRow
from sync_server.service import datakeys, erasure, feed

router = APIRouter(prefix=API_PREFIX, tags=["feed"])



@router.get("/feed", response_model=FeedPageOut, summary="Changes after a cursor")
def read_feed(kiosk: Kiosk, sessions: Sessions, settings: Settings,
              after: Annotated[int, Query(ge=0)] = 0,
              limit: Annotated[int, Query(ge=1, le=10_000)] = 500) -> FeedPageOut:
    """Changes with seq > ``after``; people, templates and reminders only of the kiosk's
    site, templates only for its recognizer.

    Asking from ``after`` records the kiosk's position (which templates it holds); an
    ``after`` beyond the newest change is refused (409), and so is an ``after`` above 0
    from a kiosk moved to another site (409 ``FEED_RESYNC``: read again from 0). Erasures
    are confirmed only by ``POST /kiosks/me/erasures/confirm``. Embeddings are stored
    sealed and opened here for the (TLS) wire.
    """
    limit = min(limit, settings.api.feed_page_max)
    with transaction(sessions) as session:
        feed.check_cursor(session, after)
        row = session.get(KioskRow, kiosk.id)
        site = None
        if row is not None:
            feed.check_resync(row, after)
            erasure.note_feed_cursor(row, after)
            site = row.site_id
        page = feed.page(session, after, limit, kiosk.recognizer_id, site)
        keyring = None
        changes = []
        for c in page.changes:
            data = c.data
            if datakeys.SEALED_FIELD in data:
                keyring = keyring or datakeys.keyring_for(session)
                data = datakeys.unseal_feed_data(keyring, c.entity_id, data)
            changes.append(FeedChangeOut(seq=c.seq, entity=c.entity, op=c.op, entity_id=c.entity_id,
                                     data=data, created_at=c.created_at))
    return FeedPageOut(changes=changes, next_cursor=page.next_cursor, has_more=page.has_more)
