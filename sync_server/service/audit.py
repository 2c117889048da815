"""The append-only audit log: every admin/HR action, with who, when, what and details.

Entries are inserted in the caller's transaction, so an action and its audit entry commit
(or roll back) together. Nothing here updates or deletes a row.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.web_models import AuditEntry


def record(session: Session, actor: str, action: str, entity: str,
           entity_id: uuid.UUID | str | None = None,
           detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry; ``detail`` must be JSON-serialisable."""
    entry = AuditEntry(id=uuid.uuid4(), at=utc_now(), actor=actor, action=action,
                       entity=entity, entity_id=None if entity_id is None else str(entity_id),
                       detail=detail or {})
    session.add(entry)
    return entry


def recent(session: Session, limit: int = 200, entity: str | None = None,
           actor: str | None = None) -> list[AuditEntry]:
    """The newest entries first, optionally only one entity kind or one actor."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id).limit(limit)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    return list(session.scalars(query))
