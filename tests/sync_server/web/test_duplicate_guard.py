"""The duplicate guard at server enrolment, on the real server over 127.0.0.1 with the
session's installed models and real faces-dev photos: the same face under a second name is
refused (web upload and ZIP import) naming the person already enrolled, until an admin
confirms they are different people; the pair is then listed, audited and published to the
kiosks as needing face + code."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.models import Change, Template
from sync_server.db.web_models import AuditEntry
from sync_server.settings import ServerSettings
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.enrol_fixtures import build_zip, enrol_settings, lfw_photos
from tests.sync_server.web.live_web import WebServer, log_in, page_csrf

pytestmark = [pytest.mark.shared]


@pytest.fixture
def server_settings(tmp_path: Path, installed_models: Path) -> ServerSettings:
    return enrol_settings(tmp_path / "server", installed_models)


@contextlib.contextmanager
def _client(server: WebServer, username: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, follow_redirects=True, timeout=120) as client:
        log_in(client, username)
        yield client


def _upload(client: httpx.Client, person: uuid.UUID, photos: list[Path],
            confirm: list[uuid.UUID] = ()) -> httpx.Response:  # type: ignore[assignment]
    token = page_csrf(client, f"/hr/people/{person}/enrol")
    data: dict[str, object] = {"csrf_token": token, "notice_version": "notice-v2",
                               "collected_by": "HR desk"}
    if confirm:
        data["confirm_different"] = [str(p) for p in confirm]
    return client.post(f"/hr/people/{person}/enrol", data=data, files=[
        ("photos", (p.name, p.read_bytes(), "image/jpeg")) for p in photos])


def _templates(sessions: sessionmaker[Session], person: uuid.UUID) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Template)
                                  .where(Template.person_id == person)) or 0)


def test_web_upload_refuses_a_second_name_until_an_admin_confirms_different_people(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session],
        faces_dev: Path) -> None:
    powell = lfw_photos(faces_dev, "Colin_Powell")
    with _client(web_server, "hr") as hr:
        assert _upload(hr, staffing.finance_a, powell[:4]).status_code == 200
        refused = _upload(hr, staffing.finance_b, powell[4:8])
        assert refused.status_code == 409
        assert "đã được đăng ký cho Nguyen Van An (F001)" in refused.text  # in Vietnamese
        assert f'data-person="{staffing.finance_a}"' in refused.text
        assert 'name="confirm_different"' not in refused.text  # HR cannot confirm
        # HR's tick is ignored: only an admin confirms different people
        again = _upload(hr, staffing.finance_b, powell[4:8], confirm=[staffing.finance_a])
        assert again.status_code == 409
        other = _upload(hr, staffing.ops_c, lfw_photos(faces_dev, "Tony_Blair")[:4])
        assert other.status_code == 200  # another face is not a duplicate
    assert _templates(sessions, staffing.finance_b) == 0
    with _client(web_server, "admin") as admin:
        offered = _upload(admin, staffing.finance_b, powell[4:8])
        assert offered.status_code == 409 and 'name="confirm_different"' in offered.text
        stored = _upload(admin, staffing.finance_b, powell[4:8], confirm=[staffing.finance_a])
        assert stored.status_code == 200, stored.text
        page = admin.get("/hr/people").text
    assert _templates(sessions, staffing.finance_b) >= 3
    pairs = re.search(r'<table class="data" id="lookalike-pairs">.*?</table>', page, re.S)
    assert pairs is not None
    assert "Nguyen Van An (F001)" in pairs.group(0) and "Pham Thi Binh (F002)" in pairs.group(0)
    with sessions() as session:
        flagged = {c.entity_id for c in session.scalars(
            select(Change).where(Change.entity == "person")) if c.data.get("needs_code")}
        audited = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "person.lookalike_confirmed")).all()
    assert flagged == {staffing.finance_a, staffing.finance_b}
    assert len(audited) == 1 and audited[0].actor == "admin"


def test_zip_import_refuses_one_face_under_two_codes(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session],
        faces_dev: Path) -> None:
    powell = lfw_photos(faces_dev, "Colin_Powell")
    blair = lfw_photos(faces_dev, "Tony_Blair")
    members = {f"F001/{p.name}": p.read_bytes() for p in powell[:3]}
    members |= {f"F002/{p.name}": p.read_bytes() for p in powell[3:6]}
    members |= {f"O001/{p.name}": p.read_bytes() for p in blair[:3]}
    with _client(web_server, "hr") as hr:
        token = page_csrf(hr, "/hr/people")
        answer = hr.post("/hr/people/enrol-zip", data={
            "csrf_token": token, "notice_version": "notice-v2", "collected_by": "HR desk"},
            files={"upload": ("faces.zip", build_zip(members), "application/zip")})
    assert answer.status_code == 200, answer.text
    rows = dict(re.findall(r'<tr data-code="([^"]+)"><td>[^<]*</td><td>[^<]*</td>'
                           r'<td class="num">(\d+)</td>', answer.text))
    assert rows == {"F001": "3", "F002": "0", "O001": "3"}
    assert "đã được đăng ký cho Nguyen Van An (F001)" in answer.text
    assert _templates(sessions, staffing.finance_b) == 0


def _kiosk_upload(server: WebServer, sessions: sessionmaker[Session], models_dir: Path,
                  person: uuid.UUID, photos: list[Path]) -> None:
    """A kiosk (provisioned over HTTP) uploads an enrolment of ``photos`` for ``person``,
    its templates made by the same pack as the server's."""
    from datetime import UTC, datetime

    from faceid.enrollment import enroll_images
    from faceid.imageio import read_image
    from faceid.packs import choose_auto_pack, load_pack
    from faceid.registry import load_registry
    from kiosk.store import Consent
    from kiosk.sync import SyncClient
    from tests.sync_server.helpers import provision_kiosk

    pack = load_pack(choose_auto_pack(load_registry(), models_dir) or "", models_dir)
    result = enroll_images(pack, [read_image(p) for p in photos])  # type: ignore[arg-type]
    credential = provision_kiosk(sessions, server.url, f"gate-{uuid.uuid4().hex[:6]}",
                                 pack.recognizer_id)
    with SyncClient(credential, verify_tls=False) as client:
        client.upload_enrollment(person, pack.recognizer_id,
                                 Consent(person, datetime.now(UTC), "notice-v2", "gate guard"),
                                 result.embeddings)


def _pending(sessions: sessionmaker[Session]) -> list[object]:
    from sync_server.service import kiosk_enrolments

    with sessions() as session:
        return list(kiosk_enrolments.list_pending(session))


def test_a_kiosk_upload_of_a_face_enrolled_as_someone_else_is_held_with_the_verdict(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session],
        faces_dev: Path, installed_models: Path) -> None:
    powell = lfw_photos(faces_dev, "Colin_Powell")
    with _client(web_server, "hr") as hr:
        assert _upload(hr, staffing.finance_a, powell[:4]).status_code == 200
    _kiosk_upload(web_server, sessions, installed_models, staffing.finance_b, powell[4:8])
    _kiosk_upload(web_server, sessions, installed_models, staffing.ops_c,
                  lfw_photos(faces_dev, "Tony_Blair")[:4])
    held = {e.person_id: e for e in _pending(sessions)}  # type: ignore[attr-defined]
    flagged = held[staffing.finance_b].lookalike
    assert flagged is not None and flagged.person_id == staffing.finance_a
    assert held[staffing.ops_c].lookalike is None  # another face is clear
    with _client(web_server, "hr") as hr:
        page = hr.get("/hr/kiosk-enrolments").text
        assert f'data-lookalike="{staffing.finance_a}"' in page
        assert "Nguyen Van An (F001)" in page
        token = page_csrf(hr, "/hr/kiosk-enrolments")
        hr.post(f"/hr/kiosk-enrolments/{held[staffing.finance_b].id}/approve",
                data={"csrf_token": token})
    assert staffing.finance_b in {e.person_id for e in _pending(sessions)}  # type: ignore
    with _client(web_server, "admin") as admin:
        token = page_csrf(admin, "/hr/kiosk-enrolments")
        answer = admin.post(f"/hr/kiosk-enrolments/{held[staffing.finance_b].id}/approve",
                            data={"csrf_token": token})
        assert answer.status_code == 200
    assert staffing.finance_b not in {e.person_id for e in _pending(sessions)}  # type: ignore
    with sessions() as session:
        marked = session.scalars(select(Change).where(
            Change.entity == "person", Change.entity_id.in_(
                [staffing.finance_a, staffing.finance_b]))).all()
        assert {c.entity_id for c in marked if c.data.get("needs_code")} == {
            staffing.finance_a, staffing.finance_b}
        confirmed = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "person.lookalike_confirmed")).all()
        assert [e.actor for e in confirmed] == ["admin"]
