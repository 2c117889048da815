"""The reminders end to end, every component real: a leader gives a task on the web app of a
real server on 127.0.0.1; a kiosk store syncs it; the kiosk app (real models, liveness
included, the Qt window offscreen, the camera thread over a photo folder) recognizes the
person from a real faces-dev photo and shows the reminder; the person acknowledges it with
one touch on the card; the kiosk syncs; the leader's page says at which kiosk and when it
was shown and that it was acknowledged; the daily digest e-mail (aiosmtpd on 127.0.0.1)
lists the person's other, overdue task."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.app.runtime import KioskRuntime, enroll_from_folder
from kiosk.app.state import Greeting
from kiosk.settings import KioskSettings
from kiosk.store import open_store
from kiosk.sync import KioskCredential, SyncClient, sync_once
from kiosk.ui.app import RunLimits, run_kiosk_app
from kiosk.ui.window import KioskWindow
from sync_server.db.engine import transaction
from sync_server.db.reminder_models import ReminderDelivery, ReminderTask
from sync_server.service import datakeys, digest, reminders, users
from sync_server.service.reminders import TaskIn
from sync_server.settings import MailSettings
from tests.kiosk.app.conftest import installed_pack
from tests.kiosk.app.helpers import kiosk_settings, lfw_photo, photo_folder
from tests.kiosk.sync import conftest as sync_fixtures
from tests.sync_server.helpers import approve_enrolments, provision_kiosk
from tests.sync_server.live import LiveServer
from tests.sync_server.reminder_helpers import SmtpServer
from tests.sync_server.web.live_web import PASSWORD, log_in, page_csrf

pytestmark = [pytest.mark.shared]

# A real server on 127.0.0.1 over a SQLite file.
server_settings = sync_fixtures.server_settings
sessions = sync_fixtures.sessions
live_server = sync_fixtures.live_server
__all__ = ["installed_pack"]  # the first model pack that loads (tests/kiosk/app)

PERSON = "Colin_Powell"
KIOSK = "Lobby east"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def _key_file_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def _settings(tmp_path: Path, faces_dev: Path, pack: str, models_dir: Path) -> KioskSettings:
    camera = photo_folder(tmp_path / "camera", [lfw_photo(faces_dev, PERSON, 8)])
    base = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(camera))
    data = base.model_dump(mode="json")
    data["greeting"] = {**data.get("greeting", {}), "speech": False}  # no sound in tests
    data["kiosk_name"] = KIOSK
    return KioskSettings.model_validate(data)


def _sync(settings: KioskSettings, credential: KioskCredential, recognizer_id: str) -> None:
    """One sync of the kiosk's store (its own connection, as the sync worker has)."""
    store = open_store(settings.store.path)
    try:
        with SyncClient(credential, timeout_s=10, verify_tls=False) as client:
            sync_once(store, client, recognizer_id=recognizer_id)
    finally:
        store.close()


def _greet_and_acknowledge(settings: KioskSettings) -> Greeting:
    """Run the kiosk app (real window, offscreen; camera thread over the photo folder) until
    the camera ends; on the first greeting card, touch "Got it" on the first reminder."""
    states: list[object] = []

    def observe(state: object) -> bool:
        states.append(state)
        if isinstance(state, Greeting) and len([s for s in states
                                                 if isinstance(s, Greeting)]) == 1:
            window = next(w for w in QApplication.topLevelWidgets()
                          if isinstance(w, KioskWindow))
            QTest.mouseClick(window.card.reminders.ack_buttons[0], Qt.MouseButton.LeftButton)
        return False

    runtime = KioskRuntime(settings, replay_every_frame=True, folder_blank_frames=8)
    assert run_kiosk_app(runtime, RunLimits(max_seconds=180, exit_when_camera_ends=True),
                         offscreen=True, observer=observe) == 0
    greetings = [s for s in states if isinstance(s, Greeting)]
    assert greetings, "the enrolled person was not greeted"
    return greetings[0]


def test_a_leaders_task_is_shown_at_the_kiosk_acknowledged_and_reported_back(
        qapp: object, installed_pack: tuple[str, Path], faces_dev: Path, tmp_path: Path,
        live_server: LiveServer, sessions: sessionmaker[Session], smtp: SmtpServer) -> None:
    pack, models_dir = installed_pack
    settings = _settings(tmp_path, faces_dev, pack, models_dir)
    enrolled = enroll_from_folder(
        settings, person_id=None, name="Colin Powell", department="Finance",
        folder=photo_folder(tmp_path / "enroll", [lfw_photo(faces_dev, PERSON, n)
                                                  for n in range(1, 7)]),
        consent_version="notice-v2", collected_by="HR Pham")
    assert enrolled.ok and enrolled.person_id is not None, enrolled.error
    person_id = enrolled.person_id
    store = open_store(settings.store.path)
    [recognizer_id] = store.biometrics.recognizers_enrolled(person_id)
    store.close()
    credential = provision_kiosk(sessions, live_server.url, KIOSK, recognizer_id=recognizer_id)
    _sync(settings, credential, recognizer_id)  # the enrollment reaches the server
    assert approve_enrolments(sessions) == 1  # HR approves it: it now counts everywhere

    with transaction(sessions) as session:
        users.create_user(session, "leader", PASSWORD, users.Role.LEADER, department="Finance",
                          actor="test")
        overdue, _ = reminders.create_task(session, TaskIn(
            "Return the signed contract", person_id=person_id,
            due_at=datetime.now(UTC) - timedelta(days=2)), "leader")
        digest.set_recipient(session, "leader", "leader@example.test", None)
    with httpx.Client(base_url=live_server.url, follow_redirects=True, timeout=30) as web:
        assert log_in(web, "leader").status_code == 200
        due = (datetime.now(ZONE) + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
        made = web.post("/hr/reminders", data={
            "csrf_token": page_csrf(web, "/hr/reminders"), "title": "Prepare the budget memo",
            "assignee": f"person:{person_id}", "due": due, "priority": "2",
            "details": "numbers for the minister"})
        assert made.status_code == 200 and "Prepare the budget memo" in made.text
    with sessions() as session:
        task = session.scalars(select(ReminderTask).where(
            ReminderTask.title == "Prepare the budget memo")).one()

    _sync(settings, credential, recognizer_id)  # the kiosk receives both reminders
    greeting = _greet_and_acknowledge(settings)
    assert greeting.person_id == person_id and not greeting.repeat
    assert [r.title for r in greeting.reminders] == ["Return the signed contract",
                                                     "Prepare the budget memo"]
    assert greeting.reminders[0].overdue
    _sync(settings, credential, recognizer_id)  # shown + acknowledged reach the server

    with sessions() as session:
        first = session.get(ReminderDelivery, reminders.reminder_id(overdue.id, person_id))
        second = session.get(ReminderDelivery, reminders.reminder_id(task.id, person_id))
        assert first is not None and second is not None
        assert first.shown_at is not None and first.acknowledged_at is not None
        assert second.shown_at is not None and second.acknowledged_at is None
        assert session.get(ReminderTask,
                           overdue.id).status == "acknowledged"  # type: ignore[union-attr]
        shown_at = first.shown_at.astimezone(ZONE).strftime("%d/%m/%Y %H:%M")
    with httpx.Client(base_url=live_server.url, follow_redirects=True, timeout=30) as web:
        assert log_in(web, "leader").status_code == 200
        web.cookies.set("lang", "en")
        page = web.get(f"/hr/reminders/{overdue.id}").text
        row = re.search(rf'data-person="{person_id}">(.*?)</tr>', page, re.S)
        assert row is not None
        assert f"Shown at kiosk {KIOSK} at {shown_at}" in row.group(1)
        assert re.search(rf"Acknowledged \d\d/\d\d/\d{{4}} \d\d:\d\d \({KIOSK}\)", row.group(1))
        other = web.get(f"/hr/reminders/{task.id}").text
        assert f"Shown at kiosk {KIOSK}" in other and "Not acknowledged" in other

    report = digest.send_digests(sessions, MailSettings(enabled=True, host="127.0.0.1",
                                                        port=smtp.port))  # type: ignore[call-arg]
    assert (report.emailed, report.errors) == (1, [])
    [(_sender, recipients, message)] = smtp.messages
    assert recipients == ["leader@example.test"]
    body = message.get_content()
    overdue_part, open_part = body.split("Chưa xác nhận (")
    assert "Return the signed contract" in overdue_part and "Colin Powell" in overdue_part
    assert "Prepare the budget memo" in open_part
