"""Idempotent punch ingest: the punch UUID is the key; a replayed batch changes nothing.

A batch is stored in the caller's transaction with ``INSERT ... ON CONFLICT DO NOTHING``
(SQLite and PostgreSQL alike), so concurrent replays of the same punches cannot duplicate
them. The answer depends only on the batch and what is stored, so a replay is answered the
same way: every id is acknowledged; ids already stored with other content are also listed
as conflicts (a kiosk bug, logged; the kiosk may drop them, the first version stays).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.models import Punch
from sync_server.service import day_results

log = logging.getLogger(__name__)

INSERT_CHUNK = 500  # rows per INSERT: stays below SQLite's bound-parameter limit


@dataclass(frozen=True)
class IncomingPunch:
    id: uuid.UUID
    person_id: uuid.UUID
    kind: str
    source: str
    captured_at: datetime
    clock_offset_s: float | None


@dataclass(frozen=True)
class IngestResult:
    acknowledged: list[uuid.UUID]
    conflicts: list[uuid.UUID]


def ingest(session: Session, kiosk_id: uuid.UUID, punches: Sequence[IncomingPunch]) -> IngestResult:
    """Store the new punches of one kiosk's batch; see the module docstring for the answer."""
    now = utc_now()
    rows = [_row(kiosk_id, punch, now) for punch in punches]
    insert = postgresql_insert if session.bind and session.bind.dialect.name == "postgresql" \
        else sqlite_insert
    # One cached statement run as executemany (batched "insertmanyvalues" by SQLAlchemy):
    # compiling a fresh multi-row VALUES per batch cost more than the insert itself.
    statement = insert(Punch).on_conflict_do_nothing(index_elements=["id"])
    session.connection().execute(statement, rows)
    day_results.forget_punches(session, ((r["person_id"], r["occurred_at"]) for r in rows))
    conflicts = _conflicts(session, kiosk_id, punches)
    if conflicts:
        log.warning("kiosk %s sent %d punch ids already stored with other content: %s",
                    kiosk_id, len(conflicts), [str(c) for c in conflicts[:5]])
    return IngestResult(acknowledged=[punch.id for punch in punches], conflicts=conflicts)


def _row(kiosk_id: uuid.UUID, punch: IncomingPunch, now: datetime) -> dict[str, Any]:
    offset = punch.clock_offset_s or 0.0
    return {
        "id": punch.id, "kiosk_id": kiosk_id, "person_id": punch.person_id, "kind": punch.kind,
        "source": punch.source, "captured_at": punch.captured_at,
        "clock_offset_s": punch.clock_offset_s,
        "occurred_at": punch.captured_at + timedelta(seconds=offset), "received_at": now,
    }


def _conflicts(session: Session, kiosk_id: uuid.UUID,
               punches: Sequence[IncomingPunch]) -> list[uuid.UUID]:
    sent = {punch.id: punch for punch in punches}
    conflicts = []
    ids = list(sent)
    for start in range(0, len(ids), INSERT_CHUNK):
        stored = session.execute(
            select(Punch.id, Punch.kiosk_id, Punch.person_id, Punch.captured_at)
            .where(Punch.id.in_(ids[start:start + INSERT_CHUNK])))
        for punch_id, stored_kiosk, person_id, captured_at in stored:
            mine = sent[punch_id]
            if (stored_kiosk, person_id, captured_at) != (kiosk_id, mine.person_id,
                                                          mine.captured_at):
                conflicts.append(punch_id)
    return conflicts
