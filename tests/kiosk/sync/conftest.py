"""A real sync server on 127.0.0.1 over a SQLite file, and a provisioned kiosk store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from kiosk.store import KioskStore, open_store
from kiosk.sync import KioskCredential
from sync_server.settings import ServerSettings
from tests.sync_server.helpers import migrated_settings, provision_kiosk, sessions_for, sqlite_url
from tests.sync_server.live import LiveServer


@pytest.fixture
def server_settings(tmp_path: Path) -> ServerSettings:
    (tmp_path / "server").mkdir()
    return migrated_settings(sqlite_url(tmp_path / "server"))


@pytest.fixture
def sessions(server_settings: ServerSettings) -> Iterator[sessionmaker[Session]]:
    factory = sessions_for(server_settings)
    yield factory
    factory.kw["bind"].dispose()


@pytest.fixture
def live_server(server_settings: ServerSettings) -> Iterator[LiveServer]:
    server = LiveServer(server_settings).start()
    yield server
    server.stop()


@pytest.fixture
def credential(live_server: LiveServer, sessions: sessionmaker[Session]) -> KioskCredential:
    return provision_kiosk(sessions, live_server.url, "entrance-1")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[KioskStore]:
    kiosk_store = open_store(tmp_path / "kiosk" / "kiosk.sqlite3")
    yield kiosk_store
    kiosk_store.close()
