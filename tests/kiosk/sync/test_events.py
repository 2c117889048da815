"""The event outbox end to end: kiosk store -> real server on 127.0.0.1, exactly once."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.store import KioskStore
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.db.event_models import KioskEventRow
from sync_server.service import events

SNAPSHOT = b"\xff\xd8\xff\xe0 not really a jpeg but private bytes \xff\xd9" * 20


@pytest.fixture
def handled() -> Iterator[list[tuple[uuid.UUID, str]]]:
    """A handler for a test-only kind, recording each call (the server runs in-process)."""
    calls: list[tuple[uuid.UUID, str]] = []

    def on_probe(_session: Session, kiosk_id: uuid.UUID, event: events.IncomingEvent) -> None:
        calls.append((kiosk_id, str(event.data["n"])))

    events.HANDLERS["test_probe"] = on_probe
    yield calls
    del events.HANDLERS["test_probe"]


def _count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(KioskEventRow)) or 0)


def test_events_reach_the_server_once_and_run_their_handler_once(
        store: KioskStore, credential: KioskCredential, sessions: sessionmaker[Session],
        handled: list[tuple[uuid.UUID, str]]) -> None:
    person = uuid.uuid4()
    first = store.events.record("test_probe", {"n": 1}, person_id=person)
    store.events.record("test_probe", {"n": 2})
    store.events.record("newer_kind", {"x": True})  # no handler here: stored, not stuck
    assert store.events.backlog() == 3

    with SyncClient(credential, verify_tls=False) as client:
        report = sync_once(store, client)
        assert report.events_pushed == 3
        assert store.events.backlog() == 0
        # A replay of the same events (a lost answer) changes nothing and is acknowledged.
        again = client.push_events(store.events.recent(limit=10))
        assert sorted(again) == sorted(e.id for e in store.events.recent(limit=10))

    assert _count(sessions) == 3
    assert sorted(n for _kiosk, n in handled) == ["1", "2"]
    assert {kiosk for kiosk, _n in handled} == {credential.kiosk_id}
    with sessions() as session:
        row = session.get(KioskEventRow, first.id)
        assert row is not None and row.person_id == person and row.kind == "test_probe"


def test_an_attachment_is_sealed_at_rest_and_leaves_the_kiosk_at_acknowledgement(
        store: KioskStore, credential: KioskCredential, sessions: sessionmaker[Session]) -> None:
    event = store.events.record("refused_probe", {"score": 0.12}, attachment=SNAPSHOT)
    assert store.events.pending()[0].attachment == SNAPSHOT
    raw = sqlite3.connect(store.path)
    try:
        blob = raw.execute("SELECT attachment FROM events").fetchone()[0]
    finally:
        raw.close()
    assert blob is not None and SNAPSHOT[:20] not in blob

    with SyncClient(credential, verify_tls=False) as client:
        sync_once(store, client)
    assert store.events.recent(limit=1)[0].attachment is None  # dropped once the server holds it

    with sessions() as session:
        row = session.get(KioskEventRow, event.id)
        assert row is not None and row.attachment is not None
        assert SNAPSHOT[:20] not in row.attachment
        assert events.open_attachment(session, row) == SNAPSHOT


@pytest.mark.parametrize("body, status", [
    ({"events": []}, 422),
    ({"events": [{"id": "x", "kind": "a", "occurred_at": "2026-11-24T08:00:00+07:00"}]}, 422),
    ({"events": [{"id": str(uuid.uuid4()), "kind": "Bad Kind",
                  "occurred_at": "2026-11-24T08:00:00+07:00"}]}, 422),
    ({"events": [{"id": str(uuid.uuid4()), "kind": "ok", "occurred_at": "2026-11-24T08:00:00"}]},
     422),
    ({"events": [{"id": str(uuid.uuid4()), "kind": "ok", "attachment": "%%%",
                  "occurred_at": "2026-11-24T08:00:00+07:00"}]}, 422),
])
def test_bad_event_batches_are_refused_whole(credential: KioskCredential,
                                             sessions: sessionmaker[Session],
                                             body: dict[str, object], status: int) -> None:
    answer = httpx.post(f"{credential.server_url}/api/v1/events", json=body, timeout=10,
                        headers={"Authorization": f"Bearer {credential.credential}"})
    assert answer.status_code == status, answer.text
    assert _count(sessions) == 0


def test_events_need_a_kiosk_credential(credential: KioskCredential) -> None:
    body = {"events": [{"id": str(uuid.uuid4()), "kind": "ok",
                        "occurred_at": "2026-11-24T08:00:00+07:00"}]}
    answer = httpx.post(f"{credential.server_url}/api/v1/events", json=body, timeout=10)
    assert answer.status_code == 401


def test_malformed_event_kinds_are_refused_by_the_store(store: KioskStore) -> None:
    with pytest.raises(ValueError, match="lower-case"):
        store.events.record("Refused Attempt")
    assert store.events.backlog() == 0
