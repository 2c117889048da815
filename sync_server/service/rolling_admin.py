"""Rolling templates on the person's page: the list (when, which kiosk) and an admin's
removal of one (a feed DELETE, so every kiosk drops it at its next sync; audited as
``person.rolling_template_remove``). How kiosks add them: service.rolling_templates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from protocol.feed import FeedEntity, FeedOp
from sync_server.db.models import Kiosk, Template
from sync_server.errors import NotFound
from sync_server.service import audit, feed


@dataclass(frozen=True)
class RollingRow:
    """One rolling template as the person's page lists it (no embedding)."""

    id: uuid.UUID
    recognizer_id: str
    created_at: datetime  # UTC
    kiosk_name: str | None  # the kiosk it came from; None when that kiosk is gone


def listed(session: Session, person_id: uuid.UUID) -> list[RollingRow]:
    """The person's rolling templates, newest first."""
    rows = session.execute(
        select(Template.id, Template.recognizer_id, Template.created_at, Kiosk.name)
        .outerjoin(Kiosk, Kiosk.id == Template.source_kiosk_id)
        .where(Template.person_id == person_id, Template.rolling.is_(True))
        .order_by(Template.created_at.desc()))
    return [RollingRow(*row) for row in rows]


def remove(session: Session, person_id: uuid.UUID, template_id: uuid.UUID, *,
           actor: str) -> None:
    """Delete one rolling template of the person and unpublish it (feed DELETE: kiosks drop
    it); audited. An enrolment template or another person's is refused (404)."""
    template = session.get(Template, template_id)
    if template is None or template.person_id != person_id or not template.rolling:
        raise NotFound(f"no rolling template {template_id} of person {person_id}",
                       "no_rolling_template")
    session.delete(template)
    feed.publish(session, FeedEntity.TEMPLATE, FeedOp.DELETE, template_id,
                 recognizer_id=template.recognizer_id)
    audit.record(session, actor, "person.rolling_template_remove", "person", person_id,
                 {"template_id": str(template_id), "recognizer_id": template.recognizer_id})
