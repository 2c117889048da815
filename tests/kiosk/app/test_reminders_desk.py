"""Reminders on the greeting, through the desk on a real store (no camera, no models):
ranked by attendance.reminders, recorded as shown, acknowledged by a touch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from kiosk.app.desk import StoreDesk
from kiosk.settings import KioskSettings
from kiosk.store import FeedChange, FeedEntity, FeedOp, Person, open_store

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Ho Chi Minh City
ANNA = Person(id=uuid4(), display_name="Nguyễn Thị An", department="Vụ Tổ chức cán bộ")
BINH = Person(id=uuid4(), display_name="Trần Văn Bình")


def _settings(tmp_path: Path) -> KioskSettings:
    return KioskSettings.model_validate({
        "kiosk_name": "door-1", "store": {"path": str(tmp_path / "kiosk.sqlite3")},
        "models": {"dir": str(tmp_path / "models")}, "ui": {"language": "en"}})


def _entry(seq: int, person: Person, title: str, *, due: datetime | None, priority: int,
           created: datetime, urgent: bool = False,
           status: str = "open") -> tuple[FeedChange, UUID]:
    reminder_id = uuid4()
    return FeedChange(seq, FeedEntity.REMINDER, FeedOp.UPSERT, reminder_id, {
        "person_id": str(person.id), "title": title,
        "due_at": due.isoformat() if due else None, "priority": priority, "status": status,
        "urgent": urgent, "created_at": created.isoformat()}), reminder_id


@pytest.fixture
def cached(tmp_path: Path) -> dict[str, UUID]:
    """Anna's five reminders and one of Binh's, as the feed delivers them."""
    rows = [
        _entry(1, ANNA, "Báo cáo quý", due=NOW - timedelta(hours=16), priority=1,
               created=NOW - timedelta(days=8)),
        _entry(2, ANNA, "Họp giao ban", due=NOW + timedelta(hours=7), priority=0,
               created=NOW - timedelta(days=1)),
        _entry(3, ANNA, "Đọc thông tư", due=None, priority=2, created=NOW - timedelta(days=22)),
        _entry(4, ANNA, "Ký hợp đồng", due=NOW + timedelta(days=1), priority=0,
               created=NOW - timedelta(days=1), urgent=True),
        _entry(5, ANNA, "Duyệt kế hoạch", due=NOW - timedelta(days=2), priority=2,
               created=NOW - timedelta(days=13), status="acknowledged"),
        _entry(6, BINH, "Việc của Bình", due=NOW - timedelta(days=3), priority=2,
               created=NOW - timedelta(days=9)),
    ]
    store = open_store(tmp_path / "kiosk.sqlite3")
    for person in (ANNA, BINH):
        store.biometrics.upsert_person(person)
    store.feed.apply_page([change for change, _ in rows], cursor="6")
    store.close()
    return {change.data["title"]: reminder_id for change, reminder_id in rows}


def test_the_greeting_shows_the_three_best_and_records_each_as_shown(
        tmp_path: Path, cached: dict[str, UUID]) -> None:
    desk = StoreDesk.open(_settings(tmp_path))
    wakes: list[str] = []
    desk.wake_sync = lambda: wakes.append("wake")
    try:
        greeting = desk.punch(ANNA.id, NOW)
        shown = [(r.title, r.urgent, r.overdue, r.acknowledged) for r in greeting.reminders]
        assert shown == [("Ký hợp đồng", True, False, False),  # nudged: first
                         ("Báo cáo quý", False, True, False),  # overdue
                         ("Họp giao ban", False, False, False)]  # due today
        events = desk.store.events.recent(kind="reminder_shown")
        assert sorted((e.data["reminder_id"], e.data["urgent"]) for e in events) == sorted(
            (str(cached[title]), urgent) for title, urgent, _, _ in shown)
        assert {e.person_id for e in events} == {ANNA.id}
        assert {e.occurred_at for e in events} == {NOW}
        assert wakes == ["wake"]  # an urgent one was shown: sync now
        # Binh's card: only his own reminder; not urgent, so no wake.
        assert [r.title for r in desk.punch(BINH.id, NOW).reminders] == ["Việc của Bình"]
        assert wakes == ["wake"]
        assert len(desk.store.events.recent(kind="reminder_shown")) == 4
    finally:
        desk.close()


def test_a_touch_acknowledges_once_and_moves_the_reminder_down(
        tmp_path: Path, cached: dict[str, UUID]) -> None:
    desk = StoreDesk.open(_settings(tmp_path))
    try:
        overdue = str(cached["Báo cáo quý"])
        touched = NOW + timedelta(seconds=4)
        assert desk.acknowledge_reminder(ANNA.id, overdue, touched)
        assert desk.acknowledge_reminder(ANNA.id, overdue, touched)  # a double tap
        [ack] = desk.store.events.recent(kind="reminder_ack")
        assert (ack.person_id, ack.data, ack.occurred_at) == (
            ANNA.id, {"reminder_id": overdue}, touched)
        # Nobody acknowledges someone else's reminder, or one that does not exist.
        assert not desk.acknowledge_reminder(BINH.id, overdue, touched)
        assert not desk.acknowledge_reminder(ANNA.id, str(uuid4()), touched)
        assert not desk.acknowledge_reminder(ANNA.id, "not-an-id", touched)
        assert len(desk.store.events.recent(kind="reminder_ack")) == 1
        later = desk.punch(ANNA.id, NOW + timedelta(minutes=10))
        assert [r.title for r in later.reminders] == ["Ký hợp đồng", "Họp giao ban",
                                                      "Đọc thông tư"]
        assert str(cached["Báo cáo quý"]) not in {r.reminder_id for r in later.reminders}
    finally:
        desk.close()


def test_acknowledged_reminders_are_shown_last_when_there_is_room(
        tmp_path: Path, cached: dict[str, UUID]) -> None:
    desk = StoreDesk.open(_settings(tmp_path))
    try:
        for title in ("Ký hợp đồng", "Họp giao ban", "Đọc thông tư"):
            desk.store.feed.apply_page([FeedChange(10, FeedEntity.REMINDER, FeedOp.DELETE,
                                                   cached[title], {})], cursor="10")
        greeting = desk.punch(ANNA.id, NOW)
        assert [(r.title, r.acknowledged) for r in greeting.reminders] == [
            ("Báo cáo quý", False), ("Duyệt kế hoạch", True)]
    finally:
        desk.close()
