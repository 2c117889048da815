"""Kiosk <-> server sync with a real server on 127.0.0.1 and real SQLite files."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.errors import AuthError, ServerUnavailable
from kiosk.store import Chip, Consent, KioskStore, Person, open_store
from kiosk.sync import (
    KioskCredential,
    SyncClient,
    SyncWorker,
    load_credential,
    save_credential,
    sync_once,
)
from sync_server.db.engine import transaction
from sync_server.db.models import Punch as ServerPunch
from sync_server.service import kiosks, people, reminders
from tests.conftest import PROJECT_ROOT
from tests.sync_server.helpers import RECOGNIZER, add_person, approve_enrolments
from tests.sync_server.live import LiveServer


def _server_punch_ids(sessions: sessionmaker[Session]) -> list[uuid.UUID]:
    with sessions() as session:
        return list(session.scalars(select(ServerPunch.id)))


def _record(store: KioskStore, count: int) -> set[uuid.UUID]:
    return {store.punches.record(uuid.uuid4()).id for _ in range(count)}


def test_offline_punches_are_delivered_when_the_server_returns(
        live_server: LiveServer, credential: KioskCredential, store: KioskStore,
        sessions: sessionmaker[Session]) -> None:
    live_server.stop()
    recorded = _record(store, 120)
    with SyncClient(credential, timeout_s=2, verify_tls=False) as client:
        with pytest.raises(ServerUnavailable):
            sync_once(store, client, batch_size=50)
        assert store.punches.backlog() == 120
        live_server.start()
        report = sync_once(store, client, batch_size=50)
    assert report.pushed == 120 and report.backlog == 0
    assert set(_server_punch_ids(sessions)) == recorded


class _LoseFirstPushResponse(httpx.BaseTransport):
    """Forwards to the real server, then drops the first punch answer (a lost response)."""

    def __init__(self) -> None:
        self.real = httpx.HTTPTransport()
        self.dropped = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.real.handle_request(request)
        if request.url.path.endswith("/punches") and self.dropped == 0:
            response.read()
            self.dropped += 1
            raise httpx.ReadError("connection reset after the server stored the batch")
        return response


def test_batch_replayed_after_a_lost_response_creates_no_duplicates(
        credential: KioskCredential, store: KioskStore,
        sessions: sessionmaker[Session]) -> None:
    recorded = _record(store, 30)
    transport = _LoseFirstPushResponse()
    with SyncClient(credential, verify_tls=False, transport=transport) as client:
        with pytest.raises(ServerUnavailable):
            sync_once(store, client, batch_size=100)
        assert len(_server_punch_ids(sessions)) == 30  # stored, but the kiosk never heard
        assert store.punches.backlog() == 30
        sync_once(store, client, batch_size=100)
    assert transport.dropped == 1
    ids = _server_punch_ids(sessions)
    assert len(ids) == 30 and set(ids) == recorded
    assert store.punches.backlog() == 0


def _start_loop(store_path: Path, credential_path: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.kiosk.sync.kiosk_loop", str(store_path),
         str(credential_path), "20", *extra],
        cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_kiosk_killed_mid_sync_loses_and_duplicates_nothing(
        tmp_path: Path, credential: KioskCredential, sessions: sessionmaker[Session]) -> None:
    store_path = tmp_path / "crash" / "kiosk.sqlite3"
    credential_path = tmp_path / "crash" / "credential.json"
    store = open_store(store_path)
    recorded = _record(store, 600)
    store.close()
    save_credential(credential_path, credential)
    loop = _start_loop(store_path, credential_path)
    deadline = time.monotonic() + 60
    while len(_server_punch_ids(sessions)) < 100 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(loop.pid, signal.SIGKILL)
    loop.wait(10)
    delivered_before_kill = len(_server_punch_ids(sessions))
    assert 0 < delivered_before_kill < 600, "the kill must land mid-sync"
    restart = _start_loop(store_path, credential_path, "--until-empty")
    _out, err = restart.communicate(timeout=120)
    assert restart.returncode == 0, err.decode()[-2000:]
    ids = _server_punch_ids(sessions)
    assert len(ids) == len(set(ids)) == 600 and set(ids) == recorded
    assert open_store(store_path).punches.backlog() == 0


def test_revoked_kiosk_is_refused(credential: KioskCredential, store: KioskStore,
                                  sessions: sessionmaker[Session]) -> None:
    _record(store, 3)
    with transaction(sessions) as session:
        kiosks.revoke(session, credential.name, actor="test")
    with SyncClient(credential, verify_tls=False) as client, pytest.raises(AuthError):
        sync_once(store, client)
    assert store.punches.backlog() == 3


def test_server_deletion_erases_templates_and_chips_from_the_kiosk_file(
        credential: KioskCredential, store: KioskStore, sessions: sessionmaker[Session]
        ) -> None:
    # Enrolled at this kiosk (templates, chip, consent), uploaded, then erased by HR.
    person_id = uuid.uuid4()
    store.biometrics.upsert_person(Person(person_id, "Dang Van H"))
    consent = Consent(person_id, datetime.now(UTC), "notice-v3", "guard at gate")
    vectors = np.full((2, 128), 4321.125, dtype=np.float32)
    pixels = np.random.default_rng(5).integers(0, 255, (112, 112, 3), dtype=np.uint8)
    chip = Chip(cv2.imencode(".jpg", pixels)[1].tobytes(), "jpeg", {"template": "arcface-112"})
    store.biometrics.save_enrollment(person_id, RECOGNIZER, vectors, [chip], consent=consent)
    with SyncClient(credential, verify_tls=False) as client:
        client.upload_enrollment(person_id, RECOGNIZER, consent, vectors, [chip],
                                 new_person_name="Dang Van H")
        assert approve_enrolments(sessions) == 1
        sync_once(store, client, recognizer_id=RECOGNIZER)
        assert len(store.biometrics.templates_for(RECOGNIZER)[0]) == 4  # own two + the feed's two
        with transaction(sessions) as session:
            people.erase_person(session, person_id)
        sync_once(store, client, recognizer_id=RECOGNIZER)
    raw = store.path.read_bytes()
    wal = store.path.with_name(store.path.name + "-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    assert vectors[0].tobytes() not in raw and chip.image not in raw
    assert base64.b64encode(vectors[0].tobytes())[:40] not in raw
    assert store.biometrics.person(person_id) is None
    assert store.biometrics.templates_for(RECOGNIZER)[0] == []


def test_offline_kiosk_catches_up_in_pages(credential: KioskCredential, store: KioskStore,
                                           sessions: sessionmaker[Session]) -> None:
    person = add_person(sessions, "Bui Thi K")
    consent = Consent(person, datetime.now(UTC), "notice-v3", "HR")
    with SyncClient(credential, verify_tls=False) as client:  # reminders go where enrolled
        client.upload_enrollment(person, RECOGNIZER, consent, np.ones((1, 128), np.float32), [])
    assert approve_enrolments(sessions) == 1
    with transaction(sessions) as session:
        for day in range(1, 1201):
            reminders.create_task(session, reminders.TaskIn(f"task {day}", person_id=person),
                                  "hr")
    with SyncClient(credential, verify_tls=False) as client:
        report = sync_once(store, client, page_size=100)
        assert report.pulled == 1202  # the person, their template, 1200 reminders
        assert sync_once(store, client, page_size=100).pulled == 0
    assert len(store.reminders.for_person(person)) == 1200
    assert int(store.feed.cursor() or 0) >= 1201


def test_clock_offset_is_measured_and_stamped_on_later_punches(
        credential: KioskCredential, store: KioskStore) -> None:
    assert store.settings.clock_offset_s() is None
    with SyncClient(credential, verify_tls=False) as client:
        sync_once(store, client)
        assert client.round_trip_s is not None and client.round_trip_s < 5
    offset = store.settings.clock_offset_s()
    assert offset is not None and abs(offset) < 1.0  # same machine: near zero
    assert store.punches.record(uuid.uuid4()).clock_offset_s == offset  # no jump: as measured


def test_sync_worker_delivers_and_reports_state(
        live_server: LiveServer, credential: KioskCredential, store: KioskStore,
        tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    save_credential(tmp_path / "cred.json", credential)
    assert (tmp_path / "cred.json").stat().st_mode & 0o777 == 0o600
    client = SyncClient(load_credential(tmp_path / "cred.json"), timeout_s=2, verify_tls=False)
    worker = SyncWorker(store, client, interval_s=0.2, batch_size=10)
    worker.start()
    try:
        recorded = _record(store, 25)
        worker.wake()
        # The state is published after the whole exchange, a moment after the outbox empties.
        _wait_for(lambda: store.punches.backlog() == 0 and worker.online() is True)
        assert worker.state().last_success_at is not None and worker.state().backlog == 0
        live_server.stop()
        _wait_for(lambda: worker.online() is False)
        assert worker.state().last_error
    finally:
        worker.stop()
        client.close()
    assert not worker.is_alive()
    assert set(_server_punch_ids(sessions)) == recorded


def _wait_for(condition: object, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)
