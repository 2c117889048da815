"""POST /api/v1/punches: a kiosk's batch of punches, stored idempotently.

Every punch is acknowledged (stored, never to be sent again); ``verdicts`` says for each
whether it counts (``accepted``) or waits for a person's review (``held``, with reasons):
service.punch_trust.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from protocol.api import API_PREFIX, KIOSK_TIME_HEADER
from protocol.punches import PunchAck, PunchBatch, PunchVerdict, Verdict
from sync_server.api.deps import Kiosk, Sessions, Settings
from sync_server.db.engine import transaction
from sync_server.db.models import Kiosk as KioskRow
from sync_server.errors import BadRequest
from sync_server.service import punch_trust, punches

router = APIRouter(prefix=API_PREFIX, tags=["punches"])


@router.post("/punches", response_model=PunchAck, summary="Ingest a batch of punches")
def ingest_punches(batch: PunchBatch, kiosk: Kiosk, sessions: Sessions,
                   settings: Settings, request: Request) -> PunchAck:
    """Idempotent on each punch id: a replayed batch stores nothing and gets the same answer.

    Implausible punches (service.punch_trust) are stored held, acknowledged like the rest.
    """
    if len(batch.punches) > settings.api.max_batch_punches:
        raise BadRequest(f"at most {settings.api.max_batch_punches} punches per batch")
    incoming = [punches.IncomingPunch(id=p.id, person_id=p.person_id, kind=p.kind.value,
                                      source=p.source.value, captured_at=p.captured_at,
                                      clock_offset_s=p.clock_offset_s) for p in batch.punches]
    with transaction(sessions) as session:
        row = session.get(KioskRow, kiosk.id, with_for_update=True)
        if row is None:
            raise BadRequest("this kiosk is no longer registered")
        punch_trust.measure_offset(row, request.headers.get(KIOSK_TIME_HEADER))
        result = punch_trust.ingest_from_kiosk(session, row, incoming, settings.trust)
    verdicts = [PunchVerdict(id=p.id, verdict=Verdict.HELD if p.id in result.held
                             else Verdict.ACCEPTED, reasons=result.held.get(p.id, []))
                for p in batch.punches]
    return PunchAck(acknowledged=result.acknowledged, conflicts=result.conflicts,
                    verdicts=verdicts)
