"""A person's rolling templates on their page, in Chromium against a real server on
127.0.0.1: listed (count, when, which kiosk), removed by an admin only, audited, and dropped
by the kiosk that held it at its next sync (feed DELETE)."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import httpx
import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.store import KioskStore, open_store
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Change, Template
from sync_server.db.web_models import AuditEntry
from sync_server.service import datakeys, people, rolling_templates
from tests.sync_server.helpers import RECOGNIZER, provision_kiosk
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer, log_in
from tests.sync_server.web.test_browser import _log_in, browser  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _key_file_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def _vector(seed: int) -> str:
    values = np.random.default_rng(seed).normal(size=128).astype("<f4")
    return base64.b64encode((values / np.linalg.norm(values)).astype("<f4").tobytes()).decode()


def _enrol_with_rolling(sessions: sessionmaker[Session], person: uuid.UUID,
                        kiosk: KioskCredential) -> uuid.UUID:
    """Two enrolment templates, then one rolling template the kiosk kept; its id."""
    consent = people.ConsentIn(uuid.uuid4(), utc_now(), "notice-v3", "HR desk")
    with transaction(sessions) as session:
        people.enroll(session, person, RECOGNIZER, consent, [_vector(1), _vector(2)], [],
                      source_kiosk_id=None, actor="test")
    with transaction(sessions) as session:
        return rolling_templates.accept(session, kiosk.kiosk_id, "kiosk:gate-1", person,
                                        RECOGNIZER, consent.id, _vector(3), uuid.uuid4())


def _sync(credential: KioskCredential, store: KioskStore) -> None:
    with SyncClient(credential, timeout_s=10, verify_tls=False) as client:
        sync_once(store, client, recognizer_id=RECOGNIZER)


@pytest.mark.timeout(120)
def test_an_admin_removes_a_rolling_template_and_the_kiosk_drops_it(
        browser, web_server: WebServer, staffing: Staffing,  # noqa: F811
        sessions: sessionmaker[Session], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    person = staffing.finance_a
    gate = provision_kiosk(sessions, web_server.url, "gate-1")
    rolling = _enrol_with_rolling(sessions, person, gate)
    store = open_store(tmp_path / "kiosk" / "kiosk.sqlite3")
    try:
        _sync(gate, store)
        assert store.rolling.ids_for(person, RECOGNIZER) == [rolling]
        assert len(store.biometrics.templates_for(RECOGNIZER)[0]) == 3

        page = browser.new_context().new_page()
        _log_in(page, web_server, "hr")
        page.goto(f"{web_server.url}/hr/people/{person}/enrol")
        assert page.inner_text("#rolling h2") == "Mẫu khuôn mặt làm mới: 1"  # vi first
        row = f"#rolling tr[data-template='{rolling}']"
        assert page.inner_text(f"{row} .rolling-kiosk") == "gate-1"
        assert page.inner_text(f"{row} .rolling-when").strip()
        assert page.locator("#rolling form.rolling-remove").count() == 0  # HR: no remove
        with httpx.Client(base_url=web_server.url) as client:  # nor by hand
            log_in(client, "hr")
            refused = client.post(f"/hr/people/{person}/rolling/{rolling}/remove",
                                  data={"csrf_token": "x"})
            assert refused.status_code == 403

        admin = browser.new_context().new_page()
        admin.on("dialog", lambda dialog: dialog.accept())
        _log_in(admin, web_server, "admin")
        admin.goto(f"{web_server.url}/hr/people/{person}/enrol")
        admin.click(f"{row} form.rolling-remove button[type=submit]")
        admin.wait_for_selector("#rolling p.muted")
        assert admin.inner_text("#rolling h2") == "Mẫu khuôn mặt làm mới: 0"
        assert admin.inner_text("#template-count") == "2"  # the enrolment ones stay

        with sessions() as session:
            assert session.get(Template, rolling) is None
            assert session.scalars(select(Change.op).where(
                Change.entity_id == rolling).order_by(Change.seq)).all() == [
                    "upsert", "delete"]
            entry = session.scalars(select(AuditEntry).where(
                AuditEntry.action == "person.rolling_template_remove")).one()
        assert entry.actor == "admin" and entry.detail["template_id"] == str(rolling)
        _sync(gate, store)
        assert store.rolling.ids_for(person, RECOGNIZER) == []
        assert len(store.biometrics.templates_for(RECOGNIZER)[0]) == 2
        admin.goto(f"{web_server.url}/hr/audit")
        assert "đã gỡ một mẫu khuôn mặt làm mới của Nguyen Van An" in admin.inner_text("body")
    finally:
        store.close()
