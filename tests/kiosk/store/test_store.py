"""The kiosk store on real SQLite files: outbox, consent, templates, erasure, feed pages."""

from __future__ import annotations

import base64
import sqlite3
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from kiosk.errors import StoreError
from kiosk.store import (
    Chip,
    Consent,
    ConsentMissingError,
    FeedChange,
    FeedEntity,
    FeedOp,
    Person,
    PunchKind,
    PunchSource,
    open_store,
)
from kiosk.store.schema import MIGRATIONS

# Distinctive byte patterns we can look for in the raw database file.
CHIP_MARKER = b"CHIP-BYTES-" + b"\xab\xcd" * 200
EMBEDDING = np.full((1, 128), 1234.5678, dtype=np.float32)


def _person(store_path: Path) -> tuple[object, Person]:
    store = open_store(store_path)
    person = Person(uuid.uuid4(), "Pham Thi D", department="Legal")
    store.biometrics.upsert_person(person)
    return store, person


def _consent(person: Person) -> Consent:
    return Consent(person.id, datetime.now(UTC), "notice-v3", "HR officer")


def test_migrations_are_recorded_and_not_reapplied(tmp_path: Path) -> None:
    open_store(tmp_path / "k.sqlite3").close()
    store = open_store(tmp_path / "k.sqlite3")
    store.close()
    with sqlite3.connect(tmp_path / "k.sqlite3") as raw:
        names = [row[0] for row in raw.execute("SELECT name FROM migrations ORDER BY rowid")]
        mode = raw.execute("PRAGMA journal_mode").fetchone()[0]
    assert names == [m.__name__ for m in MIGRATIONS]
    assert mode == "wal"


def test_punch_is_durable_when_record_punch_returns(tmp_path: Path) -> None:
    """A process SIGKILLed right after record_punch returned still has the punch."""
    path = tmp_path / "k.sqlite3"
    person = uuid.uuid4()
    script = (
        "import os, signal, sys, uuid\n"
        "from kiosk.store import open_store\n"
        "s = open_store(sys.argv[1])\n"
        "p = s.punches.record(uuid.UUID(sys.argv[2]))\n"
        "print(p.id, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(path), str(person)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == -9
    store = open_store(path)
    pending = store.punches.pending(10)
    assert [str(p.id) for p in pending] == [result.stdout.strip()]
    assert pending[0].person_id == person


def test_outbox_oldest_first_until_acknowledged(tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.sqlite3")
    start = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    person = uuid.uuid4()
    punches = [store.punches.record(person, PunchKind.CHECK_IN, PunchSource.FACE,
                                  captured_at=start + timedelta(minutes=10 - i),
                                  clock_offset_s=1.5) for i in range(10)]
    assert store.punches.backlog() == 10
    first = store.punches.pending(3)
    assert [p.captured_at for p in first] == sorted(p.captured_at for p in punches)[:3]
    assert store.punches.mark_synced([p.id for p in first]) == 3
    assert store.punches.mark_synced([p.id for p in first]) == 0  # a replayed ack changes nothing
    assert store.punches.backlog() == 7
    assert {p.id for p in store.punches.pending(100)} == {p.id for p in punches[:7]}
    last = store.punches.last(person)
    assert last is not None and last.captured_at == start + timedelta(minutes=10)
    assert last.clock_offset_s == 1.5 and last.captured_at.tzinfo is not None


def test_punch_uses_the_last_measured_clock_offset(tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.sqlite3")
    assert store.punches.record(uuid.uuid4()).clock_offset_s is None
    store.settings.set_clock_offset_s(-42.25)
    assert store.punches.record(uuid.uuid4()).clock_offset_s == -42.25
    with pytest.raises(ValueError):
        store.punches.record(uuid.uuid4(), captured_at=datetime(2026, 1, 1))  # naive


def test_concurrent_punches_from_threads(tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.sqlite3")

    def punch_many() -> None:
        for _ in range(50):
            store.punches.record(uuid.uuid4())

    threads = [threading.Thread(target=punch_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.punches.backlog() == 200


def test_no_template_without_consent(tmp_path: Path) -> None:
    store, person = _person(tmp_path / "k.sqlite3")
    with pytest.raises(ConsentMissingError):
        store.biometrics.save_enrollment(person.id, "sface", EMBEDDING, [Chip(CHIP_MARKER, "png",
                                                                              {})])
    assert store.biometrics.templates_for("sface") == ([], pytest.approx(np.zeros((0, 0))))
    assert store.biometrics.chips_for(person.id) == []
    store.biometrics.save_enrollment(person.id, "sface", EMBEDDING, [Chip(CHIP_MARKER, "png",
                                                                          {"a": 1})],
                          consent=_consent(person))
    assert [c.notice_version for c in store.biometrics.consents_for(person.id)] == ["notice-v3"]
    assert store.biometrics.chips_for(person.id)[0].alignment == {"a": 1}


def test_templates_are_kept_per_recognizer(tmp_path: Path) -> None:
    store, person = _person(tmp_path / "k.sqlite3")
    other = Person(uuid.uuid4(), "Vo Van E")
    store.biometrics.upsert_person(other)
    store.biometrics.record_consent(_consent(person))
    store.biometrics.record_consent(_consent(other))
    rng = np.random.default_rng(0)
    mine = rng.normal(size=(3, 128)).astype(np.float32)
    store.biometrics.save_enrollment(person.id, "sface", mine)
    store.biometrics.save_enrollment(other.id, "sface", rng.normal(size=(1,
                                                                         128)).astype(np.float32))
    store.biometrics.save_enrollment(person.id, "dlib", rng.normal(size=(2,
                                                                         128)).astype(np.float32))
    ids, matrix = store.biometrics.templates_for("sface")
    assert matrix.shape == (4, 128) and matrix.dtype == np.float32
    assert ids.count(person.id) == 3 and ids.count(other.id) == 1
    rows = [matrix[i] for i, pid in enumerate(ids) if pid == person.id]
    assert np.allclose(np.sort(np.vstack(rows), axis=0), np.sort(mine, axis=0))
    assert store.biometrics.recognizers_enrolled(person.id) == ["dlib", "sface"]


def _file_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_delete_person_removes_the_bytes_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    store, person = _person(path)
    store.biometrics.save_enrollment(person.id, "sface", EMBEDDING, [Chip(CHIP_MARKER, "png", {})],
                          consent=_consent(person))
    store.punches.record(person.id)
    embedding_bytes = EMBEDDING.astype("<f4").tobytes()
    # Stored encrypted (faceid.sealing): look for the ciphertexts as they are on disk.
    sealed = [bytes(row[0]) for row in store._conn.raw.execute(
        "SELECT embedding FROM templates UNION ALL SELECT image FROM chips")]
    assert len(sealed) == 2 and all(blob in _file_bytes(path) for blob in sealed)
    assert store.biometrics.delete_person(person.id) is True
    raw = _file_bytes(path)
    assert CHIP_MARKER not in raw and embedding_bytes not in raw
    assert not any(blob in raw for blob in sealed)
    assert store.biometrics.person(person.id) is None
    assert store.biometrics.templates_for("sface")[0] == []
    assert store.punches.backlog() == 1  # the punch is an attendance record, it stays
    assert store.biometrics.delete_person(person.id) is False


def _template_change(seq: int, person_id: uuid.UUID, vector: np.ndarray) -> FeedChange:
    return FeedChange(seq, FeedEntity.TEMPLATE, FeedOp.UPSERT, uuid.uuid4(), {
        "person_id": str(person_id), "recognizer_id": "sface", "dim": int(vector.shape[0]),
        "embedding": base64.b64encode(vector.astype("<f4").tobytes()).decode(),
        "created_at": "2026-11-20T01:00:00+00:00",
        "consent": {"id": str(uuid.uuid4()), "given_at": "2026-11-20T00:59:00+00:00",
                    "notice_version": "v1", "collected_by": "HR"}})


def test_feed_page_is_applied_atomically(tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.sqlite3")
    person_id = uuid.uuid4()
    page = [
        FeedChange(1, FeedEntity.PERSON, FeedOp.UPSERT, person_id,
                   {"display_name": "Hoang F", "department": "IT"}),
        _template_change(2, person_id, np.ones(128)),
        FeedChange(3, FeedEntity.REMINDER, FeedOp.UPSERT, uuid.uuid4(),
                   {"person_id": str(person_id), "title": "Submit report",
                    "due_at": "2026-11-24T02:00:00+00:00", "priority": 2}),
        FeedChange(4, FeedEntity.HOLIDAY, FeedOp.UPSERT, uuid.uuid4(), {"nope": 1}),  # bad
    ]
    with pytest.raises(StoreError, match="feed change 4"):
        store.feed.apply_page(page, "4")
    assert store.biometrics.people() == [] and store.feed.cursor() is None
    store.feed.apply_page(page[:3], "3")
    assert store.feed.cursor() == "3"
    assert [p.display_name for p in store.biometrics.people()] == ["Hoang F"]
    assert store.biometrics.templates_for("sface")[1].shape == (1, 128)
    assert [r.title for r in store.reminders.for_person(person_id)] == ["Submit report"]


def test_feed_tombstone_erases_and_schedules_are_cached(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    store = open_store(path)
    person_id = uuid.uuid4()
    marker = np.full(128, 987.654, dtype=np.float32)
    holiday_id = uuid.uuid4()
    store.feed.apply_page([
        FeedChange(1, FeedEntity.PERSON, FeedOp.UPSERT, person_id, {"display_name": "G"}),
        _template_change(2, person_id, marker),
        FeedChange(3, FeedEntity.SHIFT_TYPE, FeedOp.UPSERT, uuid.uuid4(),
                   {"name": "Office", "start": "08:00", "end": "17:00", "grace_min": 5}),
        FeedChange(4, FeedEntity.HOLIDAY, FeedOp.UPSERT, holiday_id, {"day": "2026-09-02"}),
    ], "4")
    assert marker.tobytes() not in _file_bytes(path)  # stored encrypted
    sealed = bytes(store._conn.raw.execute("SELECT embedding FROM templates").fetchone()[0])
    assert sealed in _file_bytes(path)
    assert np.allclose(store.biometrics.templates_for("sface")[1][0], marker)
    store.feed.apply_page([FeedChange(5, FeedEntity.PERSON, FeedOp.DELETE, person_id, {})], "5")
    assert sealed not in _file_bytes(path)
    assert store.biometrics.person(person_id) is None
    shifts = store.feed.shift_data()
    assert shifts.shift_types[0]["start"] == "08:00"
    # The feed entity id comes back as "id" (the server's data does not repeat it).
    assert shifts.holidays == ({"day": "2026-09-02", "id": str(holiday_id)},)


def _leave_change(seq: int, leave_id: uuid.UUID, person_id: uuid.UUID, start: str,
                  end: str) -> FeedChange:
    return FeedChange(seq, FeedEntity.LEAVE, FeedOp.UPSERT, leave_id, {
        "person_id": str(person_id), "start": start, "end": end, "leave_type_id": None})


def test_leave_is_kept_sealed_edited_withdrawn_and_goes_with_the_person(
        tmp_path: Path) -> None:
    """Approved leave of a person held here is kept (days sealed), replaced by an edit,
    removed when withdrawn, and deleted with the person; others' leave is passed over."""
    path = tmp_path / "k.sqlite3"
    store = open_store(path)
    person_id, stranger, leave_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    store.feed.apply_page([
        FeedChange(1, FeedEntity.PERSON, FeedOp.UPSERT, person_id, {"display_name": "G"}),
        _leave_change(2, leave_id, person_id, "2026-12-07", "2026-12-08"),
        _leave_change(3, uuid.uuid4(), stranger, "2026-12-07", "2026-12-07")], "3")
    leaves = store.feed.shift_data().leaves
    assert [(v["id"], v["person_id"], v["start"], v["end"]) for v in leaves] == [
        (str(leave_id), str(person_id), "2026-12-07", "2026-12-08")]
    assert b"2026-12-08" not in _file_bytes(path)  # the days are sealed
    store.feed.apply_page([_leave_change(4, leave_id, person_id, "2026-12-07", "2026-12-09")],
                          "4")
    assert [v["end"] for v in store.feed.shift_data().leaves] == ["2026-12-09"]
    store.feed.apply_page([FeedChange(5, FeedEntity.LEAVE, FeedOp.DELETE, leave_id, {})], "5")
    assert store.feed.shift_data().leaves == ()
    store.feed.apply_page([_leave_change(6, uuid.uuid4(), person_id, "2026-12-10",
                                         "2026-12-10")], "6")
    store.feed.apply_page([FeedChange(7, FeedEntity.PERSON, FeedOp.DELETE, person_id, {})], "7")
    assert store.feed.shift_data().leaves == () and store.feed.cursor() == "7"


def test_leave_goes_when_the_person_leaves_or_the_site_moves(tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.sqlite3")
    gone, moved = uuid.uuid4(), uuid.uuid4()
    store.feed.apply_page([
        FeedChange(1, FeedEntity.PERSON, FeedOp.UPSERT, gone, {"display_name": "A"}),
        FeedChange(2, FeedEntity.PERSON, FeedOp.UPSERT, moved, {"display_name": "B"}),
        _leave_change(3, uuid.uuid4(), gone, "2026-12-07", "2026-12-07"),
        _leave_change(4, uuid.uuid4(), moved, "2026-12-07", "2026-12-07")], "4")
    store.feed.apply_page([FeedChange(5, FeedEntity.PERSON, FeedOp.UPSERT, gone,
                                      {"display_name": "A", "active": False})], "5")
    assert [v["person_id"] for v in store.feed.shift_data().leaves] == [str(moved)]
    store.feed.begin_resync()  # the new site's reading carries neither person
    assert store.feed.finish_resync() == 2
    assert store.feed.shift_data().leaves == ()


def test_settings_and_audit(tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.sqlite3")
    store.settings.set("site", "A")
    store.settings.set("site", "B")
    store.audit_log.record("admin-pin", "erase-person", "p1", {"reason": "left"})
    assert store.settings.get("site") == "B" and store.settings.get("missing") is None
    entry = store.audit_log.entries(1)[0]
    assert (entry["actor"], entry["action"], entry["subject"]) == ("admin-pin", "erase-person",
                                                                   "p1")
