"""Encryption at rest, key rotation, consent withdrawal and retention on real kiosk stores."""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import stat
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from faceid.sealing import DataKeyError, DataKeyring, new_key, read_key_file, sealed_key_id
from kiosk.cli import store as store_commands
from kiosk.store import (
    Chip,
    Consent,
    ConsentMissingError,
    FeedChange,
    FeedEntity,
    FeedOp,
    KioskStore,
    Person,
    open_store,
)
from kiosk.store.keys import KEY_ENV, rotate_store_key
from kiosk.store.retention import RetentionPolicy, apply_retention

RNG = np.random.default_rng(7)
EMBEDDING = RNG.standard_normal((2, 128)).astype(np.float32)
CHIP = b"\x89PNG-chip-" + bytes(range(256)) * 4


@pytest.fixture(autouse=True)
def _no_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv("KIOSK_DATA_KEY_FILE", raising=False)


def _file_bytes(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _enrolled(path: Path) -> tuple[KioskStore, uuid.UUID]:
    store = open_store(path)
    person = Person(uuid.uuid4(), "Tran Thi B")
    store.biometrics.upsert_person(person)
    store.biometrics.save_enrollment(person.id, "sface", EMBEDDING, [Chip(CHIP, "png",
                                                                          {"size": 112})],
                          consent=Consent(person.id, datetime.now(UTC), "notice-v1", "HR Le"))
    return store, person.id


def _blob_key_ids(store: KioskStore) -> set[bytes | None]:
    rows = store._conn.raw.execute("SELECT embedding FROM templates UNION ALL"
                                   " SELECT image FROM chips").fetchall()
    return {sealed_key_id(bytes(row[0])) for row in rows}


def test_a_copied_database_file_holds_no_usable_templates(tmp_path: Path) -> None:
    path = tmp_path / "kiosk" / "k.sqlite3"
    store, _person = _enrolled(path)
    key_file = path.parent / "data.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    store.close()
    raw = _file_bytes(path)
    for row in EMBEDDING:
        assert row.astype("<f4").tobytes() not in raw
        assert row.astype("<f4").tobytes()[:64] not in raw  # not even a fragment
    assert CHIP not in raw and b"\x89PNG-chip-" not in raw
    stolen = tmp_path / "stolen" / "k.sqlite3"
    stolen.parent.mkdir()
    shutil.copy(path, stolen)
    with pytest.raises(DataKeyError, match=KEY_ENV):
        open_store(stolen)  # no key beside the copy: refused, never read as plaintext
    with pytest.raises(DataKeyError, match="does not hold the key"):
        open_store(stolen, keyring=DataKeyring(new_key()))  # a wrong key opens nothing
    thief = DataKeyring(new_key())
    blob = bytes(open_store(path)._conn.raw.execute("SELECT embedding FROM templates")
                 .fetchone()[0])
    with pytest.raises(DataKeyError):
        thief.open(blob, b"template:whatever")
    reopened = open_store(stolen, keyring=read_key_file(key_file))  # with the key: usable
    assert np.allclose(np.sort(reopened.biometrics.templates_for("sface")[1], axis=0),
                       np.sort(EMBEDDING, axis=0))
    assert reopened.biometrics.chips_for(_person)[0].image == CHIP


def test_key_from_the_environment_and_a_wrong_key_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = base64.b64encode(new_key()).decode()
    monkeypatch.setenv(KEY_ENV, key)
    store, _person = _enrolled(tmp_path / "k.sqlite3")
    assert not (tmp_path / "data.key").exists()  # the environment key was used
    store.close()
    monkeypatch.setenv(KEY_ENV, base64.b64encode(new_key()).decode())
    with pytest.raises(DataKeyError, match=KEY_ENV):
        open_store(tmp_path / "k.sqlite3")
    monkeypatch.setenv(KEY_ENV, "not base64!")
    with pytest.raises(DataKeyError, match=KEY_ENV):
        open_store(tmp_path / "k.sqlite3")


def test_a_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    store, _person = _enrolled(tmp_path / "k.sqlite3")
    store.close()
    os.chmod(tmp_path / "data.key", 0o644)
    with pytest.raises(DataKeyError, match="0600"):
        open_store(tmp_path / "k.sqlite3")


def test_rotation_with_the_key_file_reencrypts_every_blob(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    path = tmp_path / "k.sqlite3"
    store, person_id = _enrolled(path)
    old_ids = _blob_key_ids(store)
    old_blob = bytes(store._conn.raw.execute("SELECT embedding FROM templates").fetchone()[0])
    store.close()
    config = tmp_path / "kiosk.toml"
    config.write_text(f"[store]\npath = '{path}'\n")
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path)
    store_commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["--config", str(config), "rotate-key"])
    assert args.handler(args) == 0
    # 2 templates, 1 chip, the person's sealed identity and the consent's collector
    # (kiosk.store.identity)
    assert "re-encrypted 5 blobs" in capsys.readouterr().out
    keyring = read_key_file(tmp_path / "data.key")
    assert keyring.others == () and {keyring.primary_id} != old_ids
    store = open_store(path)
    assert _blob_key_ids(store) == {keyring.primary_id}
    assert np.allclose(np.sort(store.biometrics.templates_for("sface")[1], axis=0),
                       np.sort(EMBEDDING, axis=0))
    assert store.biometrics.chips_for(person_id)[0].image == CHIP
    store.close()
    assert old_blob not in _file_bytes(path)  # the old ciphertext is gone, not just unlinked


def test_rotation_with_the_environment_uses_its_first_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = (base64.b64encode(new_key()).decode() for _ in range(2))
    monkeypatch.setenv(KEY_ENV, old)
    store, _person = _enrolled(tmp_path / "k.sqlite3")
    store.close()
    monkeypatch.setenv(KEY_ENV, f"{new},{old}")
    result = rotate_store_key(tmp_path / "k.sqlite3")
    assert result.resealed == 5  # 2 templates, 1 chip, 1 identity, 1 consent collector
    monkeypatch.setenv(KEY_ENV, new)  # the old key can go now
    store = open_store(tmp_path / "k.sqlite3")
    assert store.biometrics.templates_for("sface")[1].shape == (2, 128)


def test_plaintext_left_by_an_older_version_is_encrypted_at_open(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    store, person_id = _enrolled(path)
    plain = EMBEDDING[0].astype("<f4").tobytes()
    store._conn.raw.execute("UPDATE templates SET embedding = ? WHERE rowid = "
                            "(SELECT min(rowid) FROM templates)", (plain,))
    store.close()
    store = open_store(path)
    assert None not in _blob_key_ids(store)
    assert plain not in _file_bytes(path)
    assert store.biometrics.templates_for("sface")[1].shape == (2, 128)


def test_withdrawing_consent_erases_biometrics_and_blocks_new_templates(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    store, person_id = _enrolled(path)
    sealed = [bytes(r[0]) for r in store._conn.raw.execute(
        "SELECT embedding FROM templates UNION ALL SELECT image FROM chips")]
    assert store.biometrics.withdraw_consent(person_id) == 3
    assert store.biometrics.templates_for("sface")[0] == []
    assert store.biometrics.chips_for(person_id) == []
    assert store.biometrics.person(person_id) is not None  # PIN/QR attendance continues
    raw = _file_bytes(path)
    assert not any(blob in raw for blob in sealed)
    with pytest.raises(ConsentMissingError):
        store.biometrics.save_enrollment(person_id, "sface", EMBEDDING)


def test_feed_withdrawal_and_deactivation_erase_on_the_kiosk(tmp_path: Path) -> None:
    store, person_id = _enrolled(tmp_path / "k.sqlite3")
    other = Person(uuid.uuid4(), "Le Van C")
    store.biometrics.upsert_person(other)
    store.biometrics.save_enrollment(other.id, "sface", EMBEDDING[:1],
                          consent=Consent(other.id, datetime.now(UTC), "notice-v1", "HR"))
    store.feed.apply_page([FeedChange(10, FeedEntity.PERSON, FeedOp.UPSERT, person_id, {
        "display_name": "Tran Thi B", "active": True, "biometrics_erased": True})], "10")
    assert store.biometrics.chips_for(person_id) == []
    assert store.biometrics.recognizers_enrolled(person_id) == []
    assert store.biometrics.recognizers_enrolled(other.id) == ["sface"]
    store.feed.apply_page([FeedChange(11, FeedEntity.PERSON, FeedOp.UPSERT, other.id, {
        "display_name": "Le Van C", "active": False})], "11")
    assert store.biometrics.recognizers_enrolled(other.id) == []


def test_retention_job_keeps_the_outbox_and_expires_the_rest(tmp_path: Path) -> None:
    store, person_id = _enrolled(tmp_path / "k.sqlite3")
    now = datetime.now(UTC)
    old_synced = store.punches.record(person_id, captured_at=now - timedelta(days=100))
    old_unsynced = store.punches.record(person_id, captured_at=now - timedelta(days=100))
    recent = store.punches.record(person_id, captured_at=now - timedelta(days=1))
    store.punches.mark_synced([old_synced.id, recent.id])
    store.biometrics.upsert_person(Person(person_id, "Tran Thi B", active=False))
    report = apply_retention(store, RetentionPolicy(synced_punch_days=90,
                                                    inactive_biometrics_days=0))
    assert (report.punches, report.people) == (1, 1)
    kept = {p.id for p in store.punches.between(person_id, now - timedelta(days=200), now)}
    assert kept == {old_unsynced.id, recent.id}
    assert store.biometrics.recognizers_enrolled(person_id) == []
    assert store.biometrics.chips_for(person_id) == []
    assert store.audit_log.entries(1)[0]["action"] == "retention"


def test_retention_job_removes_past_leave(tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.sqlite3")
    person_id, past, current = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    now = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    store.feed.apply_page([
        FeedChange(1, FeedEntity.PERSON, FeedOp.UPSERT, person_id, {"display_name": "A"}),
        FeedChange(2, FeedEntity.LEAVE, FeedOp.UPSERT, past, {
            "person_id": str(person_id), "start": "2026-12-01", "end": "2026-12-04"}),
        FeedChange(3, FeedEntity.LEAVE, FeedOp.UPSERT, current, {
            "person_id": str(person_id), "start": "2026-12-01", "end": "2026-12-05"})], "3")
    report = apply_retention(store, RetentionPolicy(), now=now)
    assert report.leaves == 1  # ended yesterday (UTC) is kept a day for the site's zone
    assert [v["id"] for v in store.feed.shift_data().leaves] == [str(current)]
    assert json.loads(store.audit_log.entries(1)[0]["details"])["leaves_deleted"] == 1


def test_retention_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, person_id = _enrolled(tmp_path / "k.sqlite3")
    old = store.punches.record(person_id, captured_at=datetime.now(UTC) - timedelta(days=40))
    store.punches.mark_synced([old.id])
    store.close()
    config = tmp_path / "kiosk.toml"
    config.write_text(f"[store]\npath = '{tmp_path / 'k.sqlite3'}'\n")
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path)
    store_commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["--config", str(config), "retention", "--punch-days", "30"])
    assert args.handler(args) == 0
    assert "removed 1 synced punches, biometrics of 0 inactive people" in \
        capsys.readouterr().out
