"""The "Refused attempts" review page and the retention of refused attempts, end to end.

Kiosks report refused attempts through the real event API (a real kiosk store and
``sync_once``), the page is read over HTTP from the real server on 127.0.0.1 (and the
thumbnail in Debian's Chromium), and the real retention job expires snapshots then rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import cv2
import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faceid.snapshot import face_snapshot_jpeg
from kiosk.store import open_store
from kiosk.sync import SyncClient, sync_once
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.event_models import KioskEventRow
from sync_server.db.models import Kiosk
from sync_server.db.web_models import AuditEntry
from sync_server.service.retention import RetentionPolicy, apply_retention
from sync_server.settings import RetentionSettings
from tests.conftest import need_shared
from tests.sync_server.helpers import provision_kiosk
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer, log_in
from tests.sync_server.web.scenario import ZONE
from tests.sync_server.web.test_browser import _log_in, browser  # noqa: F401

PAGE = "/hr/refused-attempts"


def _real_snapshot() -> bytes:
    """A face-region JPEG of the faces-dev phone replay, made as the kiosk makes it."""
    image = cv2.imread(str(need_shared("datasets") / "faces-dev" / "spoof" / "sf_replay_F2.jpg"))
    height, width = image.shape[:2]
    return face_snapshot_jpeg(image, (width * 0.3, height * 0.3, width * 0.4, height * 0.4))


def _report(server: WebServer, sessions: sessionmaker[Session], tmp_path: Path, kiosk: str,
            attempts: list[tuple[uuid.UUID | None, datetime, bytes | None]]) -> list[uuid.UUID]:
    """Record ``attempts`` (resembled person, time, snapshot) in a new kiosk's store and sync
    them to the server the way the kiosk does; returns the event ids."""
    credential = provision_kiosk(sessions, server.url, kiosk)
    store = open_store(tmp_path / kiosk / "kiosk.sqlite3")
    try:
        ids = [store.events.record("refused_attempt", {
            "reason": "liveness", "liveness_score": 0.0123, "threshold": 0.7, "frames": 4,
            "match_score": None if person is None else 0.8765}, person_id=person,
            occurred_at=at, attachment=jpeg).id for person, at, jpeg in attempts]
        with SyncClient(credential, verify_tls=False) as client:
            assert sync_once(store, client).events_pushed == len(ids)
    finally:
        store.close()
    return ids


@pytest.fixture
def reported(web_server: WebServer, sessions: sessionmaker[Session], staffing: Staffing,
             tmp_path: Path) -> dict[str, object]:
    """Kiosk "gate-a": a replay resembling An, with a snapshot, two days ago;
    kiosk "gate-b": a print resembling nobody, without snapshot, one hour ago."""
    jpeg = _real_snapshot()
    now = utc_now()
    replay, = _report(web_server, sessions, tmp_path, "gate-a",
                      [(staffing.finance_a, now - timedelta(days=2), jpeg)])
    printed, = _report(web_server, sessions, tmp_path, "gate-b",
                       [(None, now - timedelta(hours=1), None)])
    return {"replay": replay, "printed": printed, "jpeg": jpeg, "now": now}


@contextmanager
def _client(server: WebServer, username: str) -> Iterator[httpx.Client]:
    """An HTTP client logged in as ``username`` ("" for nobody)."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        if username:
            assert log_in(client, username).status_code in (200, 303)
        yield client


def test_admin_and_hr_review_refused_attempts_with_filters_and_snapshots(
        web_server: WebServer, sessions: sessionmaker[Session],
        reported: dict[str, object]) -> None:
    replay, printed = reported["replay"], reported["printed"]
    for role in ("hr", "admin"):
        with _client(web_server, role) as client:
            page = client.get(PAGE)
            assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
            html = page.text
            assert f'data-id="{replay}"' in html and f'data-id="{printed}"' in html
            assert "Nguyen Van An" in html  # the identity the replay resembled
            assert "gate-a" in html and "gate-b" in html
            assert f"/refused-attempts/{replay}/snapshot" in html
            assert f"/refused-attempts/{printed}/snapshot" not in html
            assert 'href="/hr/refused-attempts"' in html  # the nav link

            thumb = client.get(f"{PAGE}/{replay}/snapshot")
            assert thumb.status_code == 200 and thumb.content == reported["jpeg"]
            assert thumb.headers["content-type"] == "image/jpeg"
            assert thumb.headers["cache-control"] == "no-store"
            assert client.get(f"{PAGE}/{printed}/snapshot").status_code == 404

    with sessions() as session:
        gate_b = session.scalar(select(Kiosk.id).where(Kiosk.name == "gate-b"))
    with _client(web_server, "hr") as client:
        client.cookies.set("lang", "en")
        assert f'<option value="{gate_b}">gate-b</option>' in client.get(PAGE).text
        only_b = client.get(PAGE, params={"kiosk": str(gate_b)}).text
        assert f'data-id="{printed}"' in only_b and f'data-id="{replay}"' not in only_b
        today = reported["now"].astimezone(ZONE).date()  # type: ignore[attr-defined]
        recent = client.get(PAGE, params={"start": today.isoformat(),
                                          "end": today.isoformat()}).text
        assert f'data-id="{printed}"' in recent and f'data-id="{replay}"' not in recent
        assert "Liveness check (photo or screen)" in recent
        bad = client.get(PAGE, params={"start": "yesterday"})
        assert bad.status_code == 422 and "“yesterday” is not a date." in bad.text


def test_leaders_staff_and_strangers_see_no_refused_attempts(
        web_server: WebServer, reported: dict[str, object]) -> None:
    replay = reported["replay"]
    for role in ("leader", "staff"):
        with _client(web_server, role) as client:
            assert client.get(PAGE).status_code == 403
            refused = client.get(f"{PAGE}/{replay}/snapshot")
            assert refused.status_code == 403 and refused.content != reported["jpeg"]
            assert 'id="nav-refused"' not in client.get("/hr/").text
    with _client(web_server, "") as anonymous:
        answer = anonymous.get(f"{PAGE}/{replay}/snapshot")
        assert answer.status_code in (303, 401) and answer.content != reported["jpeg"]


def test_retention_clears_snapshots_then_deletes_attempts_and_audits_it(
        web_server: WebServer, sessions: sessionmaker[Session],
        reported: dict[str, object]) -> None:
    replay, printed = reported["replay"], reported["printed"]
    now = reported["now"]
    assert isinstance(now, datetime)
    kept = RetentionSettings()  # the defaults a site gets: 30 days of snapshots, 365 of rows
    policy = RetentionPolicy(refused_snapshot_days=kept.refused_snapshot_days,
                             refused_attempt_days=kept.refused_attempt_days)
    with transaction(sessions) as session:
        early = apply_retention(session, policy, now=now + timedelta(days=27))
    assert (early.refused_snapshots, early.refused_attempts) == (0, 0)
    with transaction(sessions) as session:
        month = apply_retention(session, policy, now=now + timedelta(days=29))
    assert (month.refused_snapshots, month.refused_attempts) == (1, 0)
    with _client(web_server, "hr") as client:
        assert client.get(f"{PAGE}/{replay}/snapshot").status_code == 404
        html = client.get(PAGE).text
        assert f'data-id="{replay}"' in html and f"{replay}/snapshot" not in html
    with transaction(sessions) as session:
        year = apply_retention(session, policy, now=now + timedelta(days=364))
        left = set(session.scalars(select(KioskEventRow.id)))
    assert (year.refused_snapshots, year.refused_attempts) == (0, 1)
    assert left == {printed}
    with sessions() as session:
        entries = list(session.scalars(select(AuditEntry).where(
            AuditEntry.action == "retention.refused_attempts").order_by(AuditEntry.at)))
    assert [(e.actor, e.detail["snapshots_cleared"], e.detail["rows_deleted"])
            for e in entries] == [("retention-job", 1, 0), ("retention-job", 0, 1)]


@pytest.mark.timeout(120)
def test_the_snapshot_thumbnail_renders_for_hr_in_a_browser(
        web_server: WebServer, reported: dict[str, object], browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = browser.new_page()
    try:
        _log_in(page, web_server, "hr")
        page.click("#nav-refused")
        image = page.locator(f"tr[data-id='{reported['replay']}'] img.snapshot")
        image.wait_for()
        width = page.evaluate("(img) => img.naturalWidth", image.element_handle())
        assert width > 0  # the browser fetched and decoded the JPEG with the session cookie
        assert page.locator("tr.refused-attempt").count() == 2
    finally:
        page.close()



def test_the_retention_command_takes_its_periods_from_settings_or_options(
        server_settings, reported: dict[str, object], sessions: sessionmaker[Session],  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from sync_server.cli import main

    monkeypatch.setenv("SYNC_SERVER_DATABASE__URL", server_settings.database.url)
    monkeypatch.setenv("SYNC_SERVER_RETENTION__REFUSED_SNAPSHOT_DAYS", "1")  # a strict site
    assert main(["retention"]) == 0
    assert "cleared 1 refused-attempt snapshots; deleted 0 refused attempts" in (
        capsys.readouterr().out)
    assert main(["retention", "--refused-days", "1"]) == 0  # the option beats the setting
    assert "deleted 1 refused attempts" in capsys.readouterr().out
    with sessions() as session:
        assert set(session.scalars(select(KioskEventRow.id))) == {reported["printed"]}


def test_live_strangers_and_ambiguous_faces_read_in_words(
        web_server: WebServer, sessions: sessionmaker[Session], staffing: Staffing,
        tmp_path: Path) -> None:
    """The kiosk records a live stranger and a face too close to two people once per tracked
    face (kiosk.app.door_tracks); the admins' page names each reason in both languages."""
    credential = provision_kiosk(sessions, web_server.url, "gate-c")
    store = open_store(tmp_path / "gate-c" / "kiosk.sqlite3")
    try:
        ids = {reason: store.events.record("refused_attempt", {
            "reason": reason, "liveness_score": 0.91, "threshold": 0.3, "frames": 5,
            "match_score": score}, person_id=None, occurred_at=utc_now()).id
            for reason, score in (("stranger", 0.21), ("ambiguous", 0.58))}
        with SyncClient(credential, verify_tls=False) as client:
            assert sync_once(store, client).events_pushed == 2
    finally:
        store.close()
    words = {"en": ("Not recognized: nobody enrolled is close enough",
                    "Too close to two enrolled people to tell"),
             "vi": ("Không nhận diện được: không giống ai đã đăng ký",
                    "Giống hai người đã đăng ký, không phân biệt được")}
    with _client(web_server, "admin") as client:
        for language, (stranger, ambiguous) in words.items():
            client.cookies.set("lang", language)
            html = client.get(PAGE).text
            assert f'data-id="{ids["stranger"]}"' in html and stranger in html
            assert f'data-id="{ids["ambiguous"]}"' in html and ambiguous in html
            point = "." if language == "en" else ","
            assert f"0{point}21" in html and f"0{point}58" in html  # the best score seen
