"""Who may open admin mode by face, what the settings screen refuses, and the panel's side of
face entry: a real store, real desk and real widgets (offscreen)."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest

from kiosk.app.admin_settings import admin_face_entry, camera_source_problem, save_settings
from kiosk.app.desk import StoreDesk
from kiosk.app.ports import DecisionKind, FaceDecision
from kiosk.app.requests import SaveSettings
from kiosk.app.state import AdminFaceEntry
from kiosk.settings import KioskSettings
from kiosk.store import Person, open_store


def _desk(tmp_path: Path, face_entry: bool, admins: tuple = ()) -> StoreDesk:
    settings = KioskSettings.model_validate({
        "kiosk_name": "door-1", "store": {"path": str(tmp_path / "kiosk.sqlite3")},
        "models": {"dir": str(tmp_path / "models")},
        "admin": {"face_entry": face_entry, "face_people": [str(a) for a in admins]}})
    return StoreDesk(open_store(settings.store.path), settings)


@pytest.fixture
def people(tmp_path: Path) -> tuple[Person, Person]:
    store = open_store(tmp_path / "kiosk.sqlite3")
    admin, staff = Person(uuid4(), "Phạm Quản Trị"), Person(uuid4(), "Nhân Viên")
    store.biometrics.upsert_person(admin)
    store.biometrics.upsert_person(staff)
    store.close()
    return admin, staff


def test_only_a_listed_live_admin_opens_admin_mode_and_it_is_audited(
        tmp_path: Path, people: tuple[Person, Person]) -> None:
    admin, staff = people
    desk = _desk(tmp_path, face_entry=True, admins=(admin.id,))
    try:
        assert admin_face_entry(FaceDecision(DecisionKind.MATCH, staff.id, 0.9), desk) is None
        assert admin_face_entry(FaceDecision(DecisionKind.SPOOF, None, 0.2), desk) is None
        assert admin_face_entry(FaceDecision(DecisionKind.UNKNOWN, None, 0.4), desk) is None
        entry = admin_face_entry(FaceDecision(DecisionKind.MATCH, admin.id, 0.91), desk)
        assert entry == AdminFaceEntry(admin.id, "Phạm Quản Trị")
        [audit] = [e for e in desk.store.audit_log.entries() if e["action"] == "admin_face_entry"]
        assert audit["actor"] == str(admin.id) and audit["subject"] == "door-1"
    finally:
        desk.close()
    off = _desk(tmp_path, face_entry=False, admins=(admin.id,))
    try:  # the site has not enabled face entry: the list alone opens nothing
        assert admin_face_entry(FaceDecision(DecisionKind.MATCH, admin.id, 0.95), off) is None
    finally:
        off.close()


def test_invalid_settings_are_refused_and_nothing_is_saved(
        tmp_path: Path, people: tuple[Person, Person]) -> None:
    desk = _desk(tmp_path, face_entry=True)
    try:
        saved = save_settings(SaveSettings(
            kiosk_name="x" * 65, camera_source="7", match_threshold="1", liveness_threshold="-0.1",
            language="fr", admin_people=(uuid4(),)), desk, None, None)
        assert not saved.ok
        expected = {"name", "camera_missing", "match_threshold", "liveness_threshold",
                    "language", "unknown_people"}
        if Path("/dev/video7").exists():
            expected.discard("camera_missing")
        assert {p.key for p in saved.problems} == expected
        assert desk.store.settings.local() == {}
        assert not [e for e in desk.store.audit_log.entries() if e["action"] == "settings"]
        same = save_settings(SaveSettings(
            kiosk_name="door-1", camera_source=str(tmp_path), match_threshold="",
            liveness_threshold="0.3", language="vi"), desk, None, None)  # the default
        assert same.ok and same.changed == ("camera.source",)
        assert desk.store.settings.local() == {"camera.source": str(tmp_path)}
    finally:
        desk.close()


@pytest.mark.parametrize("spec,problem", [
    ("", "camera_empty"), ("/no/such/video.mp4", "camera_missing"),
    ("gst:nvarguscamerasrc ! appsink", None), ("picamera2", None),
])
def test_camera_sources_that_cannot_exist_are_named(spec: str, problem: str | None) -> None:
    found = camera_source_problem(spec)
    assert (found.key if found else None) == problem


def test_the_pin_pad_yields_to_a_recognized_admin_but_nothing_else_does(qapp) -> None:
    from kiosk.ui.admin import AdminPanel

    panel = AdminPanel(pin_hash=None, language="en")
    requests: list[object] = []
    panel.request.connect(requests.append)
    entry = AdminFaceEntry(uuid4(), "Phạm Quản Trị")
    panel.setCurrentWidget(panel.enroll_page)  # not asking for the PIN: ignored
    panel.accept_face(entry)
    assert not panel.unlocked
    panel.open_pin_page()
    panel.accept_face(entry)
    assert panel.unlocked and panel.currentWidget() is panel.enroll_page
    assert panel.result.text() == "Welcome Phạm Quản Trị — admin mode opened by face"
    assert type(requests[-1]).__name__ == "ListPeople"
    panel.set_language("vi")
    assert panel.settings_button.text() == "Cài đặt"
    assert panel.settings_page.save_button.text() == "Lưu cài đặt"
    panel.deleteLater()
