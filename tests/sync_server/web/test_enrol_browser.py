"""Playwright driving Debian's Chromium: HR enrolls a face by choosing photos on the person's
page (the real server on 127.0.0.1, the session's installed models, faces-dev photos)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync_server.settings import ServerSettings
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.enrol_fixtures import enrol_settings, lfw_photos
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.test_browser import _log_in, browser  # noqa: F401  (fixture)


@pytest.fixture
def server_settings(tmp_path: Path, installed_models: Path) -> ServerSettings:
    return enrol_settings(tmp_path / "server", installed_models)


@pytest.mark.timeout(120)
def test_hr_enrols_a_face_by_uploading_photos_in_the_browser(
        browser, web_server: WebServer, staffing: Staffing,  # noqa: F811
        faces_dev: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, web_server, "hr")
    page.wait_for_selector("#nav-today")
    page.click("#lang-en")
    page.goto(f"{web_server.url}/hr/people")
    page.click(f"tr[data-person='{staffing.finance_b}'] a.enrol-face")
    page.wait_for_selector("#enrol-form")
    assert page.inner_text("#template-count") == "0"
    photos = [*lfw_photos(faces_dev, "Tony_Blair")[:3], faces_dev / "no_face" / "cat.png"]
    page.set_input_files("#enrol-form input[name=photos]", [str(p) for p in photos])
    page.fill("#enrol-form input[name=notice_version]", "notice-v2")
    page.fill("#enrol-form input[name=collected_by]", "HR desk")
    page.click("#enrol-form button[type=submit]")
    page.wait_for_selector("#verdicts")
    assert page.inner_text("#template-count") == "3"
    assert page.inner_text("#enrol-stored").strip().endswith("3")
    assert "Rejected: no face found" in page.inner_text("tr[data-photo='cat.png']")
    for photo in photos[:3]:
        assert page.get_attribute(f"tr[data-photo='{photo.name}']", "data-reason") == \
            "accepted"
    assert page.is_visible("#consent-on-record")
    context.close()
