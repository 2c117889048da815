"""A copied kiosk file, without the data key, gives no name, no code and no PIN hash.

HR creates a person with a PIN and a badge on a real server; the kiosk learns them through
the real feed (with the person's sick leave), enrols a newcomer of its own (queued for
upload) and counts a wrong PIN.
Then the bytes of the kiosk's SQLite file, its WAL and its shared memory, and every row
read with plain sqlite3 (no key), are searched for what identifies the two people.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from attendance import pins
from kiosk.store import Consent, KioskStore, Person, open_store
from kiosk.store.keys import rotate_store_key
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.db.alt_checkin_models import AltCheckinCredential
from sync_server.db.engine import transaction
from sync_server.service import alt_checkin, leaves, people, schedules

NAME, CODE, DEPARTMENT = "Nguyễn Thị Bảo Mật", "BM-4711", "Phòng Thanh Tra"
NEWCOMER, NEWCOMER_DEPARTMENT = "Lê Văn Mới Đến", "Phòng Tiếp Nhận"
COLLECTOR = "Trần Thị Thu Nhận"  # the member of staff who collected the newcomer's consent
PIN = "258013"
SICK = uuid.uuid5(uuid.NAMESPACE_URL, "leave-type:sick")  # seeded by the migration
LEAVE_REASON = "Điều trị bệnh kín"  # never leaves the server


def _files(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in path.parent.glob(path.name + "*")}


def _rows_without_key(path: Path, copy_dir: Path) -> list[str]:
    """Every value of every table of a copy, read with plain sqlite3 (no key)."""
    copy_dir.mkdir()
    for source in path.parent.glob(path.name + "*"):
        shutil.copy(source, copy_dir / source.name)
    connection = sqlite3.connect(copy_dir / path.name)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [value.decode("utf-8", "ignore") if isinstance(value, bytes) else str(value)
                for table in tables for row in connection.execute(f"SELECT * FROM {table}")
                for value in row]
    finally:
        connection.close()


def _sick_leave(session: Session, person_id: uuid.UUID) -> None:
    """An Office shift for the person and five days of sick leave from today (the shift is
    the person's own: a department's assignment names the department in the clear)."""
    shift = schedules.save_shift_type(session, schedules.ShiftTypeIn(
        "Office", "08:00", "17:00", working_days=(0, 1, 2, 3, 4)), actor="hr")
    schedules.save_assignment(session, shift.id, date(2025, 1, 1), None, person_id=person_id,
                              actor="hr")
    today = datetime.now(UTC).date()
    leaves.add_leave(session, leaves.LeaveIn(person_id, today, today + timedelta(days=4),
                                             LEAVE_REASON, SICK), "hr")


def _enrol_newcomer(store: KioskStore) -> None:
    newcomer = Person(uuid.uuid4(), NEWCOMER, department=NEWCOMER_DEPARTMENT)
    store.biometrics.upsert_person(newcomer)
    consent = Consent(person_id=newcomer.id, given_at=datetime.now(UTC), notice_version="v1",
                      collected_by=COLLECTOR)
    vectors = np.random.default_rng(3).standard_normal((2, 128)).astype(np.float32)
    store.biometrics.save_enrollment(newcomer.id, "sface", vectors, consent=consent,
                                     queue_upload=True, new_person=newcomer)


def test_a_copied_kiosk_file_reveals_no_name_code_or_pin_hash(
        store: KioskStore, credential: KioskCredential, sessions: sessionmaker[Session],
        tmp_path: Path) -> None:
    with transaction(sessions) as session:
        person_id = people.create_person(session, NAME, CODE, DEPARTMENT, actor="hr").id
        alt_checkin.issue_pin(session, person_id, "hr", PIN)
        token = alt_checkin.issue_badge(session, person_id, "hr")
        row = session.get(AltCheckinCredential, person_id)
        assert row is not None and row.pin_hash
        pin_hash = row.pin_hash
        _sick_leave(session, person_id)
    with SyncClient(credential, timeout_s=10, verify_tls=False) as client:
        sync_once(store, client)
    _enrol_newcomer(store)
    assert store.alt_checkin.record_failure(CODE, datetime.now(UTC), 5,
                                            timedelta(minutes=5)).failures == 1
    # The kiosk itself, with its key, still finds and checks everything.
    found = store.alt_checkin.person_for_code(CODE)
    assert found is not None and found[0].display_name == NAME and found[0].id == person_id
    assert found[1] is not None and pins.verify_pin(PIN, found[1])
    badge = store.alt_checkin.person_for_badge(pins.badge_token_hash(token))
    assert badge is not None and badge.employee_code == CODE
    assert {p.display_name for p in store.biometrics.people()} == {NAME, NEWCOMER}
    assert [v["leave_type_id"] for v in store.feed.shift_data().leaves] == [str(SICK)]

    [newcomer] = [p for p in store.biometrics.people() if p.display_name == NEWCOMER]
    assert [c.collected_by for c in store.biometrics.consents_for(newcomer.id)] == [COLLECTOR]
    secrets = [NAME, CODE, DEPARTMENT, NEWCOMER, NEWCOMER_DEPARTMENT, COLLECTOR, str(SICK),
               LEAVE_REASON, pin_hash,
               pin_hash.split("$")[2], pin_hash.split("$")[3], pins.badge_token_hash(token)]
    while_running = _files(store.path)
    assert store.path.name + "-wal" in while_running
    values = _rows_without_key(store.path, tmp_path / "copy")
    for secret in secrets:
        for name, data in while_running.items():
            assert secret.encode() not in data, (secret, name)
        assert not [value for value in values if secret in value], secret
    assert not [value for value in values if "scrypt$" in value]
    store.close()
    for secret in secrets:
        for name, data in _files(store.path).items():
            assert secret.encode() not in data, (secret, name)


def test_database_files_are_private_on_the_kiosk(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # a permissive environment: the store must not rely on it
    try:
        path = tmp_path / "kiosk" / "kiosk.sqlite3"
        store = open_store(path)
        store.biometrics.upsert_person(Person(uuid.uuid4(), "Pham Van Rieng"))
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()
                 if p.name.startswith(path.name)}
        assert modes == {"kiosk.sqlite3": 0o600, "kiosk.sqlite3-wal": 0o600,
                         "kiosk.sqlite3-shm": 0o600}
        store.close()
        os.chmod(path, 0o644)  # an existing file from an older version
        open_store(path).close()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(previous)


def test_rotate_key_reseals_identities_and_keeps_lookups(
        store: KioskStore, credential: KioskCredential, sessions: sessionmaker[Session]
        ) -> None:
    with transaction(sessions) as session:
        person_id = people.create_person(session, NAME, CODE, DEPARTMENT, actor="hr").id
        alt_checkin.issue_pin(session, person_id, "hr", PIN)
        token = alt_checkin.issue_badge(session, person_id, "hr")
        _sick_leave(session, person_id)
    with SyncClient(credential, timeout_s=10, verify_tls=False) as client:
        sync_once(store, client)
    path = store.path
    before = store._conn.raw.execute("SELECT sealed_identity, code_key FROM people").fetchone()
    store.close()
    result = rotate_store_key(path)
    assert result.resealed >= 1
    rotated = open_store(path)
    try:
        after = rotated._conn.raw.execute("SELECT sealed_identity, code_key FROM people"
                                          ).fetchone()
        assert after[0] != before[0] and after[1] != before[1]  # new ciphertext, new digest
        found = rotated.alt_checkin.person_for_code(CODE)
        assert found is not None and found[0].display_name == NAME
        assert found[1] is not None and pins.verify_pin(PIN, found[1])
        assert rotated.alt_checkin.person_for_badge(pins.badge_token_hash(token)) is not None
        assert [v["leave_type_id"] for v in rotated.feed.shift_data().leaves] == [str(SICK)]
    finally:
        rotated.close()


def test_a_store_from_an_older_version_is_sealed_when_opened(tmp_path: Path) -> None:
    """Rows written in the clear (as before identities were sealed) are sealed at the next
    open with the key, and the clear text leaves the file."""
    path = tmp_path / "kiosk" / "kiosk.sqlite3"
    store = open_store(path)
    person_id, consent_id = uuid.uuid4(), uuid.uuid4()
    pin_hash = pins.hash_pin(PIN)
    with store._conn.transaction() as raw:  # what an older version wrote
        raw.execute("INSERT INTO people (id, display_name, employee_code, department, active,"
                    " updated_at, pin_hash) VALUES (?, ?, ?, ?, 1, '2026-01-01', ?)",
                    (str(person_id), NAME, CODE, DEPARTMENT, pin_hash))
        raw.execute("INSERT INTO consents (id, person_id, given_at, notice_version,"
                    " collected_by) VALUES (?, ?, '2026-01-01T00:00:00+00:00', 'v1', ?)",
                    (str(consent_id), str(person_id), COLLECTOR))
    store.close()
    store = open_store(path)
    try:
        found = store.alt_checkin.person_for_code(CODE)
        assert found is not None and found[0].display_name == NAME
        assert found[1] is not None and pins.verify_pin(PIN, found[1])
        assert [c.collected_by for c in store.biometrics.consents_for(person_id)] == [COLLECTOR]
        values = _rows_without_key(path, tmp_path / "copy")
        for secret in (NAME, CODE, DEPARTMENT, COLLECTOR, pin_hash):
            assert not [value for value in values if secret in value], secret
            for name, data in _files(path).items():
                assert secret.encode() not in data, (secret, name)
    finally:
        store.close()
