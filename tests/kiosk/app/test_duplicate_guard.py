"""The kiosk's enrolment duplicate guard and its confirmed look-alikes, on real photos with
the real models and store: the same face under a second name is refused naming the person
already enrolled; a person the server marks as a look-alike (``needs_code``) is asked for the
employee code even when face alone would have been sure."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from kiosk.app.runtime import KioskRuntime, enroll_from_folder
from kiosk.app.state import CodeRequested, Greeting
from kiosk.store import FeedChange, FeedEntity, FeedOp, PunchSource, open_store
from kiosk.ui.app import RunLimits, run_kiosk_app
from tests.kiosk.app.helpers import kiosk_settings, lfw_photo, photo_folder
from tests.kiosk.app.test_face_code import _enroll_with_code, _window

pytestmark = [pytest.mark.shared]


def test_the_same_face_under_a_second_name_is_refused(installed_pack, faces_dev,
                                                      tmp_path: Path) -> None:
    pack, models_dir = installed_pack
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(tmp_path))
    _enroll_with_code(settings, faces_dev, tmp_path, "Colin_Powell", "C100")
    second = photo_folder(tmp_path / "second", [lfw_photo(faces_dev, "Colin_Powell", n)
                                                for n in range(6, 11)])
    refused = enroll_from_folder(settings, person_id=None, name="Someone Else",
                                 department="Test", folder=second,
                                 consent_version="test-notice-1", collected_by="pytest")
    assert not refused.ok and refused.templates_saved == 0
    assert refused.error.startswith("already enrolled as Colin Powell (C100), score ")
    other = photo_folder(tmp_path / "other", [lfw_photo(faces_dev, "Vladimir_Putin", n)
                                              for n in range(1, 6)])
    assert enroll_from_folder(settings, person_id=None, name="Vladimir Putin",
                              department="Test", folder=other,
                              consent_version="test-notice-1", collected_by="pytest").ok
    store = open_store(settings.store.path)
    try:
        assert sorted(p.display_name for p in store.biometrics.people()) == ["Colin Powell",
                                                                   "Vladimir Putin"]
    finally:
        store.close()


def test_a_confirmed_lookalike_always_types_the_code(qapp, installed_pack, faces_dev,
                                                     tmp_path: Path) -> None:
    pack, models_dir = installed_pack
    camera = photo_folder(tmp_path / "camera", [lfw_photo(faces_dev, "Colin_Powell", 7)])
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(camera))
    assert settings.vision.mode == "auto"
    colin = _enroll_with_code(settings, faces_dev, tmp_path, "Colin_Powell", "C100")
    store = open_store(settings.store.path)
    try:  # the server confirmed a look-alike pair: the person entry says needs_code
        store.feed.apply_page([FeedChange(
            seq=2, entity=FeedEntity.PERSON, op=FeedOp.UPSERT, entity_id=colin,
            data={"display_name": "Colin Powell", "employee_code": "C100",
                  "department": "Test", "active": True, "needs_code": True})], "2")
        assert store.biometrics.code_people() == frozenset({colin})
    finally:
        store.close()
    seen: list[object] = []

    def type_code() -> None:
        window = _window()
        for key in ("letters", "C", "digits", "1", "0", "0", "ok"):
            window.keypad.keys[key].click()

    def observe(state: object) -> bool:
        if isinstance(state, CodeRequested):
            seen.append(state)
            QTimer.singleShot(0, type_code)
        if isinstance(state, Greeting):
            seen.append(state)
        return isinstance(state, Greeting)

    runtime = KioskRuntime(settings, replay_every_frame=True, folder_hold_frames=30)
    assert run_kiosk_app(runtime, RunLimits(max_seconds=180, exit_when_camera_ends=True),
                         offscreen=True, observer=observe) == 0
    assert [type(s) for s in seen] == [CodeRequested, Greeting]
    store = open_store(settings.store.path)
    try:
        assert [(p.person_id, p.source) for p in store.punches.pending()] == [
            (colin, PunchSource.FACE_CODE)]
    finally:
        store.close()
