"""The reminder cache on a real SQLite store: the feed's urgent/created_at fields, rows cached
before they existed, and the person's acknowledgement kept locally until the server echoes it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

from kiosk.store import FeedChange, FeedEntity, FeedOp, KioskStore, open_store
from kiosk.store.schema import (
    m001_people_and_biometrics,
    m002_punch_outbox,
    m003_caches_and_bookkeeping,
    m004_event_outbox,
    m005_enrollment_outbox,
    m006_alt_checkin,
)

PERSON = uuid4()
CREATED = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def _reminder(seq: int, reminder_id: UUID, **data: object) -> FeedChange:
    body: dict[str, object] = {"person_id": str(PERSON), "title": "Nộp báo cáo quý",
                               "due_at": "2026-11-23T10:00:00+00:00", "priority": 2,
                               "status": "open", "urgent": False,
                               "created_at": CREATED.isoformat()}
    body.update(data)
    return FeedChange(seq, FeedEntity.REMINDER, FeedOp.UPSERT, reminder_id, body)


def test_feed_fields_are_cached_and_a_tombstone_removes_the_row(tmp_path: Path) -> None:
    store = open_store(tmp_path / "kiosk.sqlite3")
    try:
        nudged, plain = uuid4(), uuid4()
        store.feed.apply_page([_reminder(1, nudged, urgent=True),
                               _reminder(2, plain, due_at=None, created_at=None)], cursor="2")
        by_id = {r.id: r for r in store.reminders.for_person(PERSON)}
        assert by_id[nudged].urgent and by_id[nudged].created_at == CREATED
        assert by_id[nudged].due_at == datetime(2026, 11, 23, 10, tzinfo=UTC)
        assert not by_id[plain].urgent and by_id[plain].created_at is None
        assert by_id[plain].due_at is None
        store.feed.apply_page([_reminder(3, nudged, urgent=False, title="Nộp báo cáo năm")],
                              cursor="3")
        [updated] = [r for r in store.reminders.for_person(PERSON) if r.id == nudged]
        assert (updated.title, updated.urgent) == ("Nộp báo cáo năm", False)
        store.feed.apply_page([FeedChange(4, FeedEntity.REMINDER, FeedOp.DELETE, nudged, {})],
                              cursor="4")
        assert [r.id for r in store.reminders.for_person(PERSON)] == [plain]
    finally:
        store.close()


def _ack_then_feed(store: KioskStore, reminder_id: UUID) -> None:
    at = datetime(2026, 11, 23, 2, 5, tzinfo=UTC)
    acked = store.reminders.acknowledge(PERSON, reminder_id, at)
    assert acked is not None and acked.acknowledged and acked.acknowledged_at == at
    # Before the server processed the ack event, the feed re-sends the task still "open".
    store.feed.apply_page([_reminder(9, reminder_id, title="Renamed", status="open")],
                          cursor="9")


def test_an_acknowledgement_survives_a_feed_update_that_still_says_open(
        tmp_path: Path) -> None:
    store = open_store(tmp_path / "kiosk.sqlite3")
    try:
        reminder_id = uuid4()
        store.feed.apply_page([_reminder(1, reminder_id)], cursor="1")
        assert [r.id for r in store.reminders.for_person(PERSON)] == [reminder_id]
        _ack_then_feed(store, reminder_id)
        assert store.reminders.for_person(PERSON) == []  # not open any more
        [kept] = store.reminders.for_person(PERSON, include_acknowledged=True)
        assert kept.title == "Renamed" and kept.status == "open" and kept.acknowledged
        # The server's own status arrives later: still acknowledged, still listed as such.
        store.feed.apply_page([_reminder(10, reminder_id, status="acknowledged")], cursor="10")
        [echoed] = store.reminders.for_person(PERSON, include_acknowledged=True)
        assert echoed.status == "acknowledged" and echoed.acknowledged
        # Another person cannot acknowledge it; an unknown id is not acknowledged either.
        assert store.reminders.acknowledge(uuid4(), reminder_id) is None
        assert store.reminders.acknowledge(PERSON, uuid4()) is None
    finally:
        store.close()


def test_rows_cached_before_the_new_fields_still_load(tmp_path: Path) -> None:
    """A store written by the previous version (migrations up to m006) is migrated in place."""
    path = tmp_path / "kiosk.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for migration in (m001_people_and_biometrics, m002_punch_outbox,
                      m003_caches_and_bookkeeping, m004_event_outbox, m005_enrollment_outbox,
                      m006_alt_checkin):
        migration(raw)
        raw.execute("INSERT INTO migrations VALUES (?, '2026-11-01T00:00:00+00:00')",
                    (migration.__name__,))
    old_id = uuid4()
    raw.execute("INSERT INTO reminders (id, person_id, title, due_at, priority, status)"
                " VALUES (?, ?, 'Họp giao ban', NULL, 1, 'open')", (str(old_id), str(PERSON)))
    raw.commit()
    raw.close()
    store = open_store(path)
    try:
        [old] = store.reminders.for_person(PERSON)
        assert (old.id, old.title, old.priority) == (old_id, "Họp giao ban", 1)
        assert (old.urgent, old.created_at, old.acknowledged_at) == (False, None, None)
        assert not old.acknowledged
    finally:
        store.close()
