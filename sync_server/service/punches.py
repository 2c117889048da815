"""Idempotent punch ingest: the punch UUID is the key; a replayed batch changes nothing.

Each punch is stored ``accepted`` or ``held`` with its reasons (the judgement of a kiosk's
batch is service.punch_trust's); the answer gives each id's stored verdict, so a replay is
answered as the first time.

A batch is stored in the caller's transaction with ``INSERT ... ON CONFLICT DO NOTHING``
(SQLite and PostgreSQL alike), so concurrent replays of the same punches cannot duplicate
them. The answer depends only on the batch and what is stored, so a replay is answered the
same way: every id is acknowledged; ids already stored with other content are also listed
as conflicts (a kiosk bug, logged; the kiosk may drop them, the first version stays).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
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

    def occurred_at(self) -> datetime:
        """The server-clock instant: ``captured_at`` + the kiosk's offset (seconds)."""
        return self.captured_at + timedelta(seconds=self.clock_offset_s or 0.0)


@dataclass(frozen=True)
class IngestResult:
    """Every id acknowledged; ``held``: id -> reason codes of those stored held (as stored:
    a replay gets the first answer); ``conflicts``: ids stored before with other content."""

    acknowledged: list[uuid.UUID]
    conflicts: list[uuid.UUID]
    held: dict[uuid.UUID, list[str]]


def ingest(session: Session, kiosk_id: uuid.UUID, punches: Sequence[IncomingPunch],
           holds: Mapping[uuid.UUID, Sequence[str]] | None = None) -> IngestResult:
    """Store the new punches of one kiosk's batch; ``holds`` (id -> reason codes) are stored
    held for review, the rest accepted. See the module docstring for the answer."""
    now = utc_now()
    holds = holds or {}
    rows = [_row(kiosk_id, punch, now, holds.get(punch.id)) for punch in punches]
    insert = postgresql_insert if session.bind and session.bind.dialect.name == "postgresql" \
        else sqlite_insert
    # One cached statement run as executemany (batched "insertmanyvalues" by SQLAlchemy):
    # compiling a fresh multi-row VALUES per batch cost more than the insert itself.
    statement = insert(Punch).on_conflict_do_nothing(index_elements=["id"])
    session.connection().execute(statement, rows)
    day_results.forget_punches(session, ((r["person_id"], r["occurred_at"]) for r in rows))
    conflicts, held = _stored(session, kiosk_id, punches)
    if conflicts:
        log.warning("kiosk %s sent %d punch ids already stored with other content: %s",
                    kiosk_id, len(conflicts), [str(c) for c in conflicts[:5]])
    if held:
        log.info("kiosk %s: %d of %d punches held for review", kiosk_id, len(held),
                 len(punches))
    return IngestResult(acknowledged=[punch.id for punch in punches], conflicts=conflicts,
                        held=held)


def _row(kiosk_id: uuid.UUID, punch: IncomingPunch, now: datetime,
         hold: Sequence[str] | None) -> dict[str, Any]:
    return {
        "id": punch.id, "kiosk_id": kiosk_id, "person_id": punch.person_id, "kind": punch.kind,
        "source": punch.source, "captured_at": punch.captured_at,
        "clock_offset_s": punch.clock_offset_s,
        "occurred_at": punch.occurred_at(), "received_at": now,
        "review": "held" if hold else "accepted",
        "hold_reasons": " ".join(hold) if hold else None,
    }


def _stored(session: Session, kiosk_id: uuid.UUID, punches: Sequence[IncomingPunch]
            ) -> tuple[list[uuid.UUID], dict[uuid.UUID, list[str]]]:
    """(conflicts, held) as stored: see ``IngestResult``."""
    sent = {punch.id: punch for punch in punches}
    conflicts = []
    held: dict[uuid.UUID, list[str]] = {}
    ids = list(sent)
    for start in range(0, len(ids), INSERT_CHUNK):
        stored = session.execute(
            select(Punch.id, Punch.kiosk_id, Punch.person_id, Punch.captured_at,
                   Punch.review, Punch.hold_reasons)
            .where(Punch.id.in_(ids[start:start + INSERT_CHUNK])))
        for punch_id, stored_kiosk, person_id, captured_at, review, reasons in stored:
            mine = sent[punch_id]
            if (stored_kiosk, person_id, captured_at) != (kiosk_id, mine.person_id,
                                                          mine.captured_at):
                conflicts.append(punch_id)
            if review == "held":
                held[punch_id] = (reasons or "").split()
    return conflicts, held
