"""Editing a person from the web pages (the server's people service creates and erases)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from protocol.feed import FeedEntity, FeedOp
from sync_server.clock import utc_now
from sync_server.db.models import Person
from sync_server.errors import NotFound
from sync_server.service import feed, people


def edit_person(session: Session, person_id: uuid.UUID, display_name: str,
                employee_code: str | None, department: str | None,
                active: bool | None = None) -> Person:
    """Change a person's fields and publish them to the feed (kiosks learn the change)."""
    row = session.get(Person, person_id)
    if row is None:
        raise NotFound(f"no person {person_id}")
    row.display_name, row.employee_code, row.department = display_name, employee_code, department
    if active is not None:
        row.active = active
    row.updated_at = utc_now()
    session.flush()
    feed.publish(session, FeedEntity.PERSON, FeedOp.UPSERT, row.id, people.person_data(row))
    return row
