"""Playwright driving Debian's Chromium: HR reviews a face enrolment made at a kiosk, its
chips beside the person's existing one, and approves it (the real server on 127.0.0.1,
real LFW photos from faces-dev as the chips)."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.engine import transaction
from sync_server.db.models import Template
from sync_server.service import people
from tests.sync_server.helpers import RECOGNIZER, provision_kiosk
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.enrol_fixtures import lfw_photos
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.test_browser import _log_in, browser  # noqa: F401  (fixture)


def _vector(seed: int) -> str:
    values = np.random.default_rng(seed).standard_normal(128).astype("<f4")
    return base64.b64encode(values.tobytes()).decode()


@pytest.mark.timeout(120)
def test_hr_compares_and_approves_a_kiosk_enrolment_in_the_browser(
        browser, web_server: WebServer, staffing: Staffing,  # noqa: F811
        sessions: sessionmaker[Session], faces_dev: Path) -> None:  # type: ignore[no-untyped-def]
    photos = [p.read_bytes() for p in lfw_photos(faces_dev, "Tony_Blair")[:3]]
    person = staffing.finance_b
    with transaction(sessions) as session:  # enrolled on the server earlier, one chip
        people.enroll(session, person, RECOGNIZER,
                      people.ConsentIn(uuid.uuid4(), datetime.now(UTC), "notice-v2", "HR"),
                      [_vector(1)], [people.ChipIn(photos[0], "jpeg", {"source": "lfw"})],
                      source_kiosk_id=None, actor="test")
    kiosk = provision_kiosk(sessions, web_server.url, "side-door")
    upload = httpx.post(f"{web_server.url}/api/v1/templates", timeout=30, headers={
        "Authorization": f"Bearer {kiosk.credential}"}, json={
        "person_id": str(person), "recognizer_id": RECOGNIZER,
        "consent": {"id": str(uuid.uuid4()), "given_at": datetime.now(UTC).isoformat(),
                    "notice_version": "notice-v2", "collected_by": "guard"},
        "embeddings": [_vector(2), _vector(3)],
        "chips": [{"image": base64.b64encode(photo).decode(), "image_format": "jpeg",
                   "alignment": {"source": "lfw"}} for photo in photos[1:]]})
    assert upload.status_code == 201, upload.text

    context = browser.new_context()
    page = context.new_page()
    _log_in(page, web_server, "hr")
    page.wait_for_selector("#nav-today")
    page.click("#lang-en")
    page.click("#nav-kiosk-enrolments")
    section = f"section.kiosk-enrolment[data-person='{person}']"
    page.wait_for_selector(section)
    assert "side-door" in page.inner_text(section)
    new = page.locator(f"{section} img.chip.new")
    existing = page.locator(f"{section} img.chip.existing")
    assert (new.count(), existing.count()) == (2, 1)
    for image in [*new.all(), *existing.all()]:  # decrypted and served, really displayed
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth === 250",
                               arg=image.element_handle())
    page.click(f"{section} button.approve")
    page.wait_for_selector(f"{section}", state="detached")
    assert "Nothing to show." in page.inner_text("main")
    page.goto(f"{web_server.url}/hr/audit")
    assert "HR hr approved Pham Thi Binh's face enrolment from a kiosk" in page.inner_text("#audit")
    context.close()
    with sessions() as session:  # approved: no template of the person awaits review
        assert list(session.scalars(select(Template.enrolment_id).where(
            Template.person_id == person))) == [None, None, None]
