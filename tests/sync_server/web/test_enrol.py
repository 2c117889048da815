"""Face enrollment on the server, through the web pages, on the real server over 127.0.0.1
with the session's installed models and real faces-dev photos: poor photos are rejected with
their reason, the templates reach a real kiosk store through the feed and recognize the
person there, the person page lists which kiosks hold them, and ZIP imports are checked."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from faceid.imageio import read_image
from faceid.matcher import Gallery, MatchDecision
from faceid.packs import ModelPack, load_pack
from kiosk.store import open_store
from kiosk.sync import DeviceReport, SyncClient, sync_once
from sync_server.db.models import Change, Chip, ConsentRecord, Template
from sync_server.settings import ServerSettings
from tests.sync_server.helpers import provision_kiosk
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.enrol_fixtures import (
    build_zip,
    enrol_settings,
    lfw_photos,
    zip_bomb,
    zip_with_symlink,
)
from tests.sync_server.web.live_web import WebServer, log_in, page_csrf


@pytest.fixture
def server_settings(tmp_path: Path, installed_models: Path) -> ServerSettings:
    """SQLite only here: the vision work is the same on both databases."""
    return enrol_settings(tmp_path / "server", installed_models)


@pytest.fixture(scope="module")
def pack(installed_models: Path) -> ModelPack:
    return load_pack("auto", installed_models)


@contextlib.contextmanager
def _hr(server: WebServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, follow_redirects=True, timeout=60) as client:
        log_in(client, "hr")
        yield client


def _files(paths: list[Path]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("photos", (p.name, p.read_bytes(), "image/jpeg")) for p in paths]


def _verdicts(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-photo="([^"]+)" data-reason="([^"]+)"', page))


def _count(sessions: sessionmaker[Session], model: type, person: uuid.UUID) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)
                                  .where(model.person_id == person)) or 0)  # type: ignore[attr-defined]


def _span(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', page)
    assert found is not None, f"no #{element_id} on the page"
    return found.group(1)


def test_upload_enrols_good_photos_rejects_poor_ones_and_a_kiosk_recognizes_the_person(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session],
        faces_dev: Path, pack: ModelPack, tmp_path: Path) -> None:
    person = staffing.finance_a
    powell = lfw_photos(faces_dev, "Colin_Powell")
    photos = [*powell[:4], faces_dev / "no_face" / "cat.png",
              faces_dev / "multi_face" / "obama-biden-2faces.jpg"]
    path = f"/hr/people/{person}/enrol"
    with _hr(web_server) as client:
        assert "enrol-form" in client.get(path).text
        token = page_csrf(client, path)
        # no consent on record and none given: refused before any photo is kept
        refused = client.post(path, data={"csrf_token": token}, files=_files(photos))
        assert refused.status_code == 422 and "Chưa có ghi nhận đồng ý" in refused.text
        assert _count(sessions, Template, person) == 0
        # fewer accepted photos than a kiosk needs (3): verdicts shown, nothing stored
        consent = {"notice_version": "notice-v2", "collected_by": "HR desk"}
        too_few = client.post(path, data={"csrf_token": token, **consent},
                              files=_files([powell[0], photos[4]]))
        assert too_few.status_code == 422 and 'id="enrol-problem"' in too_few.text
        assert _verdicts(too_few.text) == {powell[0].name: "accepted", "cat.png": "no_face"}
        assert _count(sessions, Template, person) == 0
        assert _count(sessions, ConsentRecord, person) == 0
        answer = client.post(path, data={"csrf_token": token, "notice_version": "notice-v2",
                                         "collected_by": "HR desk"}, files=_files(photos))
    assert answer.status_code == 200, answer.text
    assert _verdicts(answer.text) == {
        **{p.name: "accepted" for p in powell[:4]},
        "cat.png": "no_face", "obama-biden-2faces.jpg": "several_faces"}
    assert _span(answer.text, "template-count") == "4"
    assert _count(sessions, Template, person) == 4 and _count(sessions, Chip, person) == 4
    with sessions() as session:
        consent = session.scalars(select(ConsentRecord)
                                  .where(ConsentRecord.person_id == person)).one()
        assert (consent.notice_version, consent.collected_by) == ("notice-v2", "HR desk")
        chips = list(session.scalars(select(Chip.image).where(Chip.person_id == person)))
        assert not any(c.startswith(b"\x89PNG") for c in chips)  # stored encrypted
        published = list(session.scalars(select(Change.seq).where(
            Change.entity == "template", Change.recognizer_id == pack.recognizer_id)))
    assert len(published) == 4
    published_seq = max(published)

    # Three kiosks: two of the pack's recognizer, one of another. Before any sync none
    # holds the templates; after one kiosk pulls the feed (and heartbeats), it does.
    entrance = provision_kiosk(sessions, web_server.url, "entrance", pack.recognizer_id)
    hall = provision_kiosk(sessions, web_server.url, "hall", pack.recognizer_id)
    provision_kiosk(sessions, web_server.url, "old-gate", "sface-2021dec")
    with _hr(web_server) as client:
        before = client.get(path).text
    assert (_span(before, "held"), _span(before, "pending")) == ("-", "entrance, hall")
    assert _span(before, "other") == "old-gate"
    store = open_store(tmp_path / "kiosk" / "kiosk.sqlite3")
    try:
        with SyncClient(entrance, verify_tls=False) as kiosk_client:
            sync_once(store, kiosk_client, recognizer_id=pack.recognizer_id)
        owners, matrix = store.biometrics.templates_for(pack.recognizer_id)
    finally:
        store.close()
    assert owners == [person] * 4
    with _hr(web_server) as client:
        after = client.get(path).text
        listing = client.get("/hr/people").text
    assert (_span(after, "held"), _span(after, "pending")) == ("entrance", "hall")
    row = listing[listing.index("Nguyen Van An"):]  # the people list says the same
    row = row[:row.index("</tr>")]
    assert '<td class="holders">entrance<br><small>' in row and ": hall</small>" in row
    with SyncClient(hall, verify_tls=False) as hall_client:  # hall acknowledges the head
        hall_client.heartbeat(DeviceReport(recognizer_id=pack.recognizer_id,
                                           feed_cursor=published_seq))
    with _hr(web_server) as client:
        assert _span(client.get(path).text, "held") == "entrance, hall"

    # The kiosk's gallery recognizes Powell in a photo not used for enrollment, not a stranger.
    gallery = Gallery(pack.recognizer_id, pack.thresholds.match, pack.thresholds.margin)
    gallery.add(person, np.asarray(matrix), recognizer_id=pack.recognizer_id)

    def identify(photo: Path):  # type: ignore[no-untyped-def]
        image = read_image(photo)
        detection = max(pack.detector.detect(image), key=lambda d: d.box[2] * d.box[3])
        return gallery.identify(pack.embed_detections(image, [detection])[0])

    assert identify(powell[7]).person_id == person
    assert identify(faces_dev / "people" / "clapton-2.jpg").decision \
        is MatchDecision.BELOW_THRESHOLD


def test_zip_import_enrols_people_by_code_and_reports_rejections(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session],
        faces_dev: Path) -> None:
    powell = lfw_photos(faces_dev, "Colin_Powell")[:3]
    blair = lfw_photos(faces_dev, "Tony_Blair")[:3]
    cat = (faces_dev / "no_face" / "cat.png").read_bytes()
    members = {f"export/F001/{p.name}": p.read_bytes() for p in powell}  # folder per code
    members |= {f"export/f002_{i}.jpg": p.read_bytes() for i, p in enumerate(blair)}  # prefix
    members |= {"export/F002_cat.png": cat, "export/X999/someone.jpg": blair[0].read_bytes(),
                "export/notes.txt": b"not a photo"}
    with _hr(web_server) as client:
        token = page_csrf(client, "/hr/people")
        answer = client.post("/hr/people/enrol-zip", data={
            "csrf_token": token, "notice_version": "notice-v2", "collected_by": "HR desk"},
            files={"upload": ("faces.zip", build_zip(members), "application/zip")})
    assert answer.status_code == 200, answer.text
    rows = dict(re.findall(r'<tr data-code="([^"]+)"><td>[^<]*</td><td>[^<]*</td>'
                           r'<td class="num">(\d+)</td>', answer.text))
    assert rows == {"F001": "3", "F002": "3", "X999": "0"}  # f002_ files are F002's
    assert "Không có nhân viên mã X999" in answer.text
    assert _verdicts(answer.text) == {"export/F002_cat.png": "no_face"}
    assert _count(sessions, Template, staffing.finance_a) == 3
    assert _count(sessions, Template, staffing.finance_b) == 3


@pytest.mark.parametrize("archive,reason", [
    (lambda p: build_zip({"../F001_evil.jpg": p}), "ra ngoài thư mục"),
    (lambda p: build_zip({"/tmp/F001_abs.jpg": p}), "đường dẫn tuyệt đối"),
    (lambda p: zip_with_symlink("F001_link.jpg", "/etc/passwd"), "liên kết tượng trưng"),
    (lambda p: build_zip({f"F001/{i}.txt": b"" for i in range(5001)}), "có 5001 tệp"),
    (lambda p: zip_bomb("F001/bomb.jpg", 24), "nén quá mức"),
    (lambda p: zip_bomb("F001/huge.jpg", 520), "giải nén sẽ lớn hơn"),
], ids=["traversal", "absolute", "symlink", "too-many", "ratio-bomb", "total-bomb"])
def test_unsafe_zip_is_refused_and_nothing_is_enrolled(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session],
        faces_dev: Path, archive, reason: str) -> None:  # type: ignore[no-untyped-def]
    photo = lfw_photos(faces_dev, "Colin_Powell")[0].read_bytes()
    with _hr(web_server) as client:
        token = page_csrf(client, "/hr/people")
        answer = client.post("/hr/people/enrol-zip", data={
            "csrf_token": token, "notice_version": "v", "collected_by": "HR"},
            files={"upload": ("faces.zip", archive(photo), "application/zip")})
    assert answer.status_code == 422  # the people page, the refusal beside the ZIP field
    shown = re.search(r'<span class="field-error" id="error-zip-upload">([^<]*)</span>',
                      answer.text)
    assert shown is not None and reason in shown.group(1)
    assert _count(sessions, Template, staffing.finance_a) == 0


def test_missing_models_are_a_message_on_the_page(
        tmp_path: Path, staffing: Staffing, web_server: WebServer,
        faces_dev: Path) -> None:
    empty = tmp_path / "no-models"
    empty.mkdir()
    settings = enrol_settings(tmp_path / "server2", empty)
    server = WebServer(settings.model_copy(update={"database": web_server.settings.database}))
    server.start()
    try:
        path = f"/hr/people/{staffing.finance_a}/enrol"
        with _hr(server) as client:
            page = client.get(path)
            assert page.status_code == 200 and 'id="models-problem"' in page.text
            assert "kiosk models install" in page.text
            answer = client.post(path, data={
                "csrf_token": page_csrf(client, path), "notice_version": "v",
                "collected_by": "HR"}, files=_files(lfw_photos(faces_dev, "Tony_Blair")[:2]))
        assert answer.status_code == 503 and 'id="models-problem"' in answer.text
    finally:
        server.stop()


def test_only_hr_and_admins_may_enrol(web_server: WebServer, staffing: Staffing,
                                      faces_dev: Path) -> None:
    path = f"/hr/people/{staffing.finance_a}/enrol"
    for username in ("staff", "leader"):
        with httpx.Client(base_url=web_server.url, follow_redirects=True, timeout=60) as client:
            log_in(client, username)
            assert client.get(path).status_code == 403
            token = page_csrf(client, f"/hr/timesheet/{staffing.finance_a}")
            answer = client.post(path, data={"csrf_token": token}, files=_files(
                lfw_photos(faces_dev, "Colin_Powell")[:3]))
            assert answer.status_code == 403
    with _hr(web_server) as client:  # and HR with a forged CSRF token is refused
        answer = client.post(path, data={"csrf_token": "forged"}, files=_files(
            lfw_photos(faces_dev, "Colin_Powell")[:3]))
        assert answer.status_code == 403
