"""A kiosk is not an administrator: each attack a stolen kiosk credential allowed, tried
against the real server on 127.0.0.1 (SQLite and PostgreSQL), and what HR sees.

Kiosk "gate-a" holds one person (An, Finance: enrolled on the server, feed applied by a
real kiosk store); Cuong (Operations) was never sent to it. The attacker talks to the API
with gate-a's credential directly (httpx), as a copied credential allows.
"""

from __future__ import annotations

import base64
import csv
import io
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.store import KioskStore, open_store
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.db.engine import transaction
from sync_server.db.models import Punch
from sync_server.db.web_models import AuditEntry
from sync_server.service import datakeys, people
from tests.sync_server.helpers import RECOGNIZER, provision_kiosk
from tests.sync_server.web.conftest import Staffing, staffing, web_server  # noqa: F401
from tests.sync_server.web.live_web import WebServer, log_in, page_csrf
from tests.sync_server.web.scenario import ZONE, local

VECTORS = np.random.default_rng(11).standard_normal((2, 128)).astype("<f4")
CHIP = bytes(cv2.imencode(".png", np.random.default_rng(12).integers(
    0, 255, (112, 112, 3), dtype=np.uint8))[1].tobytes())


@pytest.fixture(autouse=True)
def _key_file_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("KIOSK_DATA_KEY", raising=False)
    monkeypatch.delenv("KIOSK_DATA_KEY_FILE", raising=False)


@dataclass
class Site:
    server: WebServer
    sessions: sessionmaker[Session]
    staffing: Staffing
    gate_a: KioskCredential
    store_a: KioskStore
    attacker: httpx.Client  # gate-a's credential, used by hand
    hr: httpx.Client  # HR's web session

    def sync_a(self) -> None:
        with SyncClient(self.gate_a, timeout_s=10, verify_tls=False) as client:
            sync_once(self.store_a, client, recognizer_id=RECOGNIZER)


def _server_enrol(sessions: sessionmaker[Session], person_id: uuid.UUID) -> None:
    """HR enrols a person on the server (published to every kiosk of the recognizer)."""
    consent = people.ConsentIn(uuid.uuid4(), datetime.now(UTC), "notice-v2", "HR Pham")
    embeddings = [base64.b64encode(v.tobytes()).decode() for v in VECTORS]
    with transaction(sessions) as session:
        people.enroll(session, person_id, RECOGNIZER, consent, embeddings, [],
                      source_kiosk_id=None, actor="test")


@pytest.fixture
def site(web_server: WebServer, sessions: sessionmaker[Session],  # noqa: F811
         staffing: Staffing, tmp_path: Path) -> Iterator[Site]:  # noqa: F811
    _server_enrol(sessions, staffing.finance_a)
    gate_a = provision_kiosk(sessions, web_server.url, "gate-a")
    store_a = open_store(tmp_path / "gate-a.sqlite3")
    attacker = httpx.Client(base_url=web_server.url + "/api/v1", timeout=30,
                            headers={"Authorization": f"Bearer {gate_a.credential}"})
    hr = httpx.Client(base_url=web_server.url, timeout=30, cookies={"lang": "en"})
    hr.follow_redirects = True
    assert log_in(hr, "hr").status_code == 200
    made = Site(web_server, sessions, staffing, gate_a, store_a, attacker, hr)
    made.sync_a()  # gate-a now holds An's templates
    assert store_a.biometrics.recognizers_enrolled(staffing.finance_a) == [RECOGNIZER]
    yield made
    attacker.close()
    hr.close()
    store_a.close()


def _punch(person_id: uuid.UUID, at: datetime, offset_s: float = 0.0) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "person_id": str(person_id), "kind": "auto",
            "source": "face", "captured_at": at.isoformat(), "clock_offset_s": offset_s}


def _verdicts(answer: httpx.Response) -> dict[str, tuple[str, set[str]]]:
    assert answer.status_code == 200, answer.text
    return {v["id"]: (v["verdict"], set(v["reasons"])) for v in answer.json()["verdicts"]}


def _csv(answer: httpx.Response) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    return list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))


def _timesheet_day(site: Site, person_id: uuid.UUID, day: date) -> dict[str, str]:
    rows = _csv(site.hr.get(f"/hr/timesheet/{person_id}",
                            params={"month": day.strftime("%Y-%m"), "format": "csv"}))
    return next(row for row in rows if row["Day"] == day.isoformat())


def _lateness_row(site: Site, code: str, day: date) -> dict[str, str]:
    rows = _csv(site.hr.get("/hr/reports/lateness", params={
        "start": day.isoformat(), "end": day.isoformat(), "format": "csv"}))
    return next(row for row in rows if row["Code"] == code)


def _board_first_in(site: Site, person_id: uuid.UUID) -> str:
    board = site.hr.get("/hr/api/today").json()
    return next(str(entry["first_in"]) for entries in board["departments"].values()
                for entry in entries if entry["person_id"] == str(person_id))


def _approve_on_the_page(site: Site, punch_ids: list[str]) -> httpx.Response:
    page = site.hr.get("/hr/held-punches")
    for punch_id in punch_ids:
        assert f'value="{punch_id}"' in page.text
    return site.hr.post("/hr/held-punches", data={
        "csrf_token": page_csrf(site.hr, "/hr/held-punches"), "decision": "approve",
        "punch_id": punch_ids})


def test_forged_attendance_is_held_and_counts_only_once_hr_approves(site: Site) -> None:
    cuong = site.staffing.ops_c  # Operations: gate-a was never sent anything of his
    today = datetime.now(ZONE).date()
    past = today - timedelta(days=10)  # beyond the site's longest offline period (7 days)
    ahead = today + timedelta(days=30)
    forged = {
        "never_sent": _punch(cuong, datetime.now(UTC) - timedelta(minutes=1)),
        "past_in": _punch(cuong, local(past, 7, 55)),
        "past_out": _punch(cuong, local(past, 17, 5)),
        "ahead_in": _punch(cuong, local(ahead, 7, 55)),
        "ghost": _punch(uuid.uuid4(), datetime(2099, 1, 5, 7, 55, tzinfo=ZONE)),
        "minus_9h": _punch(site.staffing.finance_a, datetime.now(UTC) + timedelta(hours=9),
                           offset_s=-9 * 3600.0),
    }
    answer = site.attacker.post("/punches", json={"punches": list(forged.values())})
    verdicts = _verdicts(answer)
    assert answer.json()["acknowledged"] == [p["id"] for p in forged.values()]
    reasons = {name: verdicts[p["id"]] for name, p in forged.items()}
    assert reasons == {
        "never_sent": ("held", {"not_at_kiosk"}),
        "past_in": ("held", {"not_at_kiosk", "before_window"}),
        "past_out": ("held", {"not_at_kiosk", "before_window"}),
        "ahead_in": ("held", {"not_at_kiosk", "after_receipt"}),
        "ghost": ("held", {"unknown_person", "after_receipt"}),
        "minus_9h": ("held", {"clock_offset"}),
    }
    # Nothing counted: Cuong's forged day shows no check-in and no worked day, and the
    # today board does not show him in.
    assert _timesheet_day(site, cuong, past)["First in"] == ""
    assert _lateness_row(site, "O001", past)["Days worked"] == "0"
    assert _board_first_in(site, cuong) == ""
    # A replay gets the same answer; the held punches are listed for HR with the reasons.
    assert _verdicts(site.attacker.post("/punches", json={"punches": list(forged.values())})) \
        == verdicts
    page = site.hr.get("/hr/held-punches")
    assert page.status_code == 200 and page.text.count('class="held-punch"') == 6
    assert "dated before the kiosk&#39;s plausible window" in page.text or \
        "dated before the kiosk's plausible window" in page.text

    # HR approves three on the page: now (and only now) they count.
    approved = _approve_on_the_page(site, [forged["past_in"]["id"], forged["past_out"]["id"],
                                           forged["never_sent"]["id"]])
    assert approved.status_code == 200
    at = datetime.fromisoformat(forged["never_sent"]["captured_at"]).astimezone(ZONE)
    if at.date() == datetime.now(ZONE).date():  # (not when the punch fell before midnight)
        assert _board_first_in(site, cuong) == at.strftime("%H:%M")
    day = _timesheet_day(site, cuong, past)
    assert (day["First in"], day["Last out"]) == ("07:55", "17:05")
    assert _lateness_row(site, "O001", past)["Days worked"] == "1"
    with site.sessions() as session:
        reviews = {str(p.id): (p.review, p.reviewed_by) for p in session.scalars(select(Punch))}
        audited = list(session.scalars(select(AuditEntry.entity_id).where(
            AuditEntry.action == "punch.approve")))
    assert reviews[forged["past_in"]["id"]] == ("approved", "hr")
    assert reviews[forged["ahead_in"]["id"]] == ("held", None)
    assert sorted(audited) == sorted([forged["past_in"]["id"], forged["past_out"]["id"],
                                      forged["never_sent"]["id"]])
    # A punch of nobody cannot be approved (nothing to count it for); it can be rejected.
    ghost = site.hr.post("/hr/held-punches", data={
        "csrf_token": page_csrf(site.hr, "/hr/held-punches"), "decision": "approve",
        "punch_id": [forged["ghost"]["id"]]})
    assert "does not exist" in ghost.text
    site.hr.post("/hr/held-punches", data={
        "csrf_token": page_csrf(site.hr, "/hr/held-punches"), "decision": "reject",
        "punch_id": [forged["ghost"]["id"]]})
    with site.sessions() as session:
        assert session.get(Punch, uuid.UUID(forged["ghost"]["id"])).review == "rejected"  # type: ignore[union-attr]


def test_a_punch_from_the_kiosk_that_holds_the_person_counts_at_once(site: Site) -> None:
    an = site.staffing.finance_a
    punch = site.store_a.punches.record(an)
    site.sync_a()
    with site.sessions() as session:
        stored = session.get(Punch, punch.id)
        assert stored is not None and (stored.review, stored.hold_reasons) == ("accepted", None)
    today = datetime.now(ZONE).date()
    assert _timesheet_day(site, an, today)["First in"] != ""


def _upload(client: httpx.Client, person_id: uuid.UUID, given_at: datetime,
            new_person: dict[str, str] | None = None) -> httpx.Response:
    body: dict[str, Any] = {
        "person_id": str(person_id), "recognizer_id": RECOGNIZER,
        "consent": {"id": str(uuid.uuid4()), "given_at": given_at.isoformat(),
                    "notice_version": "notice-v2", "collected_by": "guard"},
        "embeddings": [base64.b64encode(np.random.default_rng(7).standard_normal(
            128).astype("<f4").tobytes()).decode()],
        "chips": [{"image": base64.b64encode(CHIP).decode(), "image_format": "png",
                   "alignment": {"size": 112}}]}
    if new_person is not None:
        body["new_person"] = new_person
    return client.post("/templates", json=body)


def _feed_templates(credential: KioskCredential) -> list[str]:
    """Person ids of the template entries in a kiosk's whole feed."""
    with SyncClient(credential, verify_tls=False) as client:
        page = client.pull_feed(0, 1000)
    return [str(c.data["person_id"]) for c in page.changes if c.entity.value == "template"]


def test_planted_templates_reach_no_other_kiosk_until_approved(site: Site) -> None:
    gate_b = provision_kiosk(site.sessions, site.server.url, "gate-b")
    cuong = site.staffing.ops_c
    planted = _upload(site.attacker, cuong, datetime.now(UTC))
    invented_id = uuid.uuid4()
    invented = _upload(site.attacker, invented_id, datetime.now(UTC),
                       {"display_name": "Invented Person", "department": "Finance"})
    assert planted.status_code == invented.status_code == 201
    assert str(cuong) not in _feed_templates(gate_b)
    with SyncClient(gate_b, verify_tls=False) as client:
        persons = [c.entity_id for c in client.pull_feed(0, 1000).changes
                   if c.entity.value == "person"]
    assert invented_id not in persons  # a person a kiosk made is not sent on either
    # Punches of Cuong by gate-a wait for the enrolment's review.
    answer = site.attacker.post("/punches", json={"punches": [
        _punch(cuong, datetime.now(UTC) - timedelta(seconds=30))]})
    assert list(_verdicts(answer).values()) == [("held", {"enrolment_pending"})]

    page = site.hr.get("/hr/kiosk-enrolments")
    assert page.status_code == 200 and page.text.count('class="kiosk-enrolment"') == 2
    chips = re.findall(r'src="(/hr/chips/[0-9a-f-]+)"', page.text)
    shown = site.hr.get(chips[0])
    assert shown.status_code == 200 and shown.content == CHIP
    assert shown.headers["cache-control"] == "no-store"
    enrolment = re.search(rf'data-id="([0-9a-f-]+)" data-person="{cuong}"', page.text)
    assert enrolment is not None
    approved = site.hr.post(f"/hr/kiosk-enrolments/{enrolment.group(1)}/approve",
                            data={"csrf_token": page_csrf(site.hr, "/hr/kiosk-enrolments")})
    assert approved.status_code == 200
    assert _feed_templates(gate_b).count(str(cuong)) == 1
    with site.sessions() as session:  # the punch held only for the enrolment now counts
        held = list(session.scalars(select(Punch).where(Punch.person_id == cuong)))
        assert [p.review for p in held] == ["approved"]
        assert session.scalar(select(AuditEntry.actor).where(
            AuditEntry.action == "enrolment.approved")) == "hr"
    # Rejecting the invented person's enrolment deletes them and what the kiosk sent.
    rest = re.search(r'data-id="([0-9a-f-]+)" data-person="' + str(invented_id),
                     site.hr.get("/hr/kiosk-enrolments").text)
    assert rest is not None
    site.hr.post(f"/hr/kiosk-enrolments/{rest.group(1)}/reject",
                 data={"csrf_token": page_csrf(site.hr, "/hr/kiosk-enrolments")})
    assert site.hr.get(f"/hr/timesheet/{invented_id}").status_code == 404
    assert str(invented_id) not in _feed_templates(gate_b)


def test_enrolments_per_person_and_kiosk_are_rate_limited(site: Site) -> None:
    answers = [_upload(site.attacker, site.staffing.finance_b, datetime.now(UTC)).status_code
               for _ in range(4)]
    assert answers == [201, 201, 201, 429]
    other = _upload(site.attacker, site.staffing.ops_c, datetime.now(UTC))
    assert other.status_code == 201  # the limit is per person


def test_consent_dated_before_a_withdrawal_is_refused(site: Site) -> None:
    an = site.staffing.finance_a
    before = datetime.now(UTC) - timedelta(minutes=5)
    with transaction(site.sessions) as session:
        people.withdraw_consent(session, an, requested_by="hr")
    answer = _upload(site.attacker, an, before)
    assert answer.status_code == 409, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert "withdrawal" in answer.json()["detail"]
    assert _upload(site.attacker, an, datetime.now(UTC)).status_code == 201  # a new consent


def test_erasure_is_confirmed_only_by_the_kiosk_that_applied_it(site: Site) -> None:
    an = site.staffing.finance_a
    with transaction(site.sessions) as session:
        record = people.withdraw_consent(session, an, requested_by="hr")
    admin = httpx.Client(base_url=site.server.url + "/api/v1", timeout=30,
                         auth=_api_admin(site.sessions))

    def pending() -> list[str]:
        status = admin.get(f"/people/erasures/{record.id}")
        assert status.status_code == 200, status.text
        return list(status.json()["pending_kiosks"])

    assert pending() == ["gate-a"]
    # Claiming a cursor beyond the feed, on the feed or in a heartbeat, is refused.
    far = 10 ** 12
    feed = site.attacker.get("/feed", params={"after": far})
    beat = site.attacker.post("/kiosks/me/heartbeat", json={"feed_cursor": far})
    assert (feed.status_code, beat.status_code) == (409, 409)
    assert feed.headers["content-type"] == "application/problem+json"
    assert pending() == ["gate-a"]
    # Reading the feed past the tombstone is no proof either.
    page = site.attacker.get("/feed", params={"after": 0}).json()
    assert site.attacker.get("/feed", params={"after": page["next_cursor"]}).status_code == 200
    assert pending() == ["gate-a"]
    # The real kiosk applies the tombstone and confirms that erasure, by its id.
    site.sync_a()
    assert site.store_a.biometrics.recognizers_enrolled(an) == []
    assert pending() == [] and site.store_a.feed.erasures_to_confirm() == []
    admin.close()


def _api_admin(sessions: sessionmaker[Session]) -> tuple[str, str]:
    from tests.sync_server.helpers import make_admin

    return make_admin(sessions, "api-admin")
