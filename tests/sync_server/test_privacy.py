"""Encryption at rest, consent withdrawal and erasure everywhere with per-kiosk confirmation:
a real server on 127.0.0.1, two real kiosk stores, real databases."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.store import Chip, Consent, KioskStore, open_store
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server import cli
from sync_server.db.engine import transaction
from sync_server.db.models import Change, Person, Punch, Template
from sync_server.db.models import Chip as ServerChip
from sync_server.service import datakeys, people
from sync_server.service.retention import RetentionPolicy, apply_retention
from tests.sync_server.helpers import (
    RECOGNIZER,
    add_person,
    approve_enrolments,
    make_admin,
    provision_kiosk,
)
from tests.sync_server.live import LiveServer

VECTORS = np.random.default_rng(3).standard_normal((2, 128)).astype("<f4")
CHIP = bytes(cv2.imencode(".png", np.random.default_rng(4).integers(
    0, 255, (112, 112, 3), dtype=np.uint8))[1].tobytes())


@pytest.fixture(autouse=True)
def _key_file_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The key file goes beside a SQLite database, or in the data dir for PostgreSQL.
    # (SYNC_SERVER_DATA_KEY_FILE would also do, once kiosk/config.py stops reading
    # SYNC_SERVER_DATA_KEY* as settings.)
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("KIOSK_DATA_KEY", raising=False)
    monkeypatch.delenv("KIOSK_DATA_KEY_FILE", raising=False)


@pytest.fixture
def two_kiosks(live_server: LiveServer, sessions: sessionmaker[Session], tmp_path: Path
               ) -> Iterator[list[tuple[KioskCredential, KioskStore]]]:
    pairs = [(provision_kiosk(sessions, live_server.url, name),
              open_store(tmp_path / name / "kiosk.sqlite3")) for name in ("gate-a", "gate-b")]
    yield pairs
    for _credential, store in pairs:
        store.close()


def _sync(credential: KioskCredential, store: KioskStore) -> None:
    with SyncClient(credential, timeout_s=5, verify_tls=False) as client:
        sync_once(store, client)


def _enroll(credential: KioskCredential, person_id: uuid.UUID,
            sessions: sessionmaker[Session]) -> list[uuid.UUID]:
    """A kiosk enrolment, approved by HR (so every kiosk receives it)."""
    consent = Consent(person_id, datetime.now(UTC), "notice-v2", "HR Pham")
    with SyncClient(credential, timeout_s=5, verify_tls=False) as client:
        ids = client.upload_enrollment(person_id, RECOGNIZER, consent, VECTORS,
                                       [Chip(CHIP, "png", {"size": 112})])
    assert approve_enrolments(sessions) == 1
    return ids


def _admin(live_server: LiveServer, sessions: sessionmaker[Session]) -> httpx.Client:
    return httpx.Client(base_url=live_server.url + "/api/v1", auth=make_admin(sessions),
                        timeout=10)


def test_server_stores_templates_chips_and_feed_encrypted(
        two_kiosks: list[tuple[KioskCredential, KioskStore]], sessions: sessionmaker[Session],
        server_settings: object) -> None:
    (credential, store), _other = two_kiosks
    person_id = add_person(sessions)
    template_ids = _enroll(credential, person_id, sessions)
    with sessions() as session:
        blobs = [t.embedding for t in session.scalars(select(Template))]
        blobs += [c.image for c in session.scalars(select(ServerChip))]
        feed_text = str([c.data for c in session.scalars(select(Change))])
    assert len(blobs) == 3 and all(blob[:4] == b"FAE1" for blob in blobs)
    for row in VECTORS:
        assert row.tobytes() not in b"".join(blobs)
        assert base64.b64encode(row.tobytes()).decode() not in feed_text
    _sync(credential, store)  # the kiosk still receives usable templates
    ids, matrix = store.biometrics.templates_for(RECOGNIZER)
    assert ids == [person_id, person_id] and len(template_ids) == 2
    assert np.allclose(np.sort(matrix, axis=0), np.sort(VECTORS, axis=0))


def test_withdrawal_erases_everywhere_and_tracks_each_kiosk(
        two_kiosks: list[tuple[KioskCredential, KioskStore]], live_server: LiveServer,
        sessions: sessionmaker[Session]) -> None:
    (cred_a, store_a), (cred_b, store_b) = two_kiosks
    person_id = add_person(sessions)
    _enroll(cred_a, person_id, sessions)
    for credential, store in two_kiosks:
        _sync(credential, store)
        assert store.biometrics.recognizers_enrolled(person_id) == [RECOGNIZER]
    with _admin(live_server, sessions) as admin:
        answer = admin.post(f"/people/{person_id}/withdraw-consent")
        assert answer.status_code == 200, answer.text
        erasure = answer.json()
        assert (erasure["templates_erased"], erasure["chips_erased"]) == (2, 1)
        assert sorted(erasure["pending_kiosks"]) == ["gate-a", "gate-b"]
        _sync(cred_a, store_a)
        assert store_a.biometrics.recognizers_enrolled(person_id) == []
        assert store_a.biometrics.person(person_id) is not None  # PIN/QR attendance continues
        pending = admin.get("/people/erasures", params={"pending_only": True}).json()
        assert [(e["id"], e["pending_kiosks"], e["confirmed_kiosks"]) for e in pending] == \
            [(erasure["id"], ["gate-b"], ["gate-a"])]
        assert store_b.biometrics.recognizers_enrolled(person_id) == [RECOGNIZER]  # not synced yet
        with SyncClient(cred_b, timeout_s=5, verify_tls=False) as client:
            client._call("POST", f"/kiosks/me/erasures/{erasure['id']}/ack")
        assert admin.get("/people/erasures", params={"pending_only": True}).json() == []
        _sync(cred_b, store_b)
        assert store_b.biometrics.recognizers_enrolled(person_id) == []
        # A withdrawn consent cannot carry new templates.
        with sessions() as session:
            assert session.scalars(select(Template)).all() == []
    with pytest.raises(Exception, match="withdrawn"):
        with SyncClient(cred_a, timeout_s=5, verify_tls=False) as client:
            consent_id = _consent_ids(sessions, person_id)[0]
            client.upload_enrollment(person_id, RECOGNIZER,
                                     Consent(person_id, datetime.now(UTC), "notice-v2", "HR",
                                             id=consent_id), VECTORS)


def _consent_ids(sessions: sessionmaker[Session], person_id: uuid.UUID) -> list[uuid.UUID]:
    from sync_server.db.models import ConsentRecord

    with sessions() as session:
        return list(session.scalars(select(ConsentRecord.id)
                                    .where(ConsentRecord.person_id == person_id)))


def test_deletion_reaches_both_kiosk_files_and_each_confirms_it_by_id(
        two_kiosks: list[tuple[KioskCredential, KioskStore]], live_server: LiveServer,
        sessions: sessionmaker[Session]) -> None:
    person_id = add_person(sessions)
    _enroll(two_kiosks[0][0], person_id, sessions)
    sealed = []
    for credential, store in two_kiosks:
        _sync(credential, store)
        sealed.append(bytes(store._conn.raw.execute("SELECT embedding FROM templates")
                            .fetchone()[0]))
    with _admin(live_server, sessions) as admin:
        assert admin.delete(f"/people/{person_id}").status_code == 204
        [erasure] = admin.get("/people/erasures", params={"person_id": str(person_id)}).json()
        assert erasure["reason"] == "deleted" and len(erasure["pending_kiosks"]) == 2
        for credential, store in two_kiosks:
            _sync(credential, store)
        done = admin.get(f"/people/erasures/{erasure['id']}").json()
        assert done["pending_kiosks"] == [] and sorted(done["confirmed_kiosks"]) == \
            ["gate-a", "gate-b"]
    for (_credential, store), blob in zip(two_kiosks, sealed, strict=True):
        data = store.path.read_bytes()
        wal = store.path.with_name(store.path.name + "-wal")
        data += wal.read_bytes() if wal.exists() else b""
        assert blob not in data and store.biometrics.person(person_id) is None


def test_deactivation_erases_and_kiosk_cannot_ack_for_unknown_erasure(
        two_kiosks: list[tuple[KioskCredential, KioskStore]], live_server: LiveServer,
        sessions: sessionmaker[Session]) -> None:
    (credential, store), _other = two_kiosks
    person_id = add_person(sessions)
    _enroll(credential, person_id, sessions)
    _sync(credential, store)
    with _admin(live_server, sessions) as admin:
        answer = admin.post(f"/people/{person_id}/deactivate")
        assert answer.status_code == 200 and answer.json()["reason"] == "deactivated"
    _sync(credential, store)
    assert store.biometrics.recognizers_enrolled(person_id) == []
    assert store.biometrics.chips_for(person_id) == []
    headers = {"Authorization": f"Bearer {credential.credential}"}
    answer = httpx.post(f"{live_server.url}/api/v1/kiosks/me/erasures/{uuid.uuid4()}/ack",
                        headers=headers)
    assert answer.status_code == 404
    # A kiosk credential is not an admin login.
    answer = httpx.get(f"{live_server.url}/api/v1/people/erasures", headers=headers)
    assert answer.status_code == 401


def test_rotate_key_command_reencrypts_server_data(
        two_kiosks: list[tuple[KioskCredential, KioskStore]], sessions: sessionmaker[Session],
        server_settings: object, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (credential, store), _other = two_kiosks
    person_id = add_person(sessions)
    _enroll(credential, person_id, sessions)
    with sessions() as session:
        before = {t.embedding[4:12] for t in session.scalars(select(Template))}
    url = server_settings.database.url  # type: ignore[attr-defined]
    monkeypatch.setenv("SYNC_SERVER_DATABASE__URL", url)
    assert cli.main(["rotate-key"]) == 0
    assert "re-encrypted 5 blobs" in capsys.readouterr().out  # 2 templates, 1 chip, 2 feed
    with sessions() as session:
        keyring = datakeys.keyring_for(session)
        assert keyring.others == ()
        after = {t.embedding[4:12] for t in session.scalars(select(Template))}
    assert after == {keyring.primary_id} and after != before
    _sync(credential, store)
    assert np.allclose(np.sort(store.biometrics.templates_for(RECOGNIZER)[1], axis=0),
                       np.sort(VECTORS, axis=0))


def test_missing_server_key_is_a_clear_error(
        two_kiosks: list[tuple[KioskCredential, KioskStore]], sessions: sessionmaker[Session],
        server_settings: object, tmp_path: Path) -> None:
    credential, _store = two_kiosks[0]
    _enroll(credential, add_person(sessions), sessions)
    url = server_settings.database.url  # type: ignore[attr-defined]
    datakeys.default_key_file(url).rename(tmp_path / "elsewhere.key")
    with sessions() as session, pytest.raises(datakeys.DataKeyUnavailable,
                                              match=datakeys.KEY_ENV):
        datakeys.keyring_for(session)


def test_server_retention_job(sessions: sessionmaker[Session], two_kiosks: list[
        tuple[KioskCredential, KioskStore]]) -> None:
    credential, _store = two_kiosks[0]
    person_id = add_person(sessions)
    _enroll(credential, person_id, sessions)
    now = datetime.now(UTC)
    with transaction(sessions) as session:
        kiosk_id = session.scalars(select(Template.source_kiosk_id)).first()
        for days in (500, 10):
            moment = now - timedelta(days=days)
            session.add(Punch(id=uuid.uuid4(), kiosk_id=kiosk_id, person_id=person_id,
                              kind="auto", source="face", captured_at=moment,
                              clock_offset_s=None, occurred_at=moment, received_at=moment))
        session.get(Person, person_id).active = False  # type: ignore[union-attr]
    with transaction(sessions) as session:
        report = apply_retention(session, RetentionPolicy(raw_punch_days=400))
    assert (report.punches, report.people) == (1, 1)
    with sessions() as session:
        assert len(session.scalars(select(Punch)).all()) == 1
        assert session.scalars(select(Template)).all() == []
    assert people  # the service module is what the job calls
