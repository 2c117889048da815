"""The desk on a real store: durable punches, the cooldown, and the domain rules' verdict."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest

from kiosk.app.desk import StoreDesk
from kiosk.app.state import PunchDirection
from kiosk.settings import KioskSettings
from kiosk.store import FeedChange, FeedEntity, FeedOp, Person, open_store

SHIFT_ID = uuid4()
MONDAY = datetime(2026, 11, 23, tzinfo=UTC)  # a Monday; 01:00 UTC = 08:00 in Hanoi


def _settings(tmp_path: Path, language: str) -> KioskSettings:
    return KioskSettings.model_validate({
        "kiosk_name": "door-1", "store": {"path": str(tmp_path / "kiosk.sqlite3")},
        "models": {"dir": str(tmp_path / "models")}, "ui": {"language": language},
        "attendance": {"cooldown_s": 120}})


@pytest.fixture
def person_with_shift(tmp_path: Path) -> Person:
    """A person assigned an 08:00-17:00 shift (5 min grace), delivered through the feed."""
    person = Person(id=uuid4(), display_name="Lê Văn Nam", department="Vụ Pháp chế")
    store = open_store(tmp_path / "kiosk.sqlite3")
    store.biometrics.upsert_person(person)
    store.feed.apply_page([
        FeedChange(1, FeedEntity.SHIFT_TYPE, FeedOp.UPSERT, SHIFT_ID,
                   {"id": str(SHIFT_ID), "name": "Office", "start": "08:00", "end": "17:00",
                    "late_grace_min": 5}),
        FeedChange(2, FeedEntity.SHIFT_ASSIGNMENT, FeedOp.UPSERT, uuid4(),
                   {"id": str(uuid4()), "shift_type_id": str(SHIFT_ID), "start": "2026-01-01",
                    "person_id": str(person.id)}),
    ], cursor="2")
    store.close()
    return person


@pytest.mark.parametrize("language,late_text,leave_text", [
    ("vi", "Đi muộn 12 phút", "Về sớm 30 phút"),
    ("en", "Late by 12 minutes", "Early leave by 30 minutes"),
], ids=["vi", "en"])
def test_check_in_late_repeat_then_check_out(tmp_path: Path, person_with_shift: Person,
                                             language: str, late_text: str,
                                             leave_text: str) -> None:
    desk = StoreDesk.open(_settings(tmp_path, language))
    try:
        arrive = MONDAY + timedelta(hours=1, minutes=12, seconds=30)  # 08:12:30 local
        first = desk.punch(person_with_shift.id, arrive)
        assert (first.direction, first.verdict_text, first.repeat) == (
            PunchDirection.CHECK_IN, late_text, False)
        assert first.department == "Vụ Pháp chế" and first.punch_id is not None
        again = desk.punch(person_with_shift.id, arrive + timedelta(seconds=119))
        assert again.repeat and again.punch_id is None and again.verdict_text == late_text
        assert desk.backlog() == 1  # the repeat wrote nothing
        leave = desk.punch(person_with_shift.id, MONDAY + timedelta(hours=9, minutes=30))
        assert (leave.direction, leave.verdict_text) == (PunchDirection.CHECK_OUT, leave_text)
        assert desk.backlog() == 2
    finally:
        desk.close()
    reopened = open_store(tmp_path / "kiosk.sqlite3")  # durable: a new connection sees both
    assert [p.captured_at for p in reopened.punches.pending()] == [
        MONDAY + timedelta(hours=1, minutes=12, seconds=30),
        MONDAY + timedelta(hours=9, minutes=30)]
    reopened.close()


def test_just_outside_the_cooldown_is_a_new_punch(tmp_path: Path,
                                                  person_with_shift: Person) -> None:
    desk = StoreDesk.open(_settings(tmp_path, "en"))
    try:
        start = MONDAY + timedelta(minutes=50)  # 07:50 local: on time
        assert desk.punch(person_with_shift.id, start).verdict_text == "On time"
        later = desk.punch(person_with_shift.id, start + timedelta(seconds=120))
        assert not later.repeat and later.direction is PunchDirection.CHECK_OUT
        assert desk.backlog() == 2
    finally:
        desk.close()


def test_a_bad_cached_shift_record_is_skipped_not_fatal(tmp_path: Path) -> None:
    person = Person(id=uuid4(), display_name="Phạm Thu")
    store = open_store(tmp_path / "kiosk.sqlite3")
    store.biometrics.upsert_person(person)
    store.feed.apply_page([FeedChange(1, FeedEntity.SHIFT_TYPE, FeedOp.UPSERT, SHIFT_ID,
                                      {"id": str(SHIFT_ID), "start": "8 o'clock"})], cursor="1")
    store.close()
    desk = StoreDesk.open(_settings(tmp_path, "vi"))
    try:
        greeting = desk.punch(person.id, MONDAY + timedelta(hours=1))
        assert greeting.verdict_text == "Hôm nay không có ca"
    finally:
        desk.close()


def test_a_formula_like_new_person_is_refused_at_the_kiosk(tmp_path: Path) -> None:
    """The server refuses such names (docs/security.md); the kiosk says so at once and stores
    nothing, instead of queueing an upload that can only fail."""
    import numpy as np

    desk = StoreDesk(open_store(tmp_path / "kiosk.sqlite3"), _settings(tmp_path, "vi"))
    try:
        images = [np.zeros((120, 120, 3), np.uint8)] * 3
        finished = desk.enroll(None, "=HYPERLINK(\"http://x.invalid\",\"y\")", images, "v1",
                               "kiosk admin")
        assert not finished.ok and "may not start with" in finished.error
        assert "Họ tên" in finished.error
        assert desk.store.biometrics.people(active_only=False) == []
        assert desk.store.enrollments.backlog() == {"waiting": 0, "refused": 0}
    finally:
        desk.close()


def test_leave_silences_lateness_and_a_holiday_comes_first(tmp_path: Path,
                                                           person_with_shift: Person) -> None:
    """Leave on Monday and Tuesday; Tuesday is also a holiday (the domain's precedence:
    holiday, then leave, then no shift); Wednesday is an ordinary working day."""
    store = open_store(tmp_path / "kiosk.sqlite3")
    store.feed.apply_page([
        FeedChange(3, FeedEntity.LEAVE, FeedOp.UPSERT, uuid4(), {
            "person_id": str(person_with_shift.id), "start": "2026-11-23",
            "end": "2026-11-24", "leave_type_id": None}),
        FeedChange(4, FeedEntity.HOLIDAY, FeedOp.UPSERT, uuid4(),
                   {"day": "2026-11-24", "name": "Giỗ Tổ"}),
    ], cursor="4")
    store.close()
    desk = StoreDesk.open(_settings(tmp_path, "en"))
    try:
        arrive = desk.punch(person_with_shift.id, MONDAY + timedelta(hours=1, minutes=12))
        assert (arrive.direction, arrive.verdict_text) == (
            PunchDirection.CHECK_IN, "You are on leave today — recorded")
        out = desk.punch(person_with_shift.id, MONDAY + timedelta(hours=3))  # 10:00: early
        assert (out.direction, out.verdict_text) == (
            PunchDirection.CHECK_OUT, "You are on leave today — recorded")
        holiday = desk.punch(person_with_shift.id, MONDAY + timedelta(days=1, hours=2))
        assert holiday.verdict_text == "No shift today"
        wednesday = desk.punch(person_with_shift.id, MONDAY + timedelta(days=2, hours=2))
        assert wednesday.verdict_text == "Late by 1 h 0 min"
        assert desk.backlog() == 4
    finally:
        desk.close()
