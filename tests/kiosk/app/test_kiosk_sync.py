"""The kiosk with a real sync server on 127.0.0.1: people arrive through the feed, the
status bar shows online, and the punch leaves the outbox once the server acknowledged it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.app.runtime import KioskRuntime, enroll_from_folder
from kiosk.app.state import Greeting, StatusBar
from kiosk.store import open_store
from kiosk.sync import SyncClient, save_credential, sync_once
from kiosk.ui.app import RunLimits, run_kiosk_app
from sync_server.db.engine import transaction
from sync_server.db.models import Punch as ServerPunch
from tests.kiosk.app.helpers import kiosk_settings, lfw_photo, photo_folder
from tests.kiosk.sync import conftest as sync_fixtures
from tests.sync_server.helpers import add_person

pytestmark = [pytest.mark.shared]

# The store engineer's fixtures: a real server on 127.0.0.1 and a provisioned credential.
server_settings = sync_fixtures.server_settings
sessions = sync_fixtures.sessions
live_server = sync_fixtures.live_server
credential = sync_fixtures.credential


def test_synced_person_checks_in_and_the_punch_reaches_the_server(
        qapp, installed_pack, faces_dev, tmp_path: Path, live_server, sessions,
        credential) -> None:
    person_id = add_person(sessions, "Colin Powell", department="Protocol")
    pack, models_dir = installed_pack
    camera = photo_folder(tmp_path / "camera", [lfw_photo(faces_dev, "Colin_Powell", 9)])
    base = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(camera))
    sync = base.sync.model_copy(update={"server_url": live_server.url, "verify_tls": False,
                                        "interval_s": 0.2})
    settings = base.model_copy(update={"sync": sync})
    save_credential(settings.sync.credential_file, credential)
    store = open_store(settings.store.path)  # first exchange: the person arrives via the feed
    client = SyncClient(credential, verify_tls=False)
    try:
        sync_once(store, client)
        assert store.biometrics.person(person_id) is not None
    finally:
        client.close()
        store.close()
    photos = photo_folder(tmp_path / "photos",
                          [lfw_photo(faces_dev, "Colin_Powell", n) for n in range(1, 7)])
    assert enroll_from_folder(settings, person_id=person_id, name="", department="",
                              folder=photos, consent_version="v1", collected_by="pytest").ok
    greetings: list[Greeting] = []
    bars: list[StatusBar] = []

    def observe(state: object) -> bool:
        if isinstance(state, Greeting):
            greetings.append(state)
        if isinstance(state, StatusBar):
            bars.append(state)
            return bool(greetings) and state.online is True and state.backlog == 0
        return False

    runtime = KioskRuntime(settings, replay_every_frame=True, loop_recording=True)
    assert run_kiosk_app(runtime, RunLimits(max_seconds=120), offscreen=True,
                         observer=observe) == 0
    assert [g.person_id for g in greetings][:1] == [person_id]
    assert greetings[0].department == "Protocol"
    assert bars[-1].online is True and bars[-1].backlog == 0
    with transaction(sessions) as session:
        stored = session.scalars(select(ServerPunch).where(
            ServerPunch.person_id == person_id)).all()
    assert [p.id for p in stored] == [greetings[0].punch_id]
