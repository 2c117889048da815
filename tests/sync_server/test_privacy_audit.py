"""Erasures and data-subject access requests leave entries in the append-only audit log,
whichever path made them (admin API or the retention job), on a real server."""

from __future__ import annotations

import httpx
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.engine import transaction
from sync_server.service import alt_checkin, audit, people
from tests.sync_server.helpers import add_person, make_admin
from tests.sync_server.live import LiveServer


def _entries(sessions: sessionmaker[Session], person_id: object) -> list[tuple[str, str]]:
    with transaction(sessions) as session:
        return [(e.action, e.actor) for e in reversed(audit.recent(session, 500, "person"))
                if e.entity_id == str(person_id)]


def test_access_requests_exports_and_every_erasure_are_audited(
        live_server: LiveServer, sessions: sessionmaker[Session]) -> None:
    leaving, withdrawing, deleted = (add_person(sessions, name) for name in
                                     ("Le Van Di", "Ngo Thi Rut", "Vu Van Xoa"))
    with transaction(sessions) as session:
        alt_checkin.issue_badge(session, withdrawing, "hr")
    with httpx.Client(base_url=live_server.url + "/api/v1/people", auth=make_admin(sessions),
                      timeout=10) as admin:
        request = admin.post(f"/{withdrawing}/access-requests").json()
        export = admin.get(f"/{withdrawing}/export", params={"request_id": request["id"]})
        assert export.status_code == 200
        methods = export.json()["data"]["checkin_methods"]
        assert methods["badge_issued_at"] and methods["pin_set_at"] is None
        assert admin.post(f"/{withdrawing}/withdraw-consent").status_code == 200
        assert admin.post(f"/{leaving}/deactivate").status_code == 200
        assert admin.delete(f"/{deleted}").status_code == 204

    assert _entries(sessions, withdrawing) == [
        ("person.create", "test"), ("checkin.badge_issue", "hr"),
        ("access_request.open", "admin:admin"), ("person.export", "admin:admin"),
        ("erasure.consent_withdrawn", "admin:admin")]
    assert _entries(sessions, leaving) == [("person.create", "test"),
                                           ("person.deactivate", "admin:admin"),
                                           ("erasure.deactivated", "admin:admin")]
    assert _entries(sessions, deleted) == [("person.create", "test"),
                                           ("erasure.deleted", "admin:admin")]
    with transaction(sessions) as session:
        [entry] = [e for e in audit.recent(session, 500, "person")
                   if e.action == "access_request.open"]
        assert entry.detail["request_id"] == request["id"]

    with transaction(sessions) as session:  # what the retention job calls per person
        people.erase_biometrics_for_retention(session, leaving)
    assert _entries(sessions, leaving)[3:] == [("erasure.retention", "retention-job")]
