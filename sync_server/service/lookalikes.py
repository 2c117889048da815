"""The duplicate and look-alike guard at enrolment: one face, one person.

A new enrolment's templates are compared (cosine) with every template of the same recognizer
held for OTHER active people. A person scoring at or above the 1:1 verification threshold
(faceid.operating_point.verification_threshold: FMR <= 1e-4 on the pack's calibration
photos) is probably the same face under a second name, and the enrolment is refused as
"already enrolled as <name, code>" (AlreadyEnrolled, 409), whatever the door: web upload, ZIP
or folder import. An admin who knows they are different people (twins, siblings) confirms
it: the pair is recorded as a look-alike pair (audited), the enrolment goes ahead, and both
people always need face + code at the kiosks (the feed's person entry says
``needs_code``). The people page lists the pairs.

Templates are decrypted for the comparison and never leave this module. Runs in the
caller's transaction (web thread pool, import thread or CLI).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from protocol.feed import FeedEntity, FeedOp
from sync_server.clock import utc_now
from sync_server.db.models import LookalikePair, Person, Template
from sync_server.errors import Conflict
from sync_server.service import audit, datakeys, feed


@dataclass(frozen=True)
class Resemblance:
    """Another person the new face scores at or above the verification threshold with."""

    person_id: uuid.UUID
    display_name: str
    employee_code: str | None
    score: float  # best cosine between a new and a stored template

    def label(self) -> str:
        return f"{self.display_name} ({self.employee_code or '-'})"


class AlreadyEnrolled(Conflict):
    """The face is already enrolled under another name (RFC 9457 problem, 409)."""

    title = "Already enrolled as another person"

    def __init__(self, matches: Sequence[Resemblance]) -> None:
        self.matches = tuple(matches)
        names = ", ".join(f"{m.label()} [{m.score:.2f}]" for m in self.matches)
        super().__init__(f"already enrolled as {names}: if they are different people (twins, "
                         "siblings), an admin confirms it and both will need face + code",
                         "already_enrolled_as", names=names)


def guard_threshold(recognizer_id: str, pack_match: float) -> float:
    """The verification threshold of ``recognizer_id`` (cosine)."""
    from faceid.operating_point import verification_threshold
    from faceid.score_tails import load_calibration

    return verification_threshold(load_calibration(recognizer_id), pack_match)


def threshold_for_recognizer(recognizer_id: str) -> float | None:
    """The 1:1 threshold (cosine) for templates a kiosk made with ``recognizer_id`` (the
    server's own pack may differ): from the pack calibration, else the highest match
    threshold of the registry's packs of that recognizer; None when the recognizer is
    unknown to both (no guard possible)."""
    from faceid.operating_point import verification_threshold
    from faceid.registry import load_registry
    from faceid.score_tails import load_calibration

    fallbacks = [float(p.thresholds.match) for p in load_registry().packs.values()
                 if p.recognizer == recognizer_id]
    calibration = load_calibration(recognizer_id)
    if not calibration.tails and not fallbacks:
        return None
    return verification_threshold(calibration, max(fallbacks, default=1.0))


def resemblances(session: Session, person_id: uuid.UUID, recognizer_id: str,
                 embeddings: Sequence[str], threshold: float) -> list[Resemblance]:
    """Other active people whose templates score >= ``threshold`` with the new ones
    (base64 little-endian float32), best first."""
    if not embeddings:
        return []
    new = np.stack([np.frombuffer(base64.b64decode(e), dtype="<f4") for e in embeddings])
    new = new / np.linalg.norm(new, axis=1, keepdims=True)
    keyring = datakeys.keyring_for(session)
    rows = session.execute(
        select(Template.id, Template.person_id, Template.embedding)
        .join(Person, Person.id == Template.person_id)
        .where(Template.recognizer_id == recognizer_id, Template.person_id != person_id,
               Person.active.is_(True))).all()
    owners, vectors = [], []
    for template_id, owner, sealed in rows:
        stored = np.frombuffer(keyring.open(sealed, datakeys.template_context(template_id)),
                               dtype="<f4")
        if stored.shape[0] == new.shape[1]:
            owners.append(owner)
            vectors.append(stored)
    best: dict[uuid.UUID, float] = {}
    if vectors:
        matrix = np.stack(vectors)
        scores = (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)) @ new.T
        for owner, score in zip(owners, scores.max(axis=1).tolist(), strict=True):
            best[owner] = max(best.get(owner, -1.0), float(score))
    found = []
    for owner, score in sorted(best.items(), key=lambda item: -item[1]):
        if score >= threshold:
            person = session.get(Person, owner)
            if person is not None:
                found.append(Resemblance(owner, person.display_name, person.employee_code,
                                         score))
    return found


def confirmed_with(session: Session, person_id: uuid.UUID) -> set[uuid.UUID]:
    """The people confirmed as look-alikes (different people) of ``person_id``."""
    rows = session.scalars(select(LookalikePair).where(or_(
        LookalikePair.person_a == person_id, LookalikePair.person_b == person_id)))
    return {p.person_b if p.person_a == person_id else p.person_a for p in rows}


def check(session: Session, person_id: uuid.UUID, recognizer_id: str,
          embeddings: Sequence[str], threshold: float, confirmed: Sequence[uuid.UUID] = (),
          actor: str = "") -> list[Resemblance]:
    """Refuse (AlreadyEnrolled) unless every resembling person is a confirmed look-alike;
    ``confirmed`` are the people the admin confirms as different now (recorded, audited).
    Returns the look-alikes found."""
    found = resemblances(session, person_id, recognizer_id, embeddings, threshold)
    known = confirmed_with(session, person_id)
    fresh = [m for m in found if m.person_id not in known]
    refused = [m for m in fresh if m.person_id not in set(confirmed)]
    if refused:
        raise AlreadyEnrolled(refused)
    for match in fresh:
        confirm_pair(session, person_id, match, actor or "admin")
    return found


def confirm_pair(session: Session, person_id: uuid.UUID, match: Resemblance,
                 actor: str) -> LookalikePair:
    """Record that ``person_id`` and ``match.person_id`` are different people who look alike."""
    first, second = sorted((person_id, match.person_id), key=str)
    pair = LookalikePair(id=uuid.uuid4(), person_a=first, person_b=second,
                         score=round(match.score, 4), confirmed_by=actor,
                         confirmed_at=utc_now())
    session.add(pair)
    session.flush()
    audit.record(session, actor, "person.lookalike_confirmed", "person", person_id,
                 {"other": str(match.person_id), "score": round(match.score, 4)})
    from sync_server.service import people  # people -> feed -> this module

    for member in (first, second):  # both now need face + code: tell every kiosk
        person = session.get(Person, member)
        if person is not None:
            feed.publish(session, FeedEntity.PERSON, FeedOp.UPSERT, member,
                         people.person_data(person))
    return pair


def list_pairs(session: Session) -> list[tuple[LookalikePair, Person, Person]]:
    """Every confirmed look-alike pair with both people, newest first."""
    pairs = session.scalars(select(LookalikePair).order_by(LookalikePair.confirmed_at.desc()))
    result = []
    for pair in pairs:
        first, second = session.get(Person, pair.person_a), session.get(Person, pair.person_b)
        if first is not None and second is not None:
            result.append((pair, first, second))
    return result


def needs_code(session: Session, person_id: uuid.UUID) -> bool:
    """Whether the person is in a confirmed look-alike pair (face + code at every kiosk)."""
    return bool(confirmed_with(session, person_id))
