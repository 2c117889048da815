"""People, consent, enrollment uploads and erasure (every change goes to the feed).

Embeddings travel as base64 of little-endian float32; a template is refused without a
consent record for its person (who, when, notice version, who collected it). Templates,
chips and the feed's copies of embeddings are stored encrypted (service.datakeys).
Erasure, deactivation and consent withdrawal are recorded (service.erasure) so the server
can tell which kiosks have not yet confirmed them.
"""

from __future__ import annotations

import base64
import math
import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from protocol.feed import FeedEntity, FeedOp
from sync_server.clock import utc_now
from sync_server.db.alt_checkin_models import AltCheckinCredential
from sync_server.db.models import Chip, ConsentRecord, Erasure, Person, Template
from sync_server.errors import BadRequest, Conflict, NotFound
from sync_server.service import audit, datakeys, erasure, feed, sites
from sync_server.service.cell_text import check_person_fields

if TYPE_CHECKING:
    from faceid.sealing import DataKeyring


class ConsentBeforeWithdrawal(Conflict):
    title = "Consent predates a withdrawal"


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
                  department: str | None = None, person_id: uuid.UUID | None = None,
                  publish: bool = True, *, actor: str,
                  site_id: uuid.UUID | None = None, joined_on: date | None = None) -> Person:
    """Add a person, published to the kiosks unless ``publish=False`` (a kiosk's new person
    awaiting review: published on approval); ``actor`` is audited as its creator.
    ``site_id``: their own site (None: their department's, see service.sites);
    ``joined_on``: the day they joined (None: not known; leave then accrues from January).
    BadRequest for a name, code or department that a spreadsheet would read as a formula
    (service.cell_text)."""
    check_person_fields(display_name, employee_code, department)
    now = utc_now()
    person = Person(id=person_id or uuid.uuid4(), display_name=display_name,
                    employee_code=employee_code, department=department, active=True,
                    created_at=now, updated_at=now, site_id=site_id, joined_on=joined_on)
    session.add(person)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"a person with id {person.id} or code {employee_code!r} exists",
                       "code_exists", "employee_code", code=employee_code) from None
    if publish:
        feed.publish(session, FeedEntity.PERSON, FeedOp.UPSERT, person.id, person_data(person))
    audit.record(session, actor, "person.create", "person", person.id, _audited(person))
    return person


def _audited(person: Person) -> dict[str, Any]:
    """What the audit log keeps of a person: the kiosks' fields and the joining date (the
    kiosks are not sent the date)."""
    joined = person.joined_on.isoformat() if person.joined_on else None
    return {**person_data(person), "joined_on": joined}


def set_joined_on(session: Session, person_id: uuid.UUID, joined_on: date | None, *,
                  actor: str) -> Person:
    """Record the day the person joined (None: not known); audited ("person.joined_on")
    when it changes."""
    row = _person_row(session, person_id)
    if row.joined_on != joined_on:
        row.joined_on, row.updated_at = joined_on, utc_now()
        session.flush()
        audit.record(session, actor, "person.joined_on", "person", row.id, _audited(row))
    return row


def edit_person(session: Session, person_id: uuid.UUID, display_name: str,
                employee_code: str | None, department: str | None, *, actor: str) -> Person:
    """Change a person's fields and publish them (kiosks learn the change); audited.
    BadRequest for a formula-like name, code or department (service.cell_text)."""
    from sync_server.service import site_moves  # it imports this module

    check_person_fields(display_name, employee_code, department)
    row = _person_row(session, person_id)
    old_site = sites.person_site(session, person_id)
    row.display_name, row.employee_code, row.department = display_name, employee_code, department
    try:
        _published(session, row)
    except IntegrityError:
        raise Conflict(f"another person has the code {employee_code!r}", "code_exists",
                       "employee_code", code=employee_code) from None
    audit.record(session, actor, "person.edit", "person", row.id, _audited(row))
    site_moves.follow(session, row.id, old_site)  # a new department at another site
    return row


def reactivate_person(session: Session, person_id: uuid.UUID, *, actor: str) -> Person:
    """A person who left comes back (biometrics erased at leaving stay erased); audited."""
    row = _person_row(session, person_id)
    row.active = True
    _published(session, row)
    audit.record(session, actor, "person.activate", "person", row.id)
    return row


def _person_row(session: Session, person_id: uuid.UUID) -> Person:
    row = session.get(Person, person_id)
    if row is None:
        raise NotFound(f"no person {person_id}", "no_person")
    return row


def _published(session: Session, row: Person) -> None:
    row.updated_at = utc_now()
    session.flush()
    feed.publish(session, FeedEntity.PERSON, FeedOp.UPSERT, row.id, person_data(row))


def list_people(session: Session, department: str | None = None) -> list[Person]:
    query = select(Person).order_by(Person.display_name, Person.id)
    if department is not None:
        query = query.where(Person.department == department)
    return list(session.scalars(query))


def erase_person(session: Session, person_id: uuid.UUID,
                 requested_by: str = "system") -> erasure.ErasureRecord:
    """Delete a person's templates, chips, consents and row; tombstone them in the feed."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}", "no_person")
    template_ids, chips = _delete_biometrics(session, person_id)
    for row in session.scalars(select(ConsentRecord).where(ConsentRecord.person_id
                                                           == person_id)):
        session.delete(row)
    session.flush()
    session.delete(person)
    feed.forget(session, [person_id, *template_ids])
    # The earlier erasures' entries were just forgotten: this tombstone carries their ids,
    # so a kiosk that never read them confirms them by applying it.
    earlier = [str(e.id) for e in erasure.records_of(session, person_id)]
    erasure_id = uuid.uuid4()
    tombstone = feed.publish(session, FeedEntity.PERSON, FeedOp.DELETE, person_id,
                             {"erasure_id": str(erasure_id), "covers": earlier})
    return erasure.record(session, person_id, erasure.Reason.DELETED, requested_by, tombstone,
                          len(template_ids), chips, erasure_id)


def withdraw_consent(session: Session, person_id: uuid.UUID,
                     requested_by: str = "system") -> erasure.ErasureRecord:
    """Mark every consent of the person withdrawn and erase their templates and chips.

    The person stays (attendance by PIN or QR continues); kiosks erase through the feed.
    """
    return _erase_biometrics_of(session, person_id, requested_by, erasure.Reason.WITHDRAWN)


def deactivate_person(session: Session, person_id: uuid.UUID,
                      requested_by: str = "system") -> erasure.ErasureRecord:
    """Deactivate a person (left the organisation) and erase their templates and chips.
    Audited twice: the decision (``person.deactivate``) and the erasure it causes."""
    audit.record(session, requested_by, "person.deactivate", "person", person_id)
    return _erase_biometrics_of(session, person_id, requested_by, erasure.Reason.DEACTIVATED)


def erase_biometrics_for_retention(session: Session,
                                   person_id: uuid.UUID) -> erasure.ErasureRecord:
    """Erase an inactive person's templates and chips when their retention period ended."""
    return _erase_biometrics_of(session, person_id, "retention-job", erasure.Reason.RETENTION)


def _erase_biometrics_of(session: Session, person_id: uuid.UUID, requested_by: str,
                         reason: erasure.Reason) -> erasure.ErasureRecord:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}", "no_person")
    now = utc_now()
    if reason is erasure.Reason.RETENTION:
        pass
    elif reason is erasure.Reason.WITHDRAWN:
        for consent in session.scalars(select(ConsentRecord).where(
                ConsentRecord.person_id == person_id, ConsentRecord.withdrawn_at.is_(None))):
            consent.withdrawn_at = now
    else:
        person.active = False
    if reason is not erasure.Reason.RETENTION:
        person.updated_at = now
    template_ids, chips = _delete_biometrics(session, person_id)
    if reason is erasure.Reason.DEACTIVATED:  # left: their PIN and badge go too
        session.execute(delete(AltCheckinCredential).where(
            AltCheckinCredential.person_id == person_id))
    feed.forget(session, template_ids)
    erasure_id = uuid.uuid4()
    data = {**person_data(person), "biometrics_erased": True, "erasure_id": str(erasure_id)}
    tombstone = feed.publish(session, FeedEntity.PERSON, FeedOp.UPSERT, person_id, data)
    return erasure.record(session, person_id, reason, requested_by, tombstone,
                          len(template_ids), chips, erasure_id)


def _delete_biometrics(session: Session, person_id: uuid.UUID) -> tuple[list[uuid.UUID], int]:
    template_ids = []
    for template in session.scalars(select(Template).where(Template.person_id == person_id)):
        template_ids.append(template.id)
        session.delete(template)
    chips = 0
    for chip in session.scalars(select(Chip).where(Chip.person_id == person_id)):
        session.delete(chip)
        chips += 1
    session.flush()
    return template_ids, chips


def enroll(session: Session, person_id: uuid.UUID, recognizer_id: str, consent: ConsentIn,
           embeddings: Sequence[str], chips: Sequence[ChipIn],
           source_kiosk_id: uuid.UUID | None,
           template_ids: Sequence[uuid.UUID] | None = None,
           pending_enrolment: uuid.UUID | None = None, *, actor: str,
           detail: dict[str, Any] | None = None) -> list[uuid.UUID]:
    """Store consent, templates and chips for an existing person; publish the templates,
    unless they belong to ``pending_enrolment`` (a kiosk's upload awaiting review:
    service.kiosk_enrolments publishes them on approval). Audited as ``person.enrol`` under
    ``actor`` (``detail`` added to the entry).

    ``template_ids`` (a kiosk's own ids, one per embedding) make the upload idempotent: when
    they are already stored for this person and consent, the upload is a replay (its answer
    was lost) and the stored ids are returned with nothing written. A new consent dated at
    or before the person's latest withdrawal is refused (Conflict).
    """
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}", "no_person")
    if template_ids is not None:
        check_template_ids(template_ids, embeddings)
        if is_replay(session, person_id, consent.id, template_ids):
            return list(template_ids)
    if not person.active:
        raise Conflict(f"person {person_id} is inactive: no biometrics are kept for them",
                       "person_inactive", name=person.display_name)
    record = session.get(ConsentRecord, consent.id)
    if record is None:
        _refuse_consent_before_withdrawal(session, person_id, consent.given_at)
        record = ConsentRecord(id=consent.id, person_id=person_id, given_at=consent.given_at,
                               notice_version=consent.notice_version,
                               collected_by=consent.collected_by)
        session.add(record)
    elif record.person_id != person_id:
        raise BadRequest(f"consent {consent.id} belongs to another person", "consent_other_person")
    elif record.withdrawn_at is not None:
        raise Conflict(f"consent {consent.id} was withdrawn; record a new consent first",
                       "consent_withdrawn")
    keyring = datakeys.keyring_for(session)
    now = utc_now()
    vectors = [_decode_embedding(text, index) for index, text in enumerate(embeddings)]
    if len({len(v) for v in vectors}) > 1:
        raise BadRequest("embeddings of one upload must have the same size", "bad_embeddings")
    ids = []
    for index, raw in enumerate(vectors):
        template_id = template_ids[index] if template_ids is not None else uuid.uuid4()
        template = Template(id=template_id, person_id=person_id, consent_id=consent.id,
                            recognizer_id=recognizer_id, dim=len(raw) // 4,
                            embedding=keyring.seal(raw, datakeys.template_context(template_id)),
                            source_kiosk_id=source_kiosk_id, created_at=now,
                            enrolment_id=pending_enrolment)
        session.add(template)
        ids.append(template.id)
        if pending_enrolment is None:
            publish_template(session, keyring, template, record, raw)
    for chip in chips:
        chip_id = uuid.uuid4()
        session.add(Chip(id=chip_id, person_id=person_id,
                         image=keyring.seal(chip.image, datakeys.chip_context(chip_id)),
                         image_format=chip.image_format, alignment=chip.alignment,
                         created_at=now, enrolment_id=pending_enrolment))
    audit.record(session, actor, "person.enrol", "person", person_id,
                 {"templates": len(ids), "chips": len(chips), "recognizer_id": recognizer_id,
                  "kiosk_id": None if source_kiosk_id is None else str(source_kiosk_id),
                  "pending_review": pending_enrolment is not None, **(detail or {})})
    return ids


def publish_template(session: Session, keyring: DataKeyring, template: Template,
                     consent: ConsentRecord, raw: bytes) -> None:
    """Send one template (its embedding ``raw``, sealed in the entry) to the feed."""
    data = _template_data(template, consent)
    data[datakeys.SEALED_FIELD] = datakeys.seal_embedding_field(keyring, template.id, raw)
    feed.publish(session, FeedEntity.TEMPLATE, FeedOp.UPSERT, template.id, data,
                 recognizer_id=template.recognizer_id)


def _refuse_consent_before_withdrawal(session: Session, person_id: uuid.UUID,
                                      given_at: datetime) -> None:
    """A consent cannot predate the person's latest withdrawal: it would undo it."""
    withdrawn = [session.scalar(select(func.max(ConsentRecord.withdrawn_at)).where(
                     ConsentRecord.person_id == person_id)),
                 session.scalar(select(func.max(Erasure.requested_at)).where(
                     Erasure.person_id == person_id,
                     Erasure.reason == erasure.Reason.WITHDRAWN.value))]
    latest = max((w for w in withdrawn if w is not None), default=None)
    if latest is not None and given_at <= latest:
        raise ConsentBeforeWithdrawal(
            f"consent given {given_at.isoformat()} predates the withdrawal of "
            f"{latest.isoformat()}: only a consent given after it can enrol this person",
            "consent_before_withdrawal", given=given_at.date(), withdrawn=latest.date())


def check_template_ids(template_ids: Sequence[uuid.UUID], embeddings: Sequence[str]) -> None:
    if len(template_ids) != len(embeddings) or len(set(template_ids)) != len(template_ids):
        raise BadRequest("template_ids must name each embedding once, in order", "bad_embeddings")


def is_replay(session: Session, person_id: uuid.UUID, consent_id: uuid.UUID,
               template_ids: Sequence[uuid.UUID]) -> bool:
    """True when every id is stored for this person and consent; Conflict when only some are
    (or for someone else): an id is never reused for different content."""
    stored = list(session.scalars(select(Template).where(Template.id.in_(template_ids))))
    if not stored:
        return False
    if len(stored) == len(template_ids) and all(
            t.person_id == person_id and t.consent_id == consent_id for t in stored):
        return True
    raise Conflict("template ids already stored for another enrollment", "templates_stored")


def _decode_embedding(text: str, index: int) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raise BadRequest(f"embeddings[{index}] is not base64", "bad_embeddings") from None
    if not raw or len(raw) % 4 or len(raw) > 4 * 4096:
        raise BadRequest(f"embeddings[{index}] must be 1..4096 little-endian float32 values",
                         "bad_embeddings")
    values = struct.unpack(f"<{len(raw) // 4}f", raw)
    if not all(math.isfinite(v) for v in values):
        raise BadRequest(f"embeddings[{index}] holds NaN or infinity", "bad_embeddings")
    return raw


def _template_data(template: Template, consent: ConsentRecord) -> dict[str, Any]:
    """The feed entry's data without the embedding (the caller adds it, sealed)."""
    return {
        "person_id": str(template.person_id), "recognizer_id": template.recognizer_id,
        "dim": template.dim, "created_at": template.created_at.isoformat(),
        "consent": {"id": str(consent.id), "given_at": consent.given_at.isoformat(),
                    "notice_version": consent.notice_version,
                    "collected_by": consent.collected_by},
        **({"rolling": True} if template.rolling else {}),
    }
