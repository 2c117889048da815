"""Fixtures: a throw-away PostgreSQL server, a database per test (SQLite and PostgreSQL),
a real server on 127.0.0.1 over it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from sync_server.settings import ServerSettings
from tests.sync_server.helpers import migrated_settings, sessions_for, sqlite_url
from tests.sync_server.live import LiveServer
from tests.sync_server.pg import PostgresUnavailable, ThrowawayPostgres, start_postgres


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def postgres() -> Iterator[ThrowawayPostgres]:
    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        if _in_ci():
            pytest.fail(f"CI=true but {exc}")
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    postgres: ThrowawayPostgres = request.getfixturevalue("postgres")
    return postgres.create_database()


@pytest.fixture
def server_settings(database_url: str) -> ServerSettings:
    return migrated_settings(database_url)


@pytest.fixture
def sessions(server_settings: ServerSettings) -> Iterator[sessionmaker[Session]]:
    factory = sessions_for(server_settings)
    yield factory
    bind = factory.kw["bind"]
    bind.dispose()


@pytest.fixture
def live_server(server_settings: ServerSettings) -> Iterator[LiveServer]:
    server = LiveServer(server_settings).start()
    yield server
    server.stop()
