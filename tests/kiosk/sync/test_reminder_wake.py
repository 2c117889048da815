"""An urgent reminder on a greeting card reaches the real server at once, not at the next sync
interval: the desk wakes the kiosk's running sync worker (kiosk.app.runtime wiring)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

from sqlalchemy.orm import Session, sessionmaker

from kiosk.app.desk import StoreDesk
from kiosk.app.runtime import SyncRunner
from kiosk.settings import KioskSettings
from kiosk.store import FeedChange, FeedEntity, FeedOp, Person, open_store
from kiosk.sync import KioskCredential, save_credential
from sync_server.db.engine import transaction
from sync_server.service import events
from tests.sync_server.live import LiveServer

INTERVAL_S = 120.0  # far longer than the test: only a wake can explain an early sync


def _settings(tmp_path: Path, server_url: str) -> KioskSettings:
    return KioskSettings.model_validate({
        "kiosk_name": "entrance-1", "store": {"path": str(tmp_path / "kiosk.sqlite3")},
        "models": {"dir": str(tmp_path / "models")}, "ui": {"language": "en"},
        "sync": {"server_url": server_url, "verify_tls": False, "interval_s": INTERVAL_S,
                 "credential_file": str(tmp_path / "credential.json")}})


def _cache(settings: KioskSettings, person: Person, title: str, urgent: bool) -> UUID:
    reminder_id = uuid4()
    store = open_store(settings.store.path)
    store.biometrics.upsert_person(person)
    store.feed.apply_page([FeedChange(1, FeedEntity.REMINDER, FeedOp.UPSERT, reminder_id, {
        "person_id": str(person.id), "title": title, "due_at": None, "priority": 1,
        "status": "open", "urgent": urgent, "created_at": "2026-11-20T02:00:00+00:00"})],
        cursor="0")  # the server feed is still read from its start
    store.close()
    return reminder_id


def _shown_on_server(sessions: sessionmaker[Session]) -> dict[str, bool]:
    with transaction(sessions) as session:
        return {str(row.data["reminder_id"]): bool(row.data["urgent"])
                for row in events.recent(session, "reminder_shown")}


def _wait(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_an_urgent_reminder_shown_is_synced_at_once(
        tmp_path: Path, live_server: LiveServer, sessions: sessionmaker[Session],
        credential: KioskCredential) -> None:
    settings = _settings(tmp_path, live_server.url)
    save_credential(settings.sync.credential_file, credential)
    binh = Person(id=uuid4(), display_name="Trần Văn Bình")
    anna = Person(id=uuid4(), display_name="Nguyễn Thị An")
    plain = _cache(settings, binh, "Họp giao ban", urgent=False)
    nudged = _cache(settings, anna, "Ký hợp đồng", urgent=True)
    runner = SyncRunner(settings)
    desk = StoreDesk.open(settings)
    desk.wake_sync = runner.wake  # as kiosk.app.runtime.KioskRuntime.build_engine does
    runner.start()
    try:
        assert _wait(lambda: runner.online() is True, 10.0)  # the first exchange is done
        desk.punch(binh.id, datetime.now(UTC))  # an ordinary reminder: waits for the interval
        time.sleep(1.0)
        assert _shown_on_server(sessions) == {}
        started = time.monotonic()
        desk.punch(anna.id, datetime.now(UTC))
        assert _wait(lambda: str(nudged) in _shown_on_server(sessions), 10.0)
        assert time.monotonic() - started < 10.0 < INTERVAL_S
        # The wake pushed everything waiting, the earlier ordinary one included.
        assert _shown_on_server(sessions) == {str(nudged): True, str(plain): False}
    finally:
        runner.stop()
        desk.close()
