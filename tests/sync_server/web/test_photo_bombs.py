"""Image bombs and HTML in a photo upload on the web enrolment page, against the real server
on 127.0.0.1 with the installed models: each file is refused from its header (per photo, as
"not an image"), the page answers 422 with the reason, nothing is stored, nothing is
reflected unescaped."""

from __future__ import annotations

import re
import struct
import time
import zlib
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.models import Template
from sync_server.settings import ServerSettings
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.enrol_fixtures import enrol_settings
from tests.sync_server.web.live_web import WebServer, log_in, page_csrf

HTML = b"<html><body><script>alert('photo')</script></body></html>"


@pytest.fixture
def server_settings(tmp_path: Path, installed_models: Path) -> ServerSettings:
    return enrol_settings(tmp_path / "server", installed_models)


def _png_bomb(side: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = zlib.compress(b"\x00" * (side + 1) * 64, 9)  # a few rows; the header says more
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows)
            + chunk(b"IEND", b""))


def _jpeg_bomb(side: int) -> bytes:
    data = bytearray(cv2.imencode(".jpg", np.full((16, 16, 3), 99, np.uint8))[1].tobytes())
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", side, side)
    return bytes(data)


def test_image_bombs_and_html_photos_are_refused(web_server: WebServer, staffing: Staffing,
                                                 sessions: sessionmaker[Session]) -> None:
    person = staffing.finance_a
    path = f"/hr/people/{person}/enrol"
    uploads = [("photos", ("bomb.png", _png_bomb(40_000), "image/png")),
               ("photos", ("bomb.jpg", _jpeg_bomb(60_000), "image/jpeg")),
               ("photos", ("page.jpg", HTML, "image/jpeg"))]
    with httpx.Client(base_url=web_server.url, follow_redirects=True, timeout=60) as client:
        log_in(client, "hr")
        began = time.perf_counter()
        answer = client.post(path, data={"csrf_token": page_csrf(client, path),
                                         "notice_version": "v2", "collected_by": "HR desk"},
                             files=uploads)
        elapsed = time.perf_counter() - began
    assert answer.status_code == 422, answer.status_code
    verdicts = dict(re.findall(r'data-photo="([^"]+)" data-reason="([^"]+)"', answer.text))
    assert verdicts == {"bomb.png": "not_an_image", "bomb.jpg": "not_an_image",
                        "page.jpg": "not_an_image"}, verdicts
    assert "<script>alert('photo')" not in answer.text
    assert elapsed < 20
    with sessions() as session:
        assert session.scalar(select(func.count(Template.id))) == 0
