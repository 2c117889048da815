"""Idempotent ingest of kiosk events, and the handlers that give each kind its meaning.

An event is stored once, keyed by the id the kiosk made for it; a replayed batch stores
nothing new and is answered the same way (every id acknowledged). The handler for the
event's kind runs only when the event is stored for the first time, in the same transaction,
so its effect happens exactly once however often the kiosk retries.

Kinds without a handler are stored and acknowledged all the same: a kiosk newer than the
server must not get stuck retrying, and nothing it reported is lost.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.event_models import KioskEventRow
from sync_server.service import datakeys

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IncomingEvent:
    id: uuid.UUID
    kind: str
    person_id: uuid.UUID | None
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    attachment: bytes | None = None


EventHandler = Callable[[Session, uuid.UUID, IncomingEvent], None]
"""Called as handler(session, kiosk_id, event) the first time an event is stored."""

HANDLERS: dict[str, EventHandler] = {}
"""The kinds this server understands. Services add theirs with :func:`handles`."""


def handles(kind: str) -> Callable[[EventHandler], EventHandler]:
    """Decorator: register ``function`` as the handler of ``kind`` (one handler per kind)."""
    def register(function: EventHandler) -> EventHandler:
        if kind in HANDLERS and HANDLERS[kind] is not function:
            raise ValueError(f"event kind {kind!r} already has a handler")
        HANDLERS[kind] = function
        return function
    return register


def ingest(session: Session, kiosk_id: uuid.UUID,
           events: Sequence[IncomingEvent]) -> list[uuid.UUID]:
    """Store one kiosk's batch (in the caller's transaction); returns the acknowledged ids."""
    insert = postgresql_insert if session.bind and session.bind.dialect.name == "postgresql" \
        else sqlite_insert
    now = utc_now()
    keyring = None
    for event in events:
        attachment = None
        if event.attachment is not None:
            keyring = keyring or datakeys.keyring_for(session)
            attachment = keyring.seal(event.attachment, datakeys.event_context(event.id))
        statement = insert(KioskEventRow).values(
            id=event.id, kiosk_id=kiosk_id, kind=event.kind, person_id=event.person_id,
            occurred_at=event.occurred_at, received_at=now, data=event.data,
            attachment=attachment,
        ).on_conflict_do_nothing(index_elements=["id"]).returning(KioskEventRow.id)
        stored = session.execute(statement).scalar_one_or_none()
        if stored is None:
            continue  # a replay: already stored (and handled) before
        handler = HANDLERS.get(event.kind)
        if handler is None:
            log.warning("kiosk %s reported an event of unknown kind %r; stored unhandled",
                        kiosk_id, event.kind)
            continue
        handler(session, kiosk_id, event)
    return [event.id for event in events]


def open_attachment(session: Session, row: KioskEventRow) -> bytes | None:
    """An event's attachment in clear (None when it has none or retention removed it)."""
    if row.attachment is None:
        return None
    return datakeys.open_blob(datakeys.keyring_for(session), row.attachment,
                              datakeys.event_context(row.id))


def recent(session: Session, kind: str, limit: int = 100) -> list[KioskEventRow]:
    """The newest ``limit`` events of one kind."""
    return list(session.scalars(select(KioskEventRow).where(KioskEventRow.kind == kind)
                                .order_by(KioskEventRow.occurred_at.desc()).limit(limit)))
