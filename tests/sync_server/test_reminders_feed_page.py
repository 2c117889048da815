"""The feed's reminder rule on both databases: a kiosk's page holds the reminders of people
with a template of its recognizer, and every reminder tombstone."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.engine import transaction
from sync_server.service import alt_checkin, datakeys, feed, people, reminders
from sync_server.service.reminders import Status, TaskIn
from tests.sync_server.helpers import add_person


@pytest.fixture(autouse=True)
def _key_file_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def _enroll(session: Session, person_id: uuid.UUID, recognizer: str) -> None:
    vector = base64.b64encode(np.ones(8, dtype="<f4").tobytes()).decode()
    consent = people.ConsentIn(uuid.uuid4(), datetime.now(UTC), "v1", "HR")
    people.enroll(session, person_id, recognizer, consent, [vector], [], None, actor="test")


def _reminders(sessions: sessionmaker[Session], recognizer: str) -> list[tuple[str, uuid.UUID]]:
    with sessions() as session:
        page = feed.page(session, 0, 1000, recognizer)
    return [(c.op, c.entity_id) for c in page.changes if c.entity == "reminder"]


def test_reminders_are_paged_only_for_enrolled_people(sessions: sessionmaker[Session]) -> None:
    a, b = add_person(sessions, "A"), add_person(sessions, "B")
    with transaction(sessions) as session:
        _enroll(session, a, "sface")
        _enroll(session, b, "arcface")
        task, _ = reminders.create_task(session, TaskIn("Both", department="Finance"), "hr")
    ra, rb = reminders.reminder_id(task.id, a), reminders.reminder_id(task.id, b)
    assert _reminders(sessions, "sface") == [("upsert", ra)]
    assert _reminders(sessions, "arcface") == [("upsert", rb)]
    assert _reminders(sessions, "other") == []
    with transaction(sessions) as session:
        reminders.set_status(session, task.id, Status.DONE, "hr")
    tombstones = {("delete", ra), ("delete", rb)}
    assert set(_reminders(sessions, "other")) == tombstones
    assert set(_reminders(sessions, "sface")) == {("upsert", ra)} | tombstones


def test_people_with_a_pin_or_badge_get_their_reminders_at_every_kiosk(
        sessions: sessionmaker[Session]) -> None:
    """No face template, but a PIN: every kiosk can greet them, so every kiosk gets their
    reminders; one created before the PIN was issued is published again when it is."""
    with transaction(sessions) as session:
        person = people.create_person(session, "Pin User", "P-7", "Finance", actor="test").id
        task, _ = reminders.create_task(session, TaskIn("Sign the minutes", person_id=person),
                                        "hr")
    reminder = reminders.reminder_id(task.id, person)
    assert _reminders(sessions, "sface") == []  # not greeted anywhere yet
    with transaction(sessions) as session:
        alt_checkin.issue_pin(session, person, "hr", "4826")
    for recognizer in ("sface", "arcface"):
        assert ("upsert", reminder) in _reminders(sessions, recognizer)
    with sessions() as session:  # published again after the PIN, so late cursors get it
        newest = feed.page(session, 0, 1000, "sface").changes[-1]
        assert (newest.entity, newest.entity_id) == ("reminder", reminder)
