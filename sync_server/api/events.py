"""POST /api/v1/events: a kiosk's batch of outbox events, stored idempotently."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from sync_server.api.deps import Kiosk, Sessions
from sync_server.db.engine import transaction
from sync_server.errors import BadRequest
from sync_server.service import (  # noqa: F401 - refusals, reminders register handlers
    events,
    refusals,
    reminders,
)

router = APIRouter(prefix="/api/v1", tags=["events"])

MAX_EVENTS = 200
MAX_DATA_KEYS = 50
MAX_ATTACHMENT_BYTES = 512 * 1024


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(description="made by the kiosk; the idempotency key")
    kind: str = Field(pattern=r"^[a-z]+(_[a-z]+)*$", max_length=40,
                      description="e.g. reminder_shown, reminder_ack, refused_attempt")
    person_id: uuid.UUID | None = None
    occurred_at: AwareDatetime = Field(description="kiosk clock, with zone")
    data: dict[str, Any] = Field(default_factory=dict)
    attachment: str | None = Field(None, description="base64, e.g. a snapshot (JPEG)")

    @field_validator("data")
    @classmethod
    def _small(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > MAX_DATA_KEYS:
            raise ValueError(f"at most {MAX_DATA_KEYS} keys in data")
        return value


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[EventIn] = Field(min_length=1, max_length=MAX_EVENTS)


class EventAck(BaseModel):
    acknowledged: list[uuid.UUID]


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
