"""The server's rolling set (service.rolling_templates) on SQLite and PostgreSQL: at most 3
per person and recognizer, the 4th replaces the oldest (a feed DELETE), enrolment templates
never; one a day; only for a person with an approved enrolment; audited."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from protocol.feed import FeedEntity, FeedOp
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Change, Template
from sync_server.db.web_models import AuditEntry
from sync_server.errors import Conflict, NotFound
from sync_server.service import audit, people, rolling_admin, rolling_templates
from tests.sync_server.helpers import RECOGNIZER, add_person

KIOSK = uuid.UUID(int=7)


def _vector(seed: int) -> str:
    values = np.random.default_rng(seed).normal(size=128).astype("<f4")
    return base64.b64encode((values / np.linalg.norm(values)).astype("<f4").tobytes()).decode()


def _enrol(sessions: sessionmaker[Session]) -> tuple[uuid.UUID, uuid.UUID, list[uuid.UUID]]:
    person = add_person(sessions)
    consent = people.ConsentIn(uuid.uuid4(), utc_now(), "notice-v3", "guard at gate")
    with transaction(sessions) as session:
        ids = people.enroll(session, person, RECOGNIZER, consent, [_vector(1), _vector(2)], [],
                            source_kiosk_id=None, actor="test")
    return person, consent.id, ids


def _age_rolling(sessions: sessionmaker[Session]) -> None:
    """Move every rolling template a day and an hour into the past (as if uploaded then)."""
    with transaction(sessions) as session:
        for template in session.scalars(select(Template).where(Template.rolling.is_(True))):
            template.created_at -= timedelta(hours=25)
        audit.record(session, "test", "test.age_rolling", "templates", None, {})


def _accept(sessions: sessionmaker[Session], person: uuid.UUID, consent: uuid.UUID,
            seed: int) -> uuid.UUID:
    with transaction(sessions) as session:
        return rolling_templates.accept(session, KIOSK, "kiosk:entrance-1", person, RECOGNIZER,
                                        consent, _vector(seed), uuid.uuid4())


def test_the_fourth_rolling_template_replaces_the_oldest_never_an_enrolment_one(
        sessions: sessionmaker[Session]) -> None:
    person, consent, enrolled = _enrol(sessions)
    added = []
    for seed in range(10, 14):
        added.append(_accept(sessions, person, consent, seed))
        with pytest.raises(Conflict, match="last 24 hours"):  # one a day
            _accept(sessions, person, consent, 99)
        _age_rolling(sessions)
    with sessions() as session:
        stored = session.execute(select(Template.id, Template.rolling).where(
            Template.person_id == person)).all()
        assert sorted(i for i, rolling in stored if not rolling) == sorted(enrolled)
        assert sorted(i for i, rolling in stored if rolling) == sorted(added[1:])
        deletes = session.scalars(select(Change.entity_id).where(
            Change.entity == FeedEntity.TEMPLATE.value,
            Change.op == FeedOp.DELETE.value)).all()
        assert deletes == [added[0]]
        published = session.scalars(select(Change).where(
            Change.entity_id == added[3], Change.op == FeedOp.UPSERT.value)).one()
        assert published.data["rolling"] is True
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "person.rolling_template")).all()
        assert len(entries) == 4 and entries[-1].detail["replaced"] == [str(added[0])]


def test_a_rolling_template_needs_an_approved_enrolment(
        sessions: sessionmaker[Session]) -> None:
    person = add_person(sessions, "Tran Thi B")
    other, consent, _ = _enrol(sessions)
    with pytest.raises(Conflict, match="no approved enrolment"):
        _accept(sessions, person, consent, 5)
    with pytest.raises(Conflict, match="not a valid consent"):
        with transaction(sessions) as session:
            rolling_templates.accept(session, KIOSK, "kiosk:entrance-1", other, RECOGNIZER,
                                     uuid.uuid4(), _vector(6), None)


def test_only_a_rolling_template_of_that_person_can_be_removed(
        sessions: sessionmaker[Session]) -> None:
    person, consent, enrolled = _enrol(sessions)
    rolling = _accept(sessions, person, consent, 10)
    other = add_person(sessions, "Tran Thi B")
    for owner, template in ((person, enrolled[0]), (other, rolling), (person, uuid.uuid4())):
        with pytest.raises(NotFound, match="no rolling template"):
            with transaction(sessions) as session:
                rolling_admin.remove(session, owner, template, actor="admin")
    with transaction(sessions) as session:
        assert [r.id for r in rolling_admin.listed(session, person)] == [rolling]
        rolling_admin.remove(session, person, rolling, actor="admin")
    with sessions() as session:
        assert rolling_admin.listed(session, person) == []
        assert sorted(session.scalars(select(Template.id).where(
            Template.person_id == person))) == sorted(enrolled)
        assert session.scalars(select(Change.op).where(Change.entity_id == rolling)
                               .order_by(Change.seq)).all() == ["upsert", "delete"]
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "person.rolling_template_remove")).one()
        assert entry.actor == "admin" and entry.entity_id == str(person)
