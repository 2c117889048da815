"""Rolling templates uploaded by kiosks: stored as rolling, published to the person's kiosks.

A kiosk keeps a template from a check-in far above its 1:N threshold, live, with a clear
margin over everyone else (kiosk.app.rolling) and uploads it through the enrolment door
marked ``rolling``. It is not an enrolment: no chips, no new person, no review queue. The
server accepts it only when

- the person exists, is active, and has approved enrolment templates of that recognizer;
- its consent record is the person's, stored here and not withdrawn;
- the duplicate guard passes: it scores under the 1:1 threshold against every other
  person's templates (service.lookalikes; confirmed look-alikes included: a rolling
  template must never drift towards a twin);
- no other rolling template of the person arrived in the last 24 hours.

Otherwise it is refused (409, the reason in the problem), and the kiosk drops it. Accepted:
stored with ``rolling`` set and published; beyond ``limit`` per person and recognizer the
oldest rolling ones are deleted (feed DELETE). Audited as ``person.rolling_template``
under the kiosk. Erasure removes rolling templates with the others; an admin removes one
on the person's page (service.rolling_admin).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from datetime import timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from protocol.feed import FeedEntity, FeedOp
from sync_server.clock import utc_now
from sync_server.db.models import ConsentRecord, Person, Template
from sync_server.errors import BadRequest, Conflict, NotFound
from sync_server.service import audit, datakeys, feed, lookalikes, people

LIMIT = 3
MIN_GAP = timedelta(hours=24)


class RollingRefused(Conflict):
    """A rolling template the server will not keep (409; the kiosk drops it)."""

    title = "Rolling template refused"


def accept(session: Session, kiosk_id: uuid.UUID, actor: str, person_id: uuid.UUID,
           recognizer_id: str, consent_id: uuid.UUID, embedding: str,
           template_id: uuid.UUID | None, limit: int = LIMIT) -> uuid.UUID:
    """Store and publish one rolling template (base64 little-endian float32); returns its
    id. A replay (same id already stored for this person) stores nothing."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}", "no_person")
    if template_id is not None:
        stored = session.get(Template, template_id)
        if stored is not None:
            if stored.person_id != person_id or not stored.rolling:
                raise Conflict("template id already stored for another enrolment",
                               "templates_stored")
            return template_id
    consent, dim = _consent(session, person, recognizer_id, consent_id)
    raw = _vector(embedding, dim)
    _refuse_lookalike(session, person_id, recognizer_id, embedding)
    _refuse_too_soon(session, person_id)
    keyring = datakeys.keyring_for(session)
    new_id = template_id or uuid.uuid4()
    template = Template(id=new_id, person_id=person_id, consent_id=consent.id,
                        recognizer_id=recognizer_id, dim=len(raw) // 4,
                        embedding=keyring.seal(raw, datakeys.template_context(new_id)),
                        source_kiosk_id=kiosk_id, created_at=utc_now(), enrolment_id=None,
                        rolling=True)
    session.add(template)
    session.flush()
    people.publish_template(session, keyring, template, consent, raw)
    replaced = _trim(session, person_id, recognizer_id, limit)
    audit.record(session, actor, "person.rolling_template", "person", person_id,
                 {"template_id": str(new_id), "recognizer_id": recognizer_id,
                  "kiosk_id": str(kiosk_id), "replaced": [str(r) for r in replaced]})
    return new_id


def _vector(embedding: str, dim: int) -> bytes:
    """The embedding's bytes: ``dim`` finite little-endian float32 values (else 422)."""
    try:
        raw = base64.b64decode(embedding, validate=True)
    except ValueError:
        raise BadRequest("embeddings[0] is not base64", "bad_embeddings") from None
    if len(raw) != 4 * dim or not np.all(np.isfinite(np.frombuffer(raw, dtype="<f4"))):
        raise BadRequest(f"embeddings[0] must be {dim} finite little-endian float32 values",
                         "bad_embeddings")
    return raw


def _consent(session: Session, person: Person, recognizer_id: str,
             consent_id: uuid.UUID) -> tuple[ConsentRecord, int]:
    """The upload's consent record and the dimension of the person's enrolment templates."""
    if not person.active:
        raise Conflict(f"person {person.id} is inactive: no biometrics are kept for them",
                       "person_inactive", name=person.display_name)
    enrolled = session.scalar(select(Template.dim).where(
        Template.person_id == person.id, Template.recognizer_id == recognizer_id,
        Template.rolling.is_(False), Template.enrolment_id.is_(None)).limit(1))
    if enrolled is None:
        raise Conflict(f"person {person.id} has no approved enrolment of {recognizer_id}: "
                       "a rolling template only refreshes one", "rolling_needs_enrolment",
                       name=person.display_name)
    consent = session.get(ConsentRecord, consent_id)
    if consent is None or consent.person_id != person.id or consent.withdrawn_at is not None:
        raise Conflict(f"consent {consent_id} is not a valid consent of person {person.id}",
                       "consent_not_valid")
    return consent, int(enrolled)


def _refuse_lookalike(session: Session, person_id: uuid.UUID, recognizer_id: str,
                      embedding: str) -> None:
    threshold = lookalikes.threshold_for_recognizer(recognizer_id)
    if threshold is None:
        return
    found = lookalikes.resemblances(session, person_id, recognizer_id, [embedding], threshold)
    if found:
        raise RollingRefused(f"a rolling template must not look like another person: it "
                             f"scores {found[0].score:.2f} with {found[0].label()} (1:1 "
                             f"threshold {threshold:.2f})", "rolling_lookalike",
                             name=found[0].label())


def _refuse_too_soon(session: Session, person_id: uuid.UUID) -> None:
    recent = session.scalar(select(Template.id).where(
        Template.person_id == person_id, Template.rolling.is_(True),
        Template.created_at > utc_now() - MIN_GAP).limit(1))
    if recent is not None:
        raise RollingRefused(f"person {person_id} already got a rolling template in the last "
                             "24 hours", "rolling_too_soon")


def _trim(session: Session, person_id: uuid.UUID, recognizer_id: str,
          limit: int) -> Sequence[uuid.UUID]:
    """Delete (and unpublish) the oldest rolling templates beyond ``limit``."""
    rows = list(session.scalars(select(Template).where(
        Template.person_id == person_id, Template.recognizer_id == recognizer_id,
        Template.rolling.is_(True)).order_by(Template.created_at.desc())))
    extra = rows[max(limit, 0):]
    for template in extra:
        session.delete(template)
        feed.publish(session, FeedEntity.TEMPLATE, FeedOp.DELETE, template.id,
                     recognizer_id=recognizer_id)
    return [t.id for t in extra]


def check_single(embeddings: Sequence[str], chips: int, new_person: bool) -> None:
    """A rolling upload is one embedding, without chips or a new person."""
    if len(embeddings) != 1 or chips or new_person:
        raise BadRequest("a rolling upload is exactly one embedding, with no chips and no "
                         "new person", "rolling_one_embedding")
