"""Enrolments uploaded by kiosks wait for a person: pending, then approved or rejected.

A kiosk's upload is stored (templates and chips sealed, consent recorded) but its templates
reach no feed, and a person it created reaches no other kiosk, until an admin or HR approves
it (the web page shows its chips beside the person's existing ones). The kiosk that made it
holds it already and keeps using it; its punches of that person are held
(``enrolment_pending``) and counted when the enrolment is approved. A rejection deletes the
upload's templates and chips (the kiosk that made them is told through the feed), and the
person too when the kiosk created them. At most ``enrolments_per_person_per_day`` uploads per
person and kiosk in 24 hours (429 beyond). Every decision is audited.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from protocol.feed import FeedEntity, FeedOp
from sync_server.clock import utc_now
from sync_server.db.models import Chip, ConsentRecord, Erasure, Kiosk, Person, Template
from sync_server.db.trust_models import EnrolmentStatus, KioskEnrolment
from sync_server.errors import Conflict, Forbidden, NotFound, ServerError
from sync_server.service import (
    audit,
    datakeys,
    erasure,
    feed,
    lookalikes,
    people,
    punch_review,
    sites,
)


class TooManyEnrolments(ServerError):
    status = 429
    title = "Too many enrolments"


@dataclass(frozen=True)
class Upload:
    """A kiosk's enrolment upload, decoded (embeddings still base64 float32)."""

    person_id: uuid.UUID
    new_person: tuple[str, str | None] | None  # (display name, department)
    recognizer_id: str
    consent: people.ConsentIn
    embeddings: Sequence[str]
    chips: Sequence[people.ChipIn]
    template_ids: Sequence[uuid.UUID] | None
    # look-alikes the kiosk's admin confirmed as different people (recorded on approval)
    confirmed_different: Sequence[uuid.UUID] = ()


def upload(session: Session, kiosk_id: uuid.UUID, actor: str, sent: Upload,
           per_person_per_day: int) -> list[uuid.UUID]:
    """Store a kiosk's enrolment pending review, audited under ``actor`` (the kiosk); a
    replay returns its ids, storing nothing."""
    person = session.get(Person, sent.person_id)
    if person is not None and sent.template_ids is not None:
        people.check_template_ids(sent.template_ids, sent.embeddings)
        if people.is_replay(session, sent.person_id, sent.consent.id, sent.template_ids):
            return list(sent.template_ids)
    _check_rate(session, kiosk_id, sent.person_id, per_person_per_day)
    created = person is None and sent.new_person is not None
    if person is None and sent.new_person is not None:
        _refuse_erased(session, sent.person_id)
        name, department = sent.new_person
        kiosk = session.get(Kiosk, kiosk_id)
        site = None if kiosk is None else sites.own_site_for(
            session, department, sites.kiosk_site(session, kiosk))  # stays at this kiosk
        people.create_person(session, name, department=department, person_id=sent.person_id,
                             publish=False, actor=actor, site_id=site)
    lookalike = _guard(session, sent)
    row = KioskEnrolment(id=uuid.uuid4(), kiosk_id=kiosk_id, person_id=sent.person_id,
                         consent_id=sent.consent.id, recognizer_id=sent.recognizer_id,
                         created_person=created, templates=len(sent.embeddings),
                         status=EnrolmentStatus.PENDING.value, uploaded_at=utc_now(),
                         guard_person_id=None if lookalike is None else lookalike.person_id,
                         guard_score=None if lookalike is None else round(lookalike.score, 4),
                         guard_confirmed_by=(actor if lookalike is not None and
                                             lookalike.person_id in sent.confirmed_different
                                             else None))
    session.add(row)
    guard = {} if lookalike is None else {"already_enrolled_as": str(lookalike.person_id),
                                          "score": round(lookalike.score, 4),
                                          "confirmed_at_kiosk": row.guard_confirmed_by
                                          is not None}
    ids = people.enroll(session, sent.person_id, sent.recognizer_id, sent.consent,
                        sent.embeddings, sent.chips, source_kiosk_id=kiosk_id,
                        template_ids=sent.template_ids, pending_enrolment=row.id, actor=actor,
                        detail={"enrolment_id": str(row.id), "created_person": created,
                                **guard})
    return ids


def _guard(session: Session, sent: Upload) -> lookalikes.Resemblance | None:
    """The duplicate guard's verdict on an upload (service.lookalikes): the other person
    (not a confirmed look-alike) its face scores highest with at or above the 1:1
    threshold, or None. The upload is held either way; the review page shows the verdict."""
    threshold = lookalikes.threshold_for_recognizer(sent.recognizer_id)
    if threshold is None or not _decodable(sent.embeddings):
        return None  # a malformed upload is refused by people.enroll, with the reason
    known = lookalikes.confirmed_with(session, sent.person_id)
    found = lookalikes.resemblances(session, sent.person_id, sent.recognizer_id,
                                    sent.embeddings, threshold)
    return next((m for m in found if m.person_id not in known), None)


def _decodable(embeddings: Sequence[str]) -> bool:
    """Whether the embeddings are base64 float32 vectors of one size (checked in full by
    people.enroll)."""
    try:
        raws = [base64.b64decode(text, validate=True) for text in embeddings]
    except ValueError:
        return False
    return all(raw and len(raw) % 4 == 0 for raw in raws) and len({len(r) for r in raws}) == 1


def _check_rate(session: Session, kiosk_id: uuid.UUID, person_id: uuid.UUID,
                limit: int) -> None:
    since = utc_now() - timedelta(days=1)
    count = session.scalar(select(func.count()).select_from(KioskEnrolment).where(
        KioskEnrolment.kiosk_id == kiosk_id, KioskEnrolment.person_id == person_id,
        KioskEnrolment.uploaded_at > since)) or 0
    if count >= limit:
        raise TooManyEnrolments(f"this kiosk uploaded {count} enrolments of person "
                                f"{person_id} in the last 24 hours (at most {limit})",
                                "too_many_enrolments", count=count, limit=limit)


def _refuse_erased(session: Session, person_id: uuid.UUID) -> None:
    """A person erased here is never created again by a late (retried) kiosk upload."""
    erased = session.scalar(select(Erasure.id).where(
        Erasure.person_id == person_id, Erasure.reason == erasure.Reason.DELETED.value).limit(1))
    if erased is not None:
        raise Conflict(f"person {person_id} was erased on the server; the upload is refused",
                       "person_erased")


@dataclass(frozen=True)
class PendingEnrolment:
    """One upload awaiting review, as the page shows it (chip ids: see ``chip_image``)."""

    id: uuid.UUID
    uploaded_at: datetime
    kiosk_name: str
    person_id: uuid.UUID
    person_name: str
    department: str | None
    created_person: bool
    templates: int
    new_chips: list[uuid.UUID]
    existing_chips: list[uuid.UUID]
    consent_given_at: datetime | None
    notice_version: str | None
    # the duplicate guard's verdict at upload: "already enrolled as" this person, or None
    lookalike: lookalikes.Resemblance | None = None
    confirmed_at_kiosk: bool = False  # the kiosk's admin confirmed different people


def list_pending(session: Session, limit: int = 200) -> list[PendingEnrolment]:
    """Uploads awaiting review, oldest first."""
    rows = session.execute(
        select(KioskEnrolment, Kiosk.name, Person.display_name, Person.department)
        .join(Kiosk, Kiosk.id == KioskEnrolment.kiosk_id)
        .join(Person, Person.id == KioskEnrolment.person_id)
        .where(KioskEnrolment.status == EnrolmentStatus.PENDING.value)
        .order_by(KioskEnrolment.uploaded_at).limit(limit))
    return [_pending(session, row, kiosk, name, department)
            for row, kiosk, name, department in rows]


def _pending(session: Session, row: KioskEnrolment, kiosk: str, name: str,
             department: str | None) -> PendingEnrolment:
    chips = session.execute(select(Chip.id, Chip.enrolment_id)
                            .where(Chip.person_id == row.person_id)
                            .order_by(Chip.created_at)).all()
    consent = session.get(ConsentRecord, row.consent_id)
    return PendingEnrolment(
        row.id, row.uploaded_at, kiosk, row.person_id, name, department, row.created_person,
        row.templates, [c for c, e in chips if e == row.id], [c for c, e in chips if e is None],
        consent.given_at if consent else None, consent.notice_version if consent else None,
        _lookalike(session, row), row.guard_confirmed_by is not None)


def _lookalike(session: Session, row: KioskEnrolment) -> lookalikes.Resemblance | None:
    other = None if row.guard_person_id is None else session.get(Person, row.guard_person_id)
    if other is None:
        return None
    return lookalikes.Resemblance(other.id, other.display_name, other.employee_code,
                                  float(row.guard_score or 0.0))


def count_pending(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(KioskEnrolment).where(
        KioskEnrolment.status == EnrolmentStatus.PENDING.value)) or 0)


def chip_image(session: Session, chip_id: uuid.UUID) -> tuple[bytes, str]:
    """A chip's encoded image (opened from its sealed form) and its format."""
    chip = session.get(Chip, chip_id)
    if chip is None:
        raise NotFound(f"no chip {chip_id}", "no_chip")
    keyring = datakeys.keyring_for(session)
    return (datakeys.open_blob(keyring, chip.image, datakeys.chip_context(chip.id)),
            chip.image_format)


def _pending_row(session: Session, enrolment_id: uuid.UUID) -> KioskEnrolment:
    row = session.get(KioskEnrolment, enrolment_id)
    if row is None:
        raise NotFound(f"no kiosk enrolment {enrolment_id}", "no_kiosk_enrolment")
    if row.status != EnrolmentStatus.PENDING.value:
        raise Conflict(f"enrolment {enrolment_id} was already {row.status}",
                       "enrolment_decided")
    return row


def approve(session: Session, enrolment_id: uuid.UUID, actor: str,
            may_confirm_lookalike: bool = False) -> int:
    """Publish the upload's templates (and the person it created) to every kiosk, count the
    kiosk's punches held only for it; returns how many punches that released.

    An upload the duplicate guard found "already enrolled as" someone is approved only by
    an admin (``may_confirm_lookalike``), or when the kiosk's admin confirmed them as
    different people at enrolment: approving records the look-alike pair (both then need
    face + code), as on the web enrolment page; Forbidden otherwise."""
    row = _pending_row(session, enrolment_id)
    person = session.get(Person, row.person_id)
    if person is None:
        raise NotFound(f"the person of enrolment {enrolment_id} no longer exists",
                       "enrolment_person_gone")
    _confirm_lookalike(session, row, actor, may_confirm_lookalike)
    if row.created_person:
        feed.publish(session, FeedEntity.PERSON, FeedOp.UPSERT, person.id,
                     people.person_data(person))
    keyring = datakeys.keyring_for(session)
    for chip in session.scalars(select(Chip).where(Chip.enrolment_id == row.id)):
        chip.enrolment_id = None
    for template in session.scalars(select(Template).where(Template.enrolment_id == row.id)):
        template.enrolment_id = None
        consent = session.get(ConsentRecord, template.consent_id)
        if consent is None:  # a foreign key: cannot happen short of a damaged database
            raise Conflict(f"template {template.id} has no consent record", "no_consent")
        raw = datakeys.open_blob(keyring, template.embedding,
                                 datakeys.template_context(template.id))
        session.flush()  # the reminders' "first template" check reads it approved
        people.publish_template(session, keyring, template, consent, raw)
    _decide(session, row, EnrolmentStatus.APPROVED, actor)
    return punch_review.release_for_enrolment(session, row.kiosk_id, row.person_id, actor)


def _confirm_lookalike(session: Session, row: KioskEnrolment, actor: str,
                       allowed: bool) -> None:
    lookalike = _lookalike(session, row)
    if lookalike is None or lookalike.person_id in lookalikes.confirmed_with(session,
                                                                              row.person_id):
        return
    if row.guard_confirmed_by is not None:
        allowed, actor = True, f"{row.guard_confirmed_by} (admin at the kiosk), {actor}"
    if not allowed:
        raise Forbidden(f"this face is already enrolled as {lookalike.label()} (score "
                        f"{lookalike.score:.2f}): only an admin can approve it, confirming "
                        "they are different people", "kiosk_lookalike_admin_only")
    lookalikes.confirm_pair(session, row.person_id, lookalike, actor)


def reject(session: Session, enrolment_id: uuid.UUID, actor: str) -> None:
    """Delete the upload's templates and chips; the person too if the kiosk created them and
    nothing else was enrolled for them. The kiosk that made it drops them via the feed."""
    row = _pending_row(session, enrolment_id)
    templates = list(session.scalars(select(Template).where(Template.enrolment_id == row.id)))
    for template in templates:
        session.delete(template)
    for chip in session.scalars(select(Chip).where(Chip.enrolment_id == row.id)):
        session.delete(chip)
    session.flush()
    _decide(session, row, EnrolmentStatus.REJECTED, actor)
    others = session.scalar(select(func.count()).select_from(Template)
                            .where(Template.person_id == row.person_id)) or 0
    if row.created_person and not others and session.get(Person, row.person_id) is not None:
        people.erase_person(session, row.person_id, requested_by=actor)
        return
    for template in templates:
        feed.publish(session, FeedEntity.TEMPLATE, FeedOp.DELETE, template.id,
                     recognizer_id=template.recognizer_id)


def _decide(session: Session, row: KioskEnrolment, status: EnrolmentStatus,
            actor: str) -> None:
    row.status, row.reviewed_by, row.reviewed_at = status.value, actor, utc_now()
    audit.record(session, actor, f"enrolment.{status.value}", "person", row.person_id,
                 {"enrolment_id": str(row.id), "kiosk_id": str(row.kiosk_id),
                  "templates": row.templates, "created_person": row.created_person})
