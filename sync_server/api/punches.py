"""POST /api/v1/punches: a kiosk's batch of punches, stored idempotently."""

from __future__ import annotations

import enum
import uuid

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from sync_server.api.deps import Kiosk, Sessions, Settings
from sync_server.db.engine import transaction
from sync_server.errors import BadRequest
from sync_server.service import punches

router = APIRouter(prefix="/api/v1", tags=["punches"])

TEN_YEARS_S = 10 * 365 * 86400


class PunchKind(enum.Enum):
    AUTO = "auto"
    IN = "in"
    OUT = "out"


class PunchSource(enum.Enum):
    FACE = "face"
    PIN = "pin"
    FACE_CODE = "face_code"  # face verified 1:1 after the employee code: counts as face
    QR = "qr"
    MANUAL = "manual"


class PunchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(description="made by the kiosk at capture; the idempotency key")
    person_id: uuid.UUID
    kind: PunchKind
    source: PunchSource
    captured_at: AwareDatetime = Field(description="kiosk clock, with zone")
    clock_offset_s: float | None = Field(None, ge=-TEN_YEARS_S, le=TEN_YEARS_S,
                                         description="server minus kiosk clock, seconds")


class PunchBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    punches: list[PunchIn] = Field(min_length=1)


class PunchAck(BaseModel):
    acknowledged: list[uuid.UUID]
    conflicts: list[uuid.UUID]


@router.post("/punches", response_model=PunchAck, summary="Ingest a batch of punches")
def ingest_punches(batch: PunchBatch, kiosk: Kiosk, sessions: Sessions,
                   settings: Settings) -> PunchAck:
    """Idempotent on each punch id: a replayed batch stores nothing and gets the same answer."""
    if len(batch.punches) > settings.api.max_batch_punches:
        raise BadRequest(f"at most {settings.api.max_batch_punches} punches per batch")
    incoming = [punches.IncomingPunch(id=p.id, person_id=p.person_id, kind=p.kind.value,
                                      source=p.source.value, captured_at=p.captured_at,
                                      clock_offset_s=p.clock_offset_s) for p in batch.punches]
    with transaction(sessions) as session:
        result = punches.ingest(session, kiosk.id, incoming)
    return PunchAck(acknowledged=result.acknowledged, conflicts=result.conflicts)
