"""Security headers, rate limits, kiosk scoping and data-subject access on a real server."""

from __future__ import annotations

import base64
import re
import socket
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from kiosk.store import Chip, Consent
from kiosk.sync import SyncClient
from sync_server.api import ratelimit
from sync_server.api.deps import ADMIN_THROTTLE
from sync_server.db.engine import transaction
from sync_server.service import access, datakeys
from tests.sync_server.helpers import RECOGNIZER, add_person, make_admin, provision_kiosk
from tests.sync_server.live import LiveServer


@pytest.fixture(autouse=True)
def _key_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def test_security_headers_on_api_errors_and_docs(live_server: LiveServer) -> None:
    for path, strict in (("/api/v1/health", True), ("/api/v1/people", True),
                         ("/nowhere", True), ("/docs", False)):
        answer = httpx.get(live_server.url + path)
        headers = answer.headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert ("default-src 'self'" in headers["content-security-policy"]) is strict
    big = httpx.post(live_server.url + "/api/v1/punches", content=b"x" * (2 * 1024 * 1024))
    assert big.status_code == 413 and big.headers["x-content-type-options"] == "nosniff"


def test_provisioning_is_rate_limited(live_server: LiveServer) -> None:
    statuses = [httpx.post(live_server.url + "/api/v1/kiosks/provision",
                           json={"code": f"WRONG-{n:05d}"}).status_code
                for n in range(ratelimit.PROVISION_ATTEMPTS + 2)]
    assert set(statuses[:ratelimit.PROVISION_ATTEMPTS]) == {401}
    assert statuses[-1] == 429


def test_admin_login_is_slowed_down_after_failures(live_server: LiveServer,
                                                   sessions: sessionmaker[Session]) -> None:
    username, password = make_admin(sessions)
    url = live_server.url + "/api/v1/people"
    assert httpx.get(url, auth=(username, password)).status_code == 200
    for _ in range(ADMIN_THROTTLE.free["p"]):
        assert httpx.get(url, auth=(username, "wrong password!")).status_code == 401
    # From this address, even the right password waits out the delay.
    assert httpx.get(url, auth=(username, password)).status_code == 429


def test_kiosk_credentials_are_scoped(live_server: LiveServer,
                                      sessions: sessionmaker[Session]) -> None:
    credential = provision_kiosk(sessions, live_server.url, "lobby")
    bearer = {"Authorization": f"Bearer {credential.credential}"}
    for method, path in (("GET", "/api/v1/people"), ("GET", "/api/v1/kiosks"),
                         ("POST", "/api/v1/kiosks/lobby/revoke"),
                         ("GET", "/api/v1/people/access-requests"),
                         ("DELETE", f"/api/v1/people/{uuid.uuid4()}")):
        assert httpx.request(method, live_server.url + path, headers=bearer).status_code \
            == 401, path
    # Another kiosk's credential with this kiosk's id does not authenticate.
    forged = f"{credential.kiosk_id}.not-the-secret"
    answer = httpx.get(live_server.url + "/api/v1/feed",
                       headers={"Authorization": f"Bearer {forged}"})
    assert answer.status_code == 401


def test_access_request_log_and_export(live_server: LiveServer,
                                       sessions: sessionmaker[Session]) -> None:
    credential = provision_kiosk(sessions, live_server.url, "hall")
    person_id = add_person(sessions, "Vo Thi D")
    chip = bytes(cv2.imencode(".png", np.zeros((112, 112, 3), np.uint8))[1].tobytes())
    with SyncClient(credential, timeout_s=5, verify_tls=False) as client:
        client.upload_enrollment(person_id, RECOGNIZER,
                                 Consent(person_id, datetime.now(UTC), "v3", "HR"),
                                 np.ones((1, 128), np.float32), [Chip(chip, "png", {})])
    with transaction(sessions) as session:  # an old request, now overdue
        old = access.open_request(session, person_id, "letter",
                                  received_at=datetime.now(UTC) - timedelta(days=31))
        old_id = old.id
    with httpx.Client(base_url=live_server.url + "/api/v1/people",
                      auth=make_admin(sessions)) as admin:
        opened = admin.post(f"/{person_id}/access-requests")
        assert opened.status_code == 201
        request = opened.json()
        due = datetime.fromisoformat(request["due_at"]) - \
            datetime.fromisoformat(request["received_at"])
        assert due == timedelta(days=30) and request["overdue"] is False
        log = {r["id"]: r for r in admin.get("/access-requests").json()}
        assert log[str(old_id)]["overdue"] is True
        export = admin.get(f"/{person_id}/export", params={"request_id": request["id"]}).json()
        data = export["data"]
        assert data["person"]["display_name"] == "Vo Thi D"
        assert len(data["templates"]) == 1 and data["consents"][0]["notice_version"] == "v3"
        assert data["chips"][0]["image_base64"]  # the face image, decrypted for the person
        assert "- Mẫu khuôn mặt: 1 (" in export["summary"]  # the person's language
        assert "Dữ liệu đang lưu về Vo Thi D" in export["summary"]
        assert not re.search(r"\b(Data|Status|Face|Consent|punches)\b", export["summary"])
        english = admin.get(f"/{person_id}/export", params={"language": "en"}).json()
        assert "Face templates: 1" in english["summary"]
        open_ids = {r["id"] for r in admin.get("/access-requests",
                                               params={"open_only": True}).json()}
        assert request["id"] not in open_ids and str(old_id) in open_ids


@pytest.mark.parametrize("image, image_format, reason", [
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "png", "decode"),  # header only: does not decode
    (bytes(cv2.imencode(".png", np.zeros((1200, 1200, 3), np.uint8))[1].tobytes()), "png",
     "pixels"),  # tiny file, 1.44 megapixels: a decompression-bomb shape
    (bytes(cv2.imencode(".png", np.zeros((112, 112, 3), np.uint8))[1].tobytes()), "jpeg",
     "not a jpeg"),
])
def test_chip_uploads_are_validated(live_server: LiveServer, sessions: sessionmaker[Session],
                                    image: bytes, image_format: str, reason: str) -> None:
    credential = provision_kiosk(sessions, live_server.url, "upload-gate")
    person_id = add_person(sessions, "Bui Van E")
    body = {"person_id": str(person_id), "recognizer_id": RECOGNIZER,
            "consent": {"id": str(uuid.uuid4()), "given_at": datetime.now(UTC).isoformat(),
                        "notice_version": "v1", "collected_by": "HR"},
            "embeddings": [base64.b64encode(np.ones(128, "<f4").tobytes()).decode()],
            "chips": [{"image": base64.b64encode(image).decode(), "image_format": image_format,
                       "alignment": {}}]}
    answer = httpx.post(live_server.url + "/api/v1/templates", json=body,
                        headers={"Authorization": f"Bearer {credential.credential}"})
    assert answer.status_code == 422, (reason, answer.text)
    with sessions() as session:
        from sync_server.db.models import Template

        assert session.query(Template).count() == 0  # nothing stored


def test_photo_uploads_get_their_own_larger_body_limit(live_server: LiveServer) -> None:
    """2 MiB is over the API limit (1 MiB in these tests) but within the upload limit: the
    enrolment routes get past the size check (and stop at login), every other route gets 413."""
    body = b"x" * (2 * 1024 * 1024)
    person = uuid.uuid4()
    for path in ("/hr/people/enrol-zip", f"/hr/people/{person}/enrol"):
        answer = httpx.post(live_server.url + path, content=body, timeout=30,
                            headers={"content-type": "application/octet-stream"})
        assert answer.status_code in (303, 401, 403), (path, answer.status_code)
    for path in ("/hr/people/import", f"/hr/people/{person}/active", "/hr/login"):
        answer = httpx.post(live_server.url + path, content=body, timeout=30)
        assert answer.status_code == 413, path
    # A declared length over the upload limit is refused before any byte is read.
    huge = live_server.settings.api.max_upload_bytes + 1
    host, port = live_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        raw.sendall(f"POST /hr/people/enrol-zip HTTP/1.1\r\nHost: {host}\r\n"
                    f"Content-Length: {huge}\r\n\r\n".encode())
        assert raw.recv(4096).startswith(b"HTTP/1.1 413")
