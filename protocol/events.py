"""``POST /api/v1/events``: a kiosk's batch of outbox events; idempotent on each event id."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

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
