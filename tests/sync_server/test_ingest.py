"""Punch ingest over HTTP on SQLite and PostgreSQL: idempotent, all-or-nothing, 4xx problems."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.models import Punch
from tests.sync_server.helpers import provision_kiosk
from tests.sync_server.live import LiveServer


def _punch(offset_s: float | None = 2.5, person: uuid.UUID | None = None) -> dict[str, object]:
    return {"id": str(uuid.uuid4()), "person_id": str(person or uuid.uuid4()), "kind": "auto",
            "source": "face", "captured_at": datetime.now(UTC).isoformat(),
            "clock_offset_s": offset_s}


def _count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Punch)) or 0)


def _client(live_server: LiveServer, sessions: sessionmaker[Session]) -> httpx.Client:
    credential = provision_kiosk(sessions, live_server.url, "gate-1")
    return httpx.Client(base_url=live_server.url,
                        headers={"Authorization": f"Bearer {credential.credential}"})


def test_replayed_batch_stores_nothing_and_gets_the_same_answer(
        live_server: LiveServer, sessions: sessionmaker[Session]) -> None:
    batch = {"punches": [_punch() for _ in range(50)]}
    with _client(live_server, sessions) as http:
        first = http.post("/api/v1/punches", json=batch)
        replay = http.post("/api/v1/punches", json=batch)
    assert first.status_code == replay.status_code == 200
    assert first.json() == replay.json()
    assert first.json()["acknowledged"] == [p["id"] for p in batch["punches"]]
    assert first.json()["conflicts"] == []
    assert _count(sessions) == 50


def test_partly_new_batch_adds_only_the_new_punches(
        live_server: LiveServer, sessions: sessionmaker[Session]) -> None:
    old = [_punch() for _ in range(10)]
    new = [_punch() for _ in range(5)]
    with _client(live_server, sessions) as http:
        assert http.post("/api/v1/punches", json={"punches": old}).status_code == 200
        answer = http.post("/api/v1/punches", json={"punches": old + new})
    assert answer.status_code == 200
    assert len(answer.json()["acknowledged"]) == 15
    assert _count(sessions) == 15


def test_clock_offset_gives_the_server_instant(
        live_server: LiveServer, sessions: sessionmaker[Session]) -> None:
    punch = _punch(offset_s=-3600.0)
    with _client(live_server, sessions) as http:
        assert http.post("/api/v1/punches", json={"punches": [punch]}).status_code == 200
    with sessions() as session:
        stored = session.get(Punch, uuid.UUID(str(punch["id"])))
        assert stored is not None
        assert stored.captured_at.tzinfo is not None
        assert stored.occurred_at == stored.captured_at - timedelta(hours=1)


def test_conflicting_replay_is_reported_and_keeps_the_first(
        live_server: LiveServer, sessions: sessionmaker[Session]) -> None:
    punch = _punch()
    altered = dict(punch, person_id=str(uuid.uuid4()))
    with _client(live_server, sessions) as http:
        http.post("/api/v1/punches", json={"punches": [punch]})
        answer = http.post("/api/v1/punches", json={"punches": [altered]})
    assert answer.json()["conflicts"] == [punch["id"]]
    with sessions() as session:
        stored = session.get(Punch, uuid.UUID(str(punch["id"])))
        assert stored is not None and str(stored.person_id) == punch["person_id"]


def test_bad_punch_rejects_the_whole_batch_with_a_problem(
        live_server: LiveServer, sessions: sessionmaker[Session]) -> None:
    good = [_punch() for _ in range(3)]
    naive = dict(_punch(), captured_at="2026-11-23T08:00:00")  # no zone: refused
    with _client(live_server, sessions) as http:
        answers = [
            http.post("/api/v1/punches", json={"punches": [*good, naive]}),
            http.post("/api/v1/punches", json={"punches": [*good, dict(_punch(), kind="x")]}),
            http.post("/api/v1/punches", json={"punches": [*good, dict(_punch(), id="7")]}),
            http.post("/api/v1/punches", json={"punches": [*good, dict(_punch(), extra=1)]}),
            http.post("/api/v1/punches", json={"punches": []}),
            http.post("/api/v1/punches", content=b"{not json",
                      headers={"Content-Type": "application/json"}),
        ]
    for answer in answers:
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["status"] == 422 and answer.json()["title"]
    assert _count(sessions) == 0


def test_oversized_body_gets_413_problem(live_server: LiveServer,
                                         sessions: sessionmaker[Session]) -> None:
    big = {"punches": [_punch() for _ in range(6000)]}  # ~1.3 MB > the 1 MiB limit
    with _client(live_server, sessions) as http:
        answer = http.post("/api/v1/punches", json=big)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["status"] == 413
    assert _count(sessions) == 0


def test_ingest_needs_a_credential(live_server: LiveServer,
                                   sessions: sessionmaker[Session]) -> None:
    with httpx.Client(base_url=live_server.url) as http:
        missing = http.post("/api/v1/punches", json={"punches": [_punch()]})
        wrong = http.post("/api/v1/punches", json={"punches": [_punch()]},
                          headers={"Authorization": f"Bearer {uuid.uuid4()}.nope"})
    for answer in (missing, wrong):
        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"
    assert _count(sessions) == 0


def test_oversized_streamed_body_without_length_gets_413(
        live_server: LiveServer, sessions: sessionmaker[Session]) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"punches": ['
        for index in range(6000):
            yield (b"," if index else b"") + json.dumps(_punch()).encode()
        yield b"]}"

    with _client(live_server, sessions) as http:
        answer = http.post("/api/v1/punches", content=chunks(),
                           headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.json()["title"] == "Content too large"
    assert _count(sessions) == 0
