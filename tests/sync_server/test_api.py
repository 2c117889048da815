"""Provisioning, revocation, registry, people, enrollment uploads and the change feed."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime

import cv2
import httpx
import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.errors import AuthError
from kiosk.store import Punch, PunchKind, PunchSource
from kiosk.sync import DeviceReport, SyncClient, provision
from protocol.feed import FeedEntity, FeedOp
from sync_server.db.engine import transaction
from sync_server.db.models import Change, Chip, Kiosk, Template
from sync_server.service import feed, kiosk_enrolments, kiosks
from tests.sync_server.helpers import RECOGNIZER, add_person, make_admin, provision_kiosk
from tests.sync_server.live import LiveServer


def _png_chip() -> bytes:
    pixels = np.random.default_rng(2).integers(0, 255, (112, 112, 3), dtype=np.uint8)
    return bytes(cv2.imencode(".png", pixels)[1].tobytes())


def _enrollment(person_id: uuid.UUID, recognizer: str = RECOGNIZER,
                consent: bool = True) -> dict[str, object]:
    vectors = np.random.default_rng(1).normal(size=(2, 128)).astype("<f4")
    body: dict[str, object] = {
        "person_id": str(person_id), "recognizer_id": recognizer,
        "embeddings": [base64.b64encode(v.tobytes()).decode() for v in vectors],
        "chips": [{"image": base64.b64encode(_png_chip()).decode(),
                   "image_format": "png", "alignment": {"template": "arcface-112"}}],
    }
    if consent:
        body["consent"] = {"id": str(uuid.uuid4()), "given_at": datetime.now(UTC).isoformat(),
                           "notice_version": "2026-01", "collected_by": "HR officer"}
    return body


def test_provisioning_code_works_once(live_server: LiveServer,
                                      sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        _kiosk_id, code = kiosks.create_provisioning_code(session, "lobby", ttl_s=600, actor="test")
    first = provision(live_server.url, code.lower(), DeviceReport(recognizer_id=RECOGNIZER),
                      verify_tls=False)
    with pytest.raises(AuthError):
        provision(live_server.url, code, DeviceReport(), verify_tls=False)
    with SyncClient(first, verify_tls=False) as client:
        client.heartbeat(DeviceReport(software_version="1.2.3", backlog=7, clock_offset_s=0.25))
        assert client.clock_offset_s is not None and abs(client.clock_offset_s) < 5
    with sessions() as session:
        kiosk = session.get(Kiosk, first.kiosk_id)
        assert kiosk is not None and kiosk.credential_hash is not None
        assert first.credential.split(".")[1] not in kiosk.credential_hash  # only a hash stored
        assert (kiosk.software_version, kiosk.backlog, kiosk.recognizer_id) == (
            "1.2.3", 7, RECOGNIZER)
        assert kiosk.last_seen_at is not None and kiosk.clock_offset_s == 0.25


def test_revoked_kiosk_is_refused_and_rotation_replaces_the_credential(
        live_server: LiveServer, sessions: sessionmaker[Session]) -> None:
    credential = provision_kiosk(sessions, live_server.url, "gate-2")
    with SyncClient(credential, verify_tls=False) as client:
        new = client.rotate_credential()
        assert new.credential != credential.credential
        client.heartbeat(DeviceReport())
    with SyncClient(credential, verify_tls=False) as stale, pytest.raises(AuthError):
        stale.heartbeat(DeviceReport())
    with transaction(sessions) as session:
        kiosks.revoke(session, "gate-2", actor="test")
    punch = Punch(id=uuid.uuid4(), person_id=uuid.uuid4(), kind=PunchKind.AUTO,
                  source=PunchSource.FACE, captured_at=datetime.now(UTC), clock_offset_s=None)
    with SyncClient(new, verify_tls=False) as client, pytest.raises(AuthError, match="403"):
        client.push_punches([punch])


def test_people_need_an_admin_and_list_by_department(live_server: LiveServer,
                                                      sessions: sessionmaker[Session]) -> None:
    auth = make_admin(sessions)
    with httpx.Client(base_url=live_server.url) as http:
        assert http.post("/api/v1/people", json={"display_name": "X"}).status_code == 401
        assert http.get("/api/v1/people", auth=(auth[0], "wrong password!")).status_code == 401
        for name, dept in (("Tran Thi B", "Finance"), ("Le Van C", "Legal")):
            made = http.post("/api/v1/people", auth=auth,
                             json={"display_name": name, "department": dept})
            assert made.status_code == 201, made.text
        finance = http.get("/api/v1/people", params={"department": "Finance"}, auth=auth)
        empty_name = http.post("/api/v1/people", auth=auth, json={"display_name": ""})
    assert [p["display_name"] for p in finance.json()] == ["Tran Thi B"]
    assert empty_name.status_code == 422
    assert empty_name.headers["content-type"] == "application/problem+json"


def test_template_upload_needs_consent_and_reaches_the_feed_once_approved(
        live_server: LiveServer, sessions: sessionmaker[Session]) -> None:
    person = add_person(sessions)
    credential = provision_kiosk(sessions, live_server.url, "gate-3")
    headers = {"Authorization": f"Bearer {credential.credential}"}
    with httpx.Client(base_url=live_server.url, headers=headers) as http:
        refused = http.post("/api/v1/templates", json=_enrollment(person, consent=False))
        unknown = http.post("/api/v1/templates", json=_enrollment(uuid.uuid4()))
        bad_vector = _enrollment(person)
        bad_vector["embeddings"] = ["not base64!"]
        garbled = http.post("/api/v1/templates", json=bad_vector)
        with sessions() as session:
            assert session.scalars(select(Template)).first() is None
        stored = http.post("/api/v1/templates", json=_enrollment(person))
    assert refused.status_code == 422 and garbled.status_code == 422
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"
    assert stored.status_code == 201, stored.text
    with SyncClient(credential, verify_tls=False) as client:
        pending = client.pull_feed(0)
        with transaction(sessions) as session:
            (enrolment,) = kiosk_enrolments.list_pending(session)
            kiosk_enrolments.approve(session, enrolment.id, "hr-1")
        page = client.pull_feed(0)
    assert [c.entity.value for c in pending.changes] == ["person"]
    kinds = [(c.entity.value, c.op.value) for c in page.changes]
    assert kinds == [("person", "upsert"), ("template", "upsert"), ("template", "upsert")]


def test_feed_pages_in_order_and_filters_templates_by_recognizer(
        live_server: LiveServer, sessions: sessionmaker[Session]) -> None:
    credential = provision_kiosk(sessions, live_server.url, "gate-4")
    with transaction(sessions) as session:
        for index in range(25):
            recognizer = RECOGNIZER if index % 2 else "other-recognizer"
            feed.publish(session, FeedEntity.TEMPLATE, FeedOp.UPSERT, uuid.uuid4(),
                         {"n": index}, recognizer_id=recognizer)
            feed.publish(session, FeedEntity.HOLIDAY, FeedOp.UPSERT, uuid.uuid4(),
                         {"day": f"2026-12-{index + 1:02d}"})
    seen: list[int] = []
    entities: list[str] = []
    after = 0
    with SyncClient(credential, verify_tls=False) as client:
        while True:
            page = client.pull_feed(after, limit=7)
            seen += [c.seq for c in page.changes]
            entities += [c.entity.value for c in page.changes]
            after = page.next_cursor
            if not page.has_more:
                break
        assert client.pull_feed(after).changes == []
    assert seen == sorted(seen) and len(seen) == len(set(seen))
    assert entities.count("holiday") == 25 and entities.count("template") == 12


def test_erasure_forgets_feed_entries_and_tombstones_the_person(
        live_server: LiveServer, sessions: sessionmaker[Session]) -> None:
    auth = make_admin(sessions)
    person = add_person(sessions)
    credential = provision_kiosk(sessions, live_server.url, "gate-5")
    with httpx.Client(base_url=live_server.url) as http:
        http.post("/api/v1/templates", json=_enrollment(person),
                  headers={"Authorization": f"Bearer {credential.credential}"})
        with sessions() as session:
            newest_before = max(session.scalars(select(Change.seq)))
        assert http.delete(f"/api/v1/people/{person}", auth=auth).status_code == 204
        again = http.delete(f"/api/v1/people/{person}", auth=auth)
    assert again.status_code == 404
    with sessions() as session:
        assert session.scalars(select(Template)).all() == []
        assert session.scalars(select(Chip)).all() == []
        changes = session.scalars(select(Change)).all()
    assert [(c.entity, c.op, c.entity_id) for c in changes] == [("person", "delete", person)]
    assert changes[0].seq > newest_before  # never reused: it must reach kiosks past it


def test_openapi_document_and_server_clock_header(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url) as http:
        document = http.get("/openapi.json")
        missing = http.get("/api/v1/nowhere")
    assert document.status_code == 200
    assert {"/api/v1/punches", "/api/v1/feed", "/api/v1/kiosks/provision",
            "/api/v1/people", "/api/v1/templates"} <= set(document.json()["paths"])
    stamp = datetime.fromisoformat(document.headers["x-server-time"])
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 5
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_device_registry_lists_what_kiosks_reported(live_server: LiveServer,
                                                    sessions: sessionmaker[Session]) -> None:
    auth = make_admin(sessions)
    credential = provision_kiosk(sessions, live_server.url, "gate-6")
    for index in range(3):  # the feed reaches seq 3, the cursor reported below
        add_person(sessions, f"Person {index}")
    with SyncClient(credential, verify_tls=False) as client:
        client.heartbeat(DeviceReport(software_version="2.0.0", backlog=12,
                                      clock_offset_s=-1.5, feed_cursor=3))
    with httpx.Client(base_url=live_server.url) as http:
        refused = http.get("/api/v1/kiosks",
                           headers={"Authorization": f"Bearer {credential.credential}"})
        made = http.post("/api/v1/kiosks", json={"name": "gate-7"}, auth=auth)
        listed = http.get("/api/v1/kiosks", auth=auth).json()
    assert refused.status_code == 401  # a kiosk credential is not an admin login
    assert made.status_code == 201 and len(made.json()["code"]) == 11
    by_name = {k["name"]: k for k in listed}
    assert set(by_name) == {"gate-6", "gate-7"}
    six = by_name["gate-6"]
    assert (six["software_version"], six["backlog"], six["clock_offset_s"],
            six["feed_cursor"]) == ("2.0.0", 12, -1.5, 3)
    assert six["last_seen_at"] is not None and by_name["gate-7"]["provisioned_at"] is None


def test_lost_rotation_answer_does_not_lock_the_kiosk_out(
        live_server: LiveServer, sessions: sessionmaker[Session]) -> None:
    old = provision_kiosk(sessions, live_server.url, "gate-8")
    headers = {"Authorization": f"Bearer {old.credential}"}
    with httpx.Client(base_url=live_server.url, headers=headers) as http:
        first = http.post("/api/v1/kiosks/me/rotate").json()["credential"]  # "lost"
        assert http.post("/api/v1/kiosks/me/heartbeat", json={}).status_code == 204
        second = http.post("/api/v1/kiosks/me/rotate").json()["credential"]
    with httpx.Client(base_url=live_server.url) as http:
        def beat(credential: str) -> int:
            return http.post("/api/v1/kiosks/me/heartbeat", json={}, headers={
                "Authorization": f"Bearer {credential}"}).status_code

        assert beat(first) == 401  # superseded before it was ever used
        assert beat(second) == 204  # the new one is used: the grace ends
        assert beat(old.credential) == 401
        assert beat(second) == 204
