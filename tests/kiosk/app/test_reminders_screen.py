"""Reminders on the real kiosk: a person recognized from a real photo sees their own reminders
ranked, touches "Got it", and hears the greeting; a stranger sees nothing.

Everything is real: the installed model pack, the SQLite store in tmp_path, the Qt window
(offscreen), the camera thread, espeak-ng writing WAV files. The camera is a photo folder.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kiosk.app.runtime import KioskRuntime, enroll_from_folder
from kiosk.app.state import Greeting, NotRecognized
from kiosk.settings import GreetingSettings, KioskSettings, SiteSettings
from kiosk.store import FeedChange, FeedEntity, FeedOp, open_store
from kiosk.ui.app import RunLimits, run_kiosk_app
from kiosk.ui.window import KioskWindow
from tests.kiosk.app.helpers import kiosk_settings, lfw_photo, photo_folder

pytestmark = [pytest.mark.shared]


def _zone_near_noon(now: datetime) -> str:
    """A fixed-offset site zone where it is about noon now, so "due today" cannot cross
    midnight while the test runs (Etc/GMT-k is UTC+k)."""
    return f"Etc/GMT{-(12 - now.hour):+d}"


def _cache_reminders(settings: KioskSettings, person: UUID, now: datetime) -> dict[str, UUID]:
    specs = [  # (title, person, due, priority, created, urgent)
        ("Ký hợp đồng", person, now + timedelta(days=3), 0, now - timedelta(days=1), True),
        ("Báo cáo quý", person, now - timedelta(hours=5), 1, now - timedelta(days=8), False),
        ("Họp giao ban", person, now + timedelta(hours=2), 0, now - timedelta(days=1), False),
        ("Đọc thông tư", person, None, 2, now - timedelta(days=20), False),
        ("Việc của người khác", uuid4(), now - timedelta(days=1), 2, now, False),
    ]
    ids = {title: uuid4() for title, *_ in specs}
    store = open_store(settings.store.path)
    try:
        store.feed.apply_page([
            FeedChange(seq, FeedEntity.REMINDER, FeedOp.UPSERT, ids[title], {
                "person_id": str(owner), "title": title,
                "due_at": due.isoformat() if due else None, "priority": priority,
                "status": "open", "urgent": urgent, "created_at": created.isoformat()})
            for seq, (title, owner, due, priority, created, urgent) in enumerate(specs, 1)],
            cursor="5")
    finally:
        store.close()
    return ids


def _window() -> KioskWindow:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, KioskWindow))


def test_recognized_person_sees_ranked_reminders_acknowledges_one_and_a_stranger_sees_none(
        qapp, installed_pack, faces_dev, tmp_path: Path) -> None:
    pack, models_dir = installed_pack
    camera = photo_folder(tmp_path / "camera", [
        lfw_photo(faces_dev, "Colin_Powell", 7),
        faces_dev / "people" / "clapton-1.jpg",  # never enrolled
    ])
    now = datetime.now(UTC)
    espeak = shutil.which("espeak-ng") is not None
    base = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(camera))
    settings = base.model_copy(update={
        "site": SiteSettings(timezone=_zone_near_noon(now)),
        "greeting": GreetingSettings(speech=espeak, wav_dir=tmp_path / "spoken")})
    enrolled = enroll_from_folder(
        settings, person_id=None, name="Colin Powell", department="Protocol",
        folder=photo_folder(tmp_path / "enroll",
                            [lfw_photo(faces_dev, "Colin_Powell", n) for n in range(1, 7)]),
        consent_version="test-notice-1", collected_by="pytest")
    assert enrolled.ok and enrolled.person_id is not None, enrolled.error
    person = enrolled.person_id
    ids = _cache_reminders(settings, person, now)

    states: list[object] = []
    card_lines: list[list[str]] = []

    def observe(state: object) -> bool:
        states.append(state)
        if isinstance(state, Greeting) and not card_lines:
            panel = _window().card.reminders
            card_lines.append([label.text() for label in panel.items])
            QTest.mouseClick(panel.ack_buttons[0], Qt.MouseButton.LeftButton)  # one touch
        return False

    runtime = KioskRuntime(settings, replay_every_frame=True, folder_blank_frames=8)
    assert run_kiosk_app(runtime, RunLimits(max_seconds=180, exit_when_camera_ends=True),
                         offscreen=True, observer=observe) == 0

    [greeting] = [s for s in states if isinstance(s, Greeting)]
    assert greeting.person_id == person
    assert [r.title for r in greeting.reminders] == ["Ký hợp đồng", "Báo cáo quý",
                                                     "Họp giao ban"]
    lines = card_lines[0]
    assert "Ký hợp đồng" in lines[0] and "Urgent" in lines[0]
    assert "Báo cáo quý" in lines[1] and "Overdue" in lines[1]
    assert "Họp giao ban" in lines[2] and "Due " in lines[2]
    assert not any("người khác" in line for line in lines)
    assert any(isinstance(s, NotRecognized) for s in states)  # the stranger: no card

    store = open_store(settings.store.path)
    try:
        shown = store.events.recent(kind="reminder_shown")
        assert sorted(e.data["reminder_id"] for e in shown) == sorted(
            str(ids[t]) for t in ("Ký hợp đồng", "Báo cáo quý", "Họp giao ban"))
        assert {e.person_id for e in shown} == {person}
        assert {e.data["reminder_id"]: e.data["urgent"] for e in shown}[
            str(ids["Ký hợp đồng"])] is True
        [ack] = store.events.recent(kind="reminder_ack")
        assert (ack.person_id, ack.data) == (person, {"reminder_id": str(ids["Ký hợp đồng"])})
        assert [r.title for r in store.reminders.for_person(person)] == [
            "Báo cáo quý", "Họp giao ban", "Đọc thông tư"]  # no longer open here
    finally:
        store.close()
    if espeak:  # one spoken greeting, written to a WAV through the settings hook
        [wav] = (tmp_path / "spoken").glob("*.wav")
        assert wav.stat().st_size > 10_000
