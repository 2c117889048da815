"""PIN and QR badge check-in on the kiosk: hashes from the feed, offline verification, the
lockout, and the same punch path as a face (real SQLite store in tmp_path, no models)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from attendance import pins
from kiosk.app.alt_checkin import PIN_LOCK_AFTER, AltCheckinDesk
from kiosk.app.desk import StoreDesk
from kiosk.app.state import AltCheckinRefused, AltRefusal, Greeting
from kiosk.errors import StoreError
from kiosk.store import FeedChange, FeedEntity, FeedOp, KioskStore, PunchSource, open_store
from tests.kiosk.app.helpers import kiosk_settings

AT = datetime(2026, 3, 2, 1, 20, tzinfo=UTC)  # 08:20 in Ho Chi Minh City


def person_change(seq: int, person_id: UUID, code: str, **extra: object) -> FeedChange:
    data = {"display_name": f"Person {code}", "employee_code": code,
            "department": "Finance", "active": True, **extra}
    return FeedChange(seq=seq, entity=FeedEntity.PERSON, op=FeedOp.UPSERT,
                      entity_id=person_id, data=data)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[KioskStore]:
    opened = open_store(tmp_path / "kiosk.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
def alt(store: KioskStore, tmp_path: Path) -> AltCheckinDesk:
    settings = kiosk_settings(tmp_path, pack="yunet-intel0095", models_dir=tmp_path / "m",
                              camera=str(tmp_path / "camera"))
    return AltCheckinDesk(StoreDesk(store, settings), "test-kiosk")


def test_feed_hashes_are_applied_replaced_and_erased_with_the_person(
        store: KioskStore) -> None:
    person = uuid4()
    pin_hash, badge_hash = pins.hash_pin("2580"), pins.badge_token_hash("t" * 43)
    store.feed.apply_page([person_change(1, person, "F001", pin_hash=pin_hash,
                                         badge_hash=badge_hash)], "1")
    assert store.alt_checkin.credentials_of(person) == (pin_hash, badge_hash)
    store.feed.apply_page([person_change(2, person, "F001", badge_hash=badge_hash)], "2")
    assert store.alt_checkin.credentials_of(person) == (None, badge_hash)  # PIN revoked
    with pytest.raises(StoreError, match="badge_hash"):
        store.feed.apply_page([person_change(3, person, "F001", badge_hash="not hex")], "3")
    assert store.feed.cursor() == "2"  # the malformed page changed nothing
    store.feed.apply_page([FeedChange(seq=4, entity=FeedEntity.PERSON, op=FeedOp.DELETE,
                                      entity_id=person, data={})], "4")
    assert store.alt_checkin.credentials_of(person) == (None, None)
    assert store.alt_checkin.person_for_badge(badge_hash) is None
    raw = store.path.read_bytes() + Path(f"{store.path}-wal").read_bytes() \
        if Path(f"{store.path}-wal").exists() else store.path.read_bytes()
    assert badge_hash.encode() not in raw  # vacuumed away with the person


def test_correct_pin_punches_with_source_pin_through_the_face_path(
        store: KioskStore, alt: AltCheckinDesk) -> None:
    person = uuid4()
    store.feed.apply_page([person_change(1, person, "F001", pin_hash=pins.hash_pin("2580"))],
                          "1")
    greeting = alt.punch_with_pin(" F001 ", "2580", AT)
    assert isinstance(greeting, Greeting) and not greeting.repeat
    assert greeting.person_name == "Person F001" and greeting.verdict_text
    [punch] = store.punches.pending()
    assert (punch.id, punch.person_id, punch.source) == (greeting.punch_id, person,
                                                         PunchSource.PIN)
    again = alt.punch_with_pin("F001", "2580", AT + timedelta(seconds=30))
    assert isinstance(again, Greeting) and again.repeat  # the same cooldown as a face
    assert store.punches.backlog() == 1


def test_five_wrong_pins_lock_the_code_for_five_minutes_and_are_audited(
        store: KioskStore, alt: AltCheckinDesk) -> None:
    person = uuid4()
    store.feed.apply_page([person_change(1, person, "F001", pin_hash=pins.hash_pin("2580"))],
                          "1")
    left = []
    for attempt in range(PIN_LOCK_AFTER - 1):
        refused = alt.punch_with_pin("F001", "1357", AT + timedelta(seconds=attempt))
        assert isinstance(refused, AltCheckinRefused)
        assert refused.reason is AltRefusal.WRONG_PIN
        left.append(refused.attempts_left)
    assert left == [4, 3, 2, 1]
    locked = alt.punch_with_pin("F001", "1357", AT + timedelta(seconds=10))
    assert isinstance(locked, AltCheckinRefused) and locked.reason is AltRefusal.LOCKED
    assert locked.locked_until == AT + timedelta(seconds=10, minutes=5)
    during = alt.punch_with_pin("F001", "2580", AT + timedelta(minutes=4))  # even the right one
    assert isinstance(during, AltCheckinRefused) and during.reason is AltRefusal.LOCKED
    assert store.punches.backlog() == 0
    [entry] = [e for e in store.audit_log.entries() if e["action"] == "pin_locked"]
    assert entry["subject"] == "F001" and entry["actor"] == "test-kiosk"
    after = alt.punch_with_pin("F001", "2580", AT + timedelta(minutes=5, seconds=11))
    assert isinstance(after, Greeting)
    assert store.alt_checkin.failures("F001").failures == 0


def test_unknown_codes_and_people_without_a_pin_get_the_same_answer(
        store: KioskStore, alt: AltCheckinDesk) -> None:
    store.feed.apply_page([person_change(1, uuid4(), "F002")], "1")  # no PIN issued
    inactive = uuid4()
    store.feed.apply_page([person_change(2, inactive, "F003", active=False,
                                         pin_hash=pins.hash_pin("2580"))], "2")
    for code in ("NOPE", "F002", "F003"):
        refused = alt.punch_with_pin(code, "2580", AT)
        assert refused == AltCheckinRefused(AltRefusal.WRONG_PIN, attempts_left=4), code
    assert alt.punch_with_pin("", "", AT).reason is AltRefusal.WRONG_PIN  # type: ignore[union-attr]
    assert store.punches.backlog() == 0


def test_badge_token_punches_with_source_qr_and_a_revoked_one_is_refused(
        store: KioskStore, alt: AltCheckinDesk) -> None:
    person, token = uuid4(), pins.new_badge_token()
    store.feed.apply_page([person_change(1, person, "F001",
                                         badge_hash=pins.badge_token_hash(token))], "1")
    greeting = alt.punch_with_badge(token, AT)
    assert isinstance(greeting, Greeting)
    assert store.punches.pending()[0].source is PunchSource.QR
    store.feed.apply_page([person_change(2, person, "F001")], "2")  # badge revoked
    refused = alt.punch_with_badge(token, AT + timedelta(hours=1))
    assert refused == AltCheckinRefused(AltRefusal.UNKNOWN_BADGE)
    assert store.punches.backlog() == 1
