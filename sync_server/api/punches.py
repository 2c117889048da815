"""POST /api/v1/punches: a kiosk's batch of punches, stored idempotently."""

from __future__ import annotations

from fastapi import APIRouter

from protocol.api import API_PREFIX
from protocol.punches import PunchAck, PunchBatch
from sync_server.api.deps import Kiosk, Sessions, Settings
from sync_server.db.engine import transaction
from sync_server.errors import BadRequest
from sync_server.service import punches

router = APIRouter(prefix=API_PREFIX, tags=["punches"])



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
