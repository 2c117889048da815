"""Upload attacks against the real server on 127.0.0.1: XLSX bombs on every import,
polyglot and HTML chips, webhook nonces scoped per integration. Each is refused with a
message (a problem document on the API, the page's error on the web), never a 500."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import re
import time
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.engine import transaction
from sync_server.db.models import Person, Template
from sync_server.db.reminder_models import ReminderTask
from sync_server.service import datakeys, reminder_webhooks
from sync_server.web.imports import MAX_ROWS
from tests.sync_server.helpers import RECOGNIZER, add_person, provision_kiosk
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer, log_in, page_csrf

SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns='
              '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')


@pytest.fixture(autouse=True)
def _key_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def _cell_row(*texts: str) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in texts)
    return f"<row>{cells}</row>"


def _xlsx(sheet_rows: list[tuple[str, int]]) -> bytes:
    """A minimal XLSX whose sheet is ``(row xml, times)`` pairs, deflated: rows without
    ``r`` attributes repeat byte for byte, so a million of them pack into kilobytes."""
    from openpyxl import Workbook

    template = io.BytesIO()
    Workbook().save(template)
    source = zipfile.ZipFile(io.BytesIO(template.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(item.filename, source.read(item))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD.encode())
            for row, times in sheet_rows:
                block = row.encode() * 1000
                for _ in range(times // 1000):
                    sheet.write(block)
                sheet.write(row.encode() * (times % 1000))
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def _people_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count(Person.id))) or 0)


def _refusal(answer: httpx.Response) -> str:
    """The reason shown beside the upload's file field."""
    shown = re.search(r'<span class="field-error" id="error-[a-z-]+-upload">([^<]*)</span>',
                      answer.text)
    assert shown is not None, answer.text[:500]
    return shown.group(1)


def test_xlsx_bombs_are_refused_on_every_import(web_server: WebServer, staffing: Staffing,
                                                sessions: sessionmaker[Session]) -> None:
    rows_bomb = _xlsx([(_cell_row("name", "code"), 1), (_cell_row("Bom Hang Loat", ""),
                                                        150_000)])
    cell_bomb = _xlsx([(_cell_row("name"), 1), (_cell_row("x" * 1_000_000), 100)])
    assert len(rows_bomb) < 1024 * 1024 and len(cell_bomb) < 1024 * 1024  # under the limit
    before = _people_count(sessions)
    with httpx.Client(base_url=web_server.url, follow_redirects=True, timeout=120) as client:
        log_in(client, "hr")
        for path, page in (("/hr/people/import", "/hr/people"),
                           ("/hr/reminders-import", "/hr/reminders")):
            # the refusals read in the page's language (Vietnamese by default)
            for bomb, reason in ((rows_bomb, f"hơn {MAX_ROWS} dòng"),
                                 (cell_bomb, "giải nén")):
                began = time.perf_counter()
                answer = client.post(path, data={"csrf_token": page_csrf(client, page)},
                                     files={"upload": ("bomb.xlsx", bomb)})
                assert answer.status_code == 422 and answer.url.path == path, path
                assert reason in _refusal(answer), (path, reason)
                assert time.perf_counter() - began < 20, (path, reason)
    assert _people_count(sessions) == before
    with sessions() as session:
        assert session.scalar(select(func.count(ReminderTask.id))) == 0


def _png(pixels: np.ndarray) -> bytes:
    return bytes(cv2.imencode(".png", pixels)[1].tobytes())


def _jpeg(pixels: np.ndarray) -> bytes:
    return bytes(cv2.imencode(".jpg", pixels)[1].tobytes())


CHIP = np.random.default_rng(5).integers(0, 255, (112, 112, 3), dtype=np.uint8)
ZIP_TAIL = b"PK\x03\x04" + bytes(26) + b"evil.html<script>alert(1)</script>"


@pytest.mark.parametrize(("image", "image_format", "reason"), [
    (_jpeg(CHIP) + ZIP_TAIL, "jpeg", "follow the end"),  # a JPEG that is also a ZIP
    (_png(CHIP) + b"<html><script>alert(1)</script></html>", "png", "follow the end"),
    (b"<html><script>alert(1)</script></html>", "png", "not a png"),
], ids=["jpeg-zip", "png-html", "html"])
def test_polyglot_and_html_chips_are_refused(web_server: WebServer,
                                             sessions: sessionmaker[Session], image: bytes,
                                             image_format: str, reason: str) -> None:
    credential = provision_kiosk(sessions, web_server.url, "upload-gate")
    person_id = add_person(sessions, "Bui Van Da Dang")
    body = {"person_id": str(person_id), "recognizer_id": RECOGNIZER,
            "consent": {"id": str(uuid.uuid4()), "given_at": datetime.now(UTC).isoformat(),
                        "notice_version": "v1", "collected_by": "HR"},
            "embeddings": [base64.b64encode(np.ones(128, "<f4").tobytes()).decode()],
            "chips": [{"image": base64.b64encode(image).decode(), "image_format": image_format,
                       "alignment": {}}]}
    answer = httpx.post(web_server.url + "/api/v1/templates", json=body,
                        headers={"Authorization": f"Bearer {credential.credential}"})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert reason in answer.json()["detail"]
    with sessions() as session:
        assert session.scalar(select(func.count(Template.id))) == 0


def _signed(system: str, secret: str, body: bytes, nonce: str) -> dict[str, str]:
    timestamp = str(int(datetime.now(UTC).timestamp()))
    mac = hmac.new(secret.encode(), f"{timestamp}.{nonce}.".encode() + body, hashlib.sha256)
    return {"X-Integration": system, "X-Timestamp": timestamp, "X-Nonce": nonce,
            "X-Signature": "sha256=" + mac.hexdigest(), "Content-Type": "application/json"}


def test_webhook_nonces_are_scoped_per_integration(web_server: WebServer,
                                                   sessions: sessionmaker[Session]) -> None:
    add_person(sessions, "Tran Van Duc", department="Finance")
    with transaction(sessions) as session:
        hrm = reminder_webhooks.create_integration(session, "hrm", actor="admin")
        erp = reminder_webhooks.create_integration(session, "erp", actor="admin")
    url = web_server.url + "/api/v1/webhooks/tasks"
    nonce = "shared-nonce-0001"

    def task(external_id: str) -> bytes:
        return json.dumps({"external_id": external_id, "title": "Budget review",
                           "department": "Finance"}).encode()

    first = httpx.post(url, content=task("H-1"), headers=_signed("hrm", hrm.secret,
                                                                 task("H-1"), nonce))
    assert first.status_code == 201, first.text
    # Another integration that happens to use the same nonce is not replaying anything.
    other = httpx.post(url, content=task("E-1"), headers=_signed("erp", erp.secret,
                                                                 task("E-1"), nonce))
    assert other.status_code == 201, other.text
    replay = httpx.post(url, content=task("H-2"), headers=_signed("hrm", hrm.secret,
                                                                  task("H-2"), nonce))
    assert replay.status_code == 401 and "replayed" in replay.json()["detail"]


@pytest.mark.parametrize(("attachment", "reason"), [
    (b"<html><script>alert('snapshot')</script></html>", "not a jpeg"),
    (_jpeg(CHIP) + ZIP_TAIL, "follow the end"),
], ids=["html", "jpeg-zip"])
def test_event_attachments_must_be_jpeg_snapshots(web_server: WebServer,
                                                  sessions: sessionmaker[Session],
                                                  attachment: bytes, reason: str) -> None:
    """A refused attempt's snapshot is served to HR later: it must be the JPEG it claims."""
    credential = provision_kiosk(sessions, web_server.url, "snapshot-gate")
    event = {"id": str(uuid.uuid4()), "kind": "refused_attempt",
             "occurred_at": datetime.now(UTC).isoformat(),
             "attachment": base64.b64encode(attachment).decode()}
    answer = httpx.post(web_server.url + "/api/v1/events", json={"events": [event]},
                        headers={"Authorization": f"Bearer {credential.credential}"})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert reason in answer.json()["detail"]
    good = {**event, "id": str(uuid.uuid4()),
            "attachment": base64.b64encode(_jpeg(CHIP)).decode()}
    answer = httpx.post(web_server.url + "/api/v1/events", json={"events": [good]},
                        headers={"Authorization": f"Bearer {credential.credential}"})
    assert answer.status_code == 200, answer.text
