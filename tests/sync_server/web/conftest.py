"""Fixtures of the web tests: the server with the web app on a real database, and users."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.engine import transaction
from sync_server.service import people, schedules, users
from sync_server.settings import ServerSettings
from tests.sync_server.web.live_web import PASSWORD, WebServer


@dataclass(frozen=True)
class Staffing:
    finance_a: uuid.UUID
    finance_b: uuid.UUID
    ops_c: uuid.UUID


@pytest.fixture
def web_server(server_settings: ServerSettings) -> Iterator[WebServer]:
    server = WebServer(server_settings).start()
    yield server
    server.stop()


@pytest.fixture
def staffing(sessions: sessionmaker[Session]) -> Staffing:
    """Three people, an all-week office shift for everyone, and four logins:
    admin, hr, leader (Finance) and staff (finance_a)."""
    with transaction(sessions) as session:
        a = people.create_person(session, "Nguyen Van An", "F001", "Finance", actor="test").id
        b = people.create_person(session, "Pham Thi Binh", "F002", "Finance", actor="test").id
        c = people.create_person(session, "Hoang Van Cuong", "O001", "Operations", actor="test").id
        shift = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Office", "08:00", "17:00", working_days=tuple(range(7))), actor="test")
        from datetime import date
        for department in ("Finance", "Operations"):
            schedules.save_assignment(session, shift.id, date(2025, 1, 1), None,
                                      department=department, actor="test")
        users.create_user(session, "admin", PASSWORD, users.Role.ADMIN, actor="test")
        users.create_user(session, "hr", PASSWORD, users.Role.HR, actor="test")
        users.create_user(session, "leader", PASSWORD, users.Role.LEADER, department="Finance",
                          actor="test")
        users.create_user(session, "staff", PASSWORD, users.Role.STAFF, person_id=a, actor="test")
    return Staffing(a, b, c)
