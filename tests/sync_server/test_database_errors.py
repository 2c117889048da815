"""Input the schema allows but the database cannot store (a NUL character in text, on
PostgreSQL) is a 422 problem with nothing stored, not a 500."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.engine import transaction
from sync_server.db.models import Person
from tests.sync_server.helpers import make_admin
from tests.sync_server.live import LiveServer


def test_nul_in_a_name(live_server: LiveServer, sessions: sessionmaker[Session]) -> None:
    login = make_admin(sessions)
    answer = httpx.post(live_server.url + "/api/v1/people", auth=login, timeout=30,
                        json={"display_name": "Nguyen\u0000Van A"})
    with transaction(sessions) as session:
        people = session.scalar(select(func.count()).select_from(Person))
        dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "nothing was stored" in answer.json()["detail"]
        assert people == 0
    else:  # SQLite holds the character: stored as given
        assert answer.status_code == 201 and answer.json()["display_name"] == "Nguyen\0Van A"
        assert people == 1
