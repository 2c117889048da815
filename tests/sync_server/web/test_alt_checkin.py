"""PIN and QR badge issuing from the HR person page, over HTTP against the real server.

The printed badge is decoded back from the page's SVG with OpenCV, and the change feed a
real kiosk credential reads carries only the hashes, never the PIN or the token.
"""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any

import cv2
import httpx
import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from attendance import pins
from sync_server.db.alt_checkin_models import AltCheckinCredential
from sync_server.db.engine import transaction
from sync_server.service import alt_checkin, audit, people
from tests.sync_server.helpers import provision_kiosk
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer, log_in, page_csrf


def _client(server: WebServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, follow_redirects=True, timeout=30)


def _person_changes(server: WebServer, credential: str, person_id: uuid.UUID
                    ) -> list[dict[str, Any]]:
    answer = httpx.get(f"{server.url}/api/v1/feed", params={"after": 0, "limit": 10_000},
                       headers={"Authorization": f"Bearer {credential}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return [c for c in answer.json()["changes"]
            if c["entity"] == "person" and c["entity_id"] == str(person_id)]


def _badge_image(page: str) -> np.ndarray:
    """The badge exactly as the page shows it: its PNG data URI, decoded."""
    found = re.search(r'id="badge-qr"><img src="data:image/png;base64,([^"]+)"', page)
    assert found is not None, "no badge image on the page"
    png = np.frombuffer(base64.b64decode(found.group(1)), np.uint8)
    return cv2.imdecode(png, cv2.IMREAD_GRAYSCALE)


def test_hr_issues_and_revokes_pin_and_badge_and_the_feed_carries_only_hashes(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session]) -> None:
    credential = provision_kiosk(sessions, web_server.url, "gate").credential
    person = staffing.finance_a
    page = f"/hr/people/{person}/checkin"
    with _client(web_server) as client:
        client.get("/hr/lang/en")
        log_in(client, "hr")
        assert "/checkin" in client.get("/hr/people").text  # linked from the people list
        assert "None issued" in client.get(page).text
        token = page_csrf(client, page)

        differ = client.post(f"/hr/people/{person}/pin",
                             data={"csrf_token": token, "pin": "2580", "pin_again": "2581"})
        assert "The two PINs differ." in differ.text
        trivial = client.post(f"/hr/people/{person}/pin",
                              data={"csrf_token": token, "pin": "1234", "pin_again": "1234"})
        assert "too easy to guess" in trivial.text

        typed = client.post(f"/hr/people/{person}/pin",
                            data={"csrf_token": token, "pin": "2580", "pin_again": "2580"})
        assert typed.status_code == 200 and 'id="pin-saved"' in typed.text
        assert "2580" not in typed.text
        generated = client.post(f"/hr/people/{person}/pin",
                                data={"csrf_token": token, "generate": "1"})
        assert generated.headers["cache-control"] == "no-store"
        new_pin = re.search(r'class="pin">(\d+)<', generated.text).group(1)  # type: ignore
        assert len(new_pin) == 6
        assert new_pin not in client.get(page).text  # shown once, never again

        badge = client.post(f"/hr/people/{person}/badge", data={"csrf_token": token})
        assert badge.headers["cache-control"] == "no-store"
        text, _points, _ = cv2.QRCodeDetector().detectAndDecode(_badge_image(badge.text))
        badge_token = pins.token_from_payload(text)
        assert badge_token is not None
        assert badge_token not in client.get(page).text

        latest = _person_changes(web_server, credential, person)[-1]["data"]
        assert pins.verify_pin(new_pin, latest["pin_hash"])
        assert not pins.verify_pin("2580", latest["pin_hash"])
        assert latest["badge_hash"] == pins.badge_token_hash(badge_token)
        everything = httpx.get(f"{web_server.url}/api/v1/feed", params={"limit": 10_000},
                               headers={"Authorization": f"Bearer {credential}"}).text
        assert badge_token not in everything
        for change in _person_changes(web_server, credential, person):
            assert new_pin not in change["data"].values()
            assert "2580" not in change["data"].values()

        client.post(f"/hr/people/{person}/revoke", data={"csrf_token": token, "method": "pin"})
        latest = _person_changes(web_server, credential, person)[-1]["data"]
        assert "pin_hash" not in latest and latest["badge_hash"]
        client.post(f"/hr/people/{person}/revoke",
                    data={"csrf_token": token, "method": "badge"})
        latest = _person_changes(web_server, credential, person)[-1]["data"]
        assert "pin_hash" not in latest and "badge_hash" not in latest
        assert latest["display_name"] == "Nguyen Van An"

    with transaction(sessions) as session:
        actions = [e.action for e in audit.recent(session, entity="person")
                   if e.entity_id == str(person) and e.actor == "hr"]
    assert actions.count("checkin.pin_issue") == 2
    assert {"checkin.badge_issue", "checkin.pin_revoke", "checkin.badge_revoke"} <= set(actions)


def test_other_person_upserts_keep_the_hashes(web_server: WebServer, staffing: Staffing,
                                              sessions: sessionmaker[Session]) -> None:
    """A rename (or any other person upsert) must not silently revoke a PIN on kiosks."""
    credential = provision_kiosk(sessions, web_server.url, "gate").credential
    with _client(web_server) as client:
        log_in(client, "hr")
        token = page_csrf(client, "/hr/people")
        client.post(f"/hr/people/{staffing.finance_b}/pin",
                    data={"csrf_token": token, "pin": "7391", "pin_again": "7391"})
        client.post("/hr/departments", data={"csrf_token": token, "old_name": "Finance",
                                              "name": "Finance & Budget"})
    latest = _person_changes(web_server, credential, staffing.finance_b)[-1]["data"]
    assert latest["department"] == "Finance & Budget"
    assert pins.verify_pin("7391", latest["pin_hash"])


def test_only_hr_and_admin_manage_check_in_methods(web_server: WebServer,
                                                   staffing: Staffing) -> None:
    person = staffing.finance_a
    for role in ("staff", "leader"):
        with _client(web_server) as client:
            log_in(client, role)
            assert client.get(f"/hr/people/{person}/checkin").status_code == 403
            csrf = re.search(r'name="csrf_token" value="([^"]+)"',
                             client.get("/hr/login").text)
            data = {"csrf_token": csrf.group(1) if csrf else "", "generate": "1"}
            assert client.post(f"/hr/people/{person}/pin", data=data).status_code == 403
            assert client.post(f"/hr/people/{person}/badge", data=data).status_code == 403
    with _client(web_server) as client:
        log_in(client, "admin")
        assert client.get(f"/hr/people/{person}/checkin").status_code == 200


def test_pin_needs_an_employee_code_and_credentials_go_with_the_person(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        nameless = people.create_person(session, "No Code Person", actor="test").id
    with _client(web_server) as client:
        client.get("/hr/lang/en")
        log_in(client, "hr")
        token = page_csrf(client, "/hr/people")
        refused = client.post(f"/hr/people/{nameless}/pin",
                              data={"csrf_token": token, "generate": "1"})
        assert "employee code first" in refused.text
        badge = client.post(f"/hr/people/{nameless}/badge", data={"csrf_token": token})
        assert badge.status_code == 200 and _badge_image(badge.text).size > 0
        assert client.get(f"/hr/people/{uuid.uuid4()}/checkin").status_code == 404
    with transaction(sessions) as session:
        assert session.get(AltCheckinCredential, nameless) is not None
        people.erase_person(session, nameless, "hr")
    with transaction(sessions) as session:
        assert session.get(AltCheckinCredential, nameless) is None


def test_a_person_who_leaves_loses_pin_and_badge_everywhere(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session]) -> None:
    credential = provision_kiosk(sessions, web_server.url, "gate").credential
    leaver = staffing.ops_c
    with transaction(sessions) as session:
        alt_checkin.issue_pin(session, leaver, "hr", "7391")
        alt_checkin.issue_badge(session, leaver, "hr")
    assert "pin_hash" in _person_changes(web_server, credential, leaver)[-1]["data"]
    with _client(web_server) as client:
        log_in(client, "hr")
        token = page_csrf(client, "/hr/people")
        client.post(f"/hr/people/{leaver}/active", data={"csrf_token": token, "active": "0"})
    latest = _person_changes(web_server, credential, leaver)[-1]["data"]
    assert latest["active"] is False
    assert "pin_hash" not in latest and "badge_hash" not in latest  # kiosks drop them
    with transaction(sessions) as session:
        assert session.get(AltCheckinCredential, leaver) is None
