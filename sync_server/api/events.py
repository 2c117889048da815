"""POST /api/v1/events: a kiosk's batch of outbox events, stored idempotently."""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter

from protocol.api import API_PREFIX
from protocol.events import MAX_ATTACHMENT_BYTES, EventAck, EventBatch, EventIn
from sync_server.api.deps import Kiosk, Sessions
from sync_server.db.engine import transaction
from sync_server.errors import BadRequest
from sync_server.service import (  # noqa: F401 - refusals, reminders register handlers
    events,
    refusals,
    reminders,
)

router = APIRouter(prefix=API_PREFIX, tags=["events"])





@router.post("/events", response_model=EventAck, summary="Ingest a batch of kiosk events")
def ingest_events(batch: EventBatch, kiosk: Kiosk, sessions: Sessions) -> EventAck:
    """Idempotent on each event id: a replayed batch stores nothing and gets the same answer."""
    incoming = [events.IncomingEvent(id=e.id, kind=e.kind, person_id=e.person_id,
                                     occurred_at=e.occurred_at, data=e.data,
                                     attachment=_decoded(e)) for e in batch.events]
    with transaction(sessions) as session:
        acknowledged = events.ingest(session, kiosk.id, incoming)
    return EventAck(acknowledged=acknowledged)


def _decoded(event: EventIn) -> bytes | None:
    if event.attachment is None:
        return None
    try:
        raw = base64.b64decode(event.attachment, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(f"event {event.id}: attachment is not base64") from None
    if len(raw) > MAX_ATTACHMENT_BYTES:
        raise BadRequest(f"event {event.id}: attachment over {MAX_ATTACHMENT_BYTES} bytes")
    return raw
