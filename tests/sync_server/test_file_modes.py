"""The server's SQLite file, its WAL and its shared memory are readable by their owner only,
whatever the umask it was started with; a looser file left by an older version is fixed at
start with a log line."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import httpx
import pytest

from tests.sync_server.helpers import make_admin, migrated_settings, sessions_for, sqlite_url
from tests.sync_server.live import LiveServer


def _modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()
            if p.name.startswith("server.sqlite3")}


def test_database_files_are_private_on_the_server(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    previous = os.umask(0o022)  # a permissive environment: the server must not rely on it
    try:
        settings = migrated_settings(sqlite_url(tmp_path))
        sessions = sessions_for(settings)
        username, password = make_admin(sessions)
        server = LiveServer(settings).start()
        try:
            answer = httpx.get(server.url + "/api/v1/people", auth=(username, password))
            assert answer.status_code == 200
            assert _modes(tmp_path) == {"server.sqlite3": 0o600, "server.sqlite3-wal": 0o600,
                                        "server.sqlite3-shm": 0o600}
        finally:
            server.stop()
            sessions.kw["bind"].dispose()
        for name in _modes(tmp_path):
            os.chmod(tmp_path / name, 0o644)  # as an older version left them
        with caplog.at_level(logging.WARNING, logger="sync_server.db.engine"):
            sessions_for(settings).kw["bind"].dispose()
        assert set(_modes(tmp_path).values()) == {0o600}
        assert "mode set to 0600" in caplog.text
    finally:
        os.umask(previous)
