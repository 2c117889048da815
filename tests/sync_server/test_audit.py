"""Every door audits: a change to people's or the site's data made through a door (an HTTP
request, a CLI command) writes its audit entry in the same transaction, or fails.

The guard (sync_server.service.audit) runs strict for the whole test suite (tests/conftest.py),
so every web, API, kiosk and CLI test is also a check that its door audits. These tests show
the guard itself can fail, and that the JSON admin API, which wrote no entries before, does.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Kiosk
from sync_server.db.web_models import AuditEntry, Department
from sync_server.service import audit
from tests.sync_server.helpers import make_admin
from tests.sync_server.live import LiveServer


def _entries(sessions: sessionmaker[Session], action: str) -> list[AuditEntry]:
    with transaction(sessions) as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_change_through_a_door_without_an_audit_entry_is_refused_and_rolled_back(
        sessions: sessionmaker[Session]) -> None:
    department = uuid.uuid4()
    with audit.door("test door"), pytest.raises(audit.AuditMissing, match="departments"):
        with transaction(sessions) as session:
            session.add(Department(id=department, name="Phòng Tổ chức", created_at=utc_now()))
    with transaction(sessions) as session:
        assert session.get(Department, department) is None  # rolled back

    with audit.door("test door"), transaction(sessions) as session:
        session.add(Department(id=department, name="Phòng Tổ chức", created_at=utc_now()))
        audit.record(session, "hr.lan", "department.create", "department", department)
    with transaction(sessions) as session:
        assert session.get(Department, department) is not None


def test_bulk_statements_are_seen_and_telemetry_is_not_a_decision(
        sessions: sessionmaker[Session]) -> None:
    kiosk = uuid.uuid4()
    with transaction(sessions) as session:  # outside any door: set-up, not watched
        session.add(Kiosk(id=kiosk, name="cổng chính", created_at=utc_now()))
    with audit.door("test door"), transaction(sessions) as session:
        row = session.get(Kiosk, kiosk)
        assert row is not None
        row.last_seen_at, row.backlog = utc_now(), 3  # a heartbeat: no entry needed
    with audit.door("test door"), pytest.raises(audit.AuditMissing, match="kiosks"):
        with transaction(sessions) as session:
            session.execute(update(Kiosk).where(Kiosk.id == kiosk).values(name="cổng phụ"))


def test_the_json_admin_api_audits_what_it_changes(live_server: LiveServer,
                                                    sessions: sessionmaker[Session]) -> None:
    username, password = make_admin(sessions, "root")
    with httpx.Client(base_url=live_server.url, auth=(username, password), timeout=10) as http:
        created = http.post("/api/v1/people", json={"display_name": "Đỗ Thị Hạnh",
                                                    "employee_code": "HC-7"})
        assert created.status_code == 201, created.text
        kiosk = http.post("/api/v1/kiosks", json={"name": "cổng sau"})
        assert kiosk.status_code == 201, kiosk.text
        revoked = http.post("/api/v1/kiosks/cổng sau/revoke")
        assert revoked.status_code == 204, revoked.text
    person_id = created.json()["id"]
    [made] = _entries(sessions, "person.create")
    assert (made.actor, made.entity_id, made.detail["display_name"]) == (
        "admin:root", person_id, "Đỗ Thị Hạnh")
    assert [e.actor for e in _entries(sessions, "kiosk.provision")] == ["admin:root"]
    assert [e.detail["name"] for e in _entries(sessions, "kiosk.revoke")] == ["cổng sau"]
