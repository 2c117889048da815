"""A bounded property-based fuzz run (schemathesis) against the OpenAPI document of a real
server on 127.0.0.1: no 5xx, and every documented response matches its schema.

Authenticated as an admin (kiosk-only routes answer 401, which is fine). A few examples per
operation keep the run well under a minute on a loaded machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy.orm import Session, sessionmaker

from sync_server.service import datakeys
from tests.sync_server.helpers import (
    add_person,
    make_admin,
    migrated_settings,
    sessions_for,
    sqlite_url,
)
from tests.sync_server.live import LiveServer

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

MAX_EXAMPLES = 8


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[tuple[LiveServer, tuple[str, str]]]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    patch = pytest.MonkeyPatch()
    patch.delenv(datakeys.KEY_ENV, raising=False)
    patch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    patch.setenv("XDG_DATA_HOME", str(folder / "xdg"))
    settings_ = migrated_settings(sqlite_url(folder))
    sessions: sessionmaker[Session] = sessions_for(settings_)
    login = make_admin(sessions)
    add_person(sessions)
    server = LiveServer(settings_).start()
    yield server, login
    server.stop()
    sessions.kw["bind"].dispose()
    patch.undo()


def test_api_survives_fuzzing(fuzz_target: tuple[LiveServer, tuple[str, str]]) -> None:
    server, login = fuzz_target
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15  # the document really was read
    failures: list[str] = []
    statuses: list[int] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            response = case.call_and_validate(
                auth=login, checks=[not_a_server_error, response_schema_conformance])
            statuses.append(response.status_code)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{operation.label}: {str(exc)[:500]}")
    assert failures == []
    # Really exercised: many requests, and both accepted and refused ones.
    assert len(statuses) >= 5 * len(operations)
    assert any(code < 300 for code in statuses) and any(code >= 400 for code in statuses)
