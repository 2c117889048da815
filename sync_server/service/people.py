"""People, consent, enrollment uploads and erasure (every change goes to the feed).

Embeddings travel as base64 of little-endian float32; a template is refused without a
consent record for its person (who, when, notice version, who collected it).
"""

from __future__ import annotations

import base64
import math
import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.models import Chip, ConsentRecord, Person, Template
from sync_server.errors import BadRequest, Conflict, NotFound
from sync_server.service import feed
from sync_server.service.feed import Entity, Op


@dataclass(frozen=True)
class ConsentIn:
    id: uuid.UUID
    given_at: datetime
    notice_version: str
    collected_by: str


@dataclass(frozen=True)
class ChipIn:
    image: bytes
    image_format: str
    alignment: dict[str, Any]


def person_data(person: Person) -> dict[str, Any]:
    return {"display_name": person.display_name, "employee_code": person.employee_code,
            "department": person.department, "active": person.active}


def create_person(session: Session, display_name: str, employee_code: str | None = None,
                  department: str | None = None, person_id: uuid.UUID | None = None) -> Person:
    now = utc_now()
    person = Person(id=person_id or uuid.uuid4(), display_name=display_name,
                    employee_code=employee_code, department=department, active=True,
                    created_at=now, updated_at=now)
    session.add(person)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"a person with id {person.id} or code {employee_code!r} exists") \
            from None
    feed.publish(session, Entity.PERSON, Op.UPSERT, person.id, person_data(person))
    return person


def list_people(session: Session, department: str | None = None) -> list[Person]:
    query = select(Person).order_by(Person.display_name, Person.id)
    if department is not None:
        query = query.where(Person.department == department)
    return list(session.scalars(query))


def erase_person(session: Session, person_id: uuid.UUID) -> None:
    """Delete a person's templates, chips, consents and row; tombstone them in the feed."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}")
    template_ids = list(session.scalars(select(Template.id)
                                        .where(Template.person_id == person_id)))
    for model in (Template, Chip, ConsentRecord):
        for row in session.scalars(select(model).where(model.person_id == person_id)):
            session.delete(row)
    session.flush()
    session.delete(person)
    feed.forget(session, [person_id, *template_ids])
    feed.publish(session, Entity.PERSON, Op.DELETE, person_id)


def enroll(session: Session, person_id: uuid.UUID, recognizer_id: str, consent: ConsentIn,
           embeddings: Sequence[str], chips: Sequence[ChipIn],
           source_kiosk_id: uuid.UUID | None) -> list[uuid.UUID]:
    """Store consent, templates and chips for an existing person; publish the templates."""
    if session.get(Person, person_id) is None:
        raise NotFound(f"no person {person_id}")
    record = session.get(ConsentRecord, consent.id)
    if record is None:
        record = ConsentRecord(id=consent.id, person_id=person_id, given_at=consent.given_at,
                               notice_version=consent.notice_version,
                               collected_by=consent.collected_by)
        session.add(record)
    elif record.person_id != person_id:
        raise BadRequest(f"consent {consent.id} belongs to another person")
    now = utc_now()
    vectors = [_decode_embedding(text, index) for index, text in enumerate(embeddings)]
    if len({len(v) for v in vectors}) > 1:
        raise BadRequest("embeddings of one upload must have the same size")
    ids = []
    for raw in vectors:
        template = Template(id=uuid.uuid4(), person_id=person_id, consent_id=consent.id,
                            recognizer_id=recognizer_id, dim=len(raw) // 4, embedding=raw,
                            source_kiosk_id=source_kiosk_id, created_at=now)
        session.add(template)
        ids.append(template.id)
        feed.publish(session, Entity.TEMPLATE, Op.UPSERT, template.id,
                     _template_data(template, record), recognizer_id=recognizer_id)
    for chip in chips:
        session.add(Chip(id=uuid.uuid4(), person_id=person_id, image=chip.image,
                         image_format=chip.image_format, alignment=chip.alignment,
                         created_at=now))
    return ids


def _decode_embedding(text: str, index: int) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raise BadRequest(f"embeddings[{index}] is not base64") from None
    if not raw or len(raw) % 4 or len(raw) > 4 * 4096:
        raise BadRequest(f"embeddings[{index}] must be 1..4096 little-endian float32 values")
    values = struct.unpack(f"<{len(raw) // 4}f", raw)
    if not all(math.isfinite(v) for v in values):
        raise BadRequest(f"embeddings[{index}] holds NaN or infinity")
    return raw


def _template_data(template: Template, consent: ConsentRecord) -> dict[str, Any]:
    return {
        "person_id": str(template.person_id), "recognizer_id": template.recognizer_id,
        "dim": template.dim, "embedding": base64.b64encode(template.embedding).decode(),
        "created_at": template.created_at.isoformat(),
        "consent": {"id": str(consent.id), "given_at": consent.given_at.isoformat(),
                    "notice_version": consent.notice_version,
                    "collected_by": consent.collected_by},
    }
