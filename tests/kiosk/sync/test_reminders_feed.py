"""Reminders through the change feed and the event outbox: a real server on 127.0.0.1, real
kiosk stores. Only people enrolled for a kiosk's recognizer get reminders there."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.store import Consent, KioskStore, open_store
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.db.engine import transaction
from sync_server.db.models import Change
from sync_server.db.reminder_models import ReminderDelivery, ReminderTask
from sync_server.service import datakeys, reminders
from sync_server.service.reminders import Status, TaskIn
from tests.sync_server.helpers import RECOGNIZER, add_person, approve_enrolments, provision_kiosk
from tests.sync_server.live import LiveServer

VECTORS = np.random.default_rng(8).standard_normal((1, 128)).astype("<f4")


@pytest.fixture(autouse=True)
def _key_file_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def _sync(credential: KioskCredential, store: KioskStore) -> None:
    with SyncClient(credential, timeout_s=5, verify_tls=False) as client:
        sync_once(store, client)


def _enroll(credential: KioskCredential, person_id: uuid.UUID,
            sessions: sessionmaker[Session]) -> None:
    """A kiosk enrolment, approved by HR (until then no kiosk's feed carries it)."""
    consent = Consent(person_id, datetime.now(UTC), "notice-v2", "HR Pham")
    with SyncClient(credential, timeout_s=5, verify_tls=False) as client:
        # one face per person: the server's duplicate guard holds a face seen under two names
        face = np.random.default_rng(person_id.int % 2**32).standard_normal(VECTORS.shape)
        client.upload_enrollment(person_id, RECOGNIZER, consent, face.astype("<f4"), [])
    assert approve_enrolments(sessions) == 1


def _task(sessions: sessionmaker[Session], spec: TaskIn) -> uuid.UUID:
    with transaction(sessions) as session:
        task, created = reminders.create_task(session, spec, "leader")
        assert created
        return task.id


def test_reminders_reach_only_kiosks_where_the_person_is_enrolled(
        store: KioskStore, credential: KioskCredential, live_server: LiveServer,
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    enrolled, later = add_person(sessions, "Nguyen Van An"), add_person(sessions, "Le Thi Ba")
    add_person(sessions, "Other Dept", department="Operations")
    _enroll(credential, enrolled, sessions)
    due = datetime.now(UTC) + timedelta(hours=3)
    task_id = _task(sessions, TaskIn("Quarterly budget", department="Finance", due_at=due,
                                     priority=2, details="confidential numbers"))
    other = provision_kiosk(sessions, live_server.url, "other-model", recognizer_id="arcface-x")
    other_store = open_store(tmp_path / "other" / "kiosk.sqlite3")
    try:
        _sync(credential, store)
        _sync(other, other_store)
        shown = store.reminders.for_person(enrolled)
        assert [(r.title, r.priority, r.due_at) for r in shown] == [("Quarterly budget", 2, due)]
        assert shown[0].id == reminders.reminder_id(task_id, enrolled)
        assert store.reminders.for_person(later) == []  # not enrolled here: nothing sent
        assert other_store.reminders.for_person(enrolled) == []  # another recognizer: not enrolled
    finally:
        other_store.close()
    with sessions() as session:
        data = [c.data for c in session.scalars(select(Change).where(
            Change.entity == "reminder"))]
    assert data and all("details" not in d and "confidential" not in str(d) for d in data)
    assert {d["status"] for d in data} == {"open"} and all(d["urgent"] is False for d in data)

    _enroll(credential, later, sessions)  # enrolled after the kiosk's cursor passed the reminder
    _sync(credential, store)
    assert [r.title for r in store.reminders.for_person(later)] == ["Quarterly budget"]


def test_shown_and_acknowledged_events_update_the_delivery_once(
        store: KioskStore, credential: KioskCredential,
        sessions: sessionmaker[Session]) -> None:
    person = add_person(sessions)
    _enroll(credential, person, sessions)
    task_id = _task(sessions, TaskIn("Sign the contract", person_id=person))
    _sync(credential, store)
    [reminder] = store.reminders.for_person(person)
    first = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    store.events.record("reminder_shown", {"reminder_id": str(reminder.id), "urgent": False},
                       person_id=person, occurred_at=first)
    store.events.record("reminder_shown", {"reminder_id": str(reminder.id), "urgent": False},
                       person_id=person, occurred_at=first + timedelta(minutes=2))
    store.events.record("reminder_ack", {"reminder_id": str(reminder.id)}, person_id=person,
                       occurred_at=first + timedelta(minutes=3))
    store.events.record("reminder_ack", {"reminder_id": str(uuid.uuid4())}, person_id=person)
    _sync(credential, store)
    with sessions() as session:
        delivery = session.get(ReminderDelivery, reminder.id)
        task = session.get(ReminderTask, task_id)
        assert delivery is not None and task is not None
        assert delivery.shown_at == first and delivery.shown_count == 2
        assert delivery.shown_kiosk_id == credential.kiosk_id
        assert delivery.acknowledged_at == first + timedelta(minutes=3)
        assert task.status == Status.ACKNOWLEDGED.value
    # The kiosk learns it is acknowledged: no longer an open reminder on screen.
    assert store.reminders.for_person(person) == []

    with transaction(sessions) as session:
        reminders.set_status(session, task_id, Status.DONE, "leader")
    _sync(credential, store)
    raw = sqlite3.connect(store.path)  # the row itself is gone, not only hidden
    try:
        assert raw.execute("SELECT count(*) FROM reminders").fetchone()[0] == 0
    finally:
        raw.close()


def test_a_done_task_is_tombstoned_and_a_nudge_is_reported_delivered(
        store: KioskStore, credential: KioskCredential,
        sessions: sessionmaker[Session]) -> None:
    person = add_person(sessions)
    _enroll(credential, person, sessions)
    task_id = _task(sessions, TaskIn("Send the report", person_id=person))
    _sync(credential, store)
    with transaction(sessions) as session:
        reminders.nudge(session, task_id, "leader")
    _sync(credential, store)
    [reminder] = store.reminders.for_person(person)
    store.events.record("reminder_shown", {"reminder_id": str(reminder.id), "urgent": True},
                       person_id=person)
    _sync(credential, store)
    with sessions() as session:
        delivery = session.get(ReminderDelivery, reminder.id)
        assert delivery is not None and delivery.delivered_at is not None
    with transaction(sessions) as session:
        reminders.set_status(session, task_id, Status.CANCELLED, "leader")
    _sync(credential, store)
    assert store.reminders.for_person(person) == []


@pytest.mark.parametrize("spec, message", [
    (TaskIn(""), "title"),
    (TaskIn("x"), "OR one department"),
    (TaskIn("x", department="Nobody"), "no active members"),
    (TaskIn("x", department="Finance", priority=7), "priority"),
])
def test_bad_tasks_are_refused(sessions: sessionmaker[Session], spec: TaskIn,
                               message: str) -> None:
    add_person(sessions)
    with pytest.raises(Exception, match=message), transaction(sessions) as session:
        reminders.create_task(session, spec, "leader")
