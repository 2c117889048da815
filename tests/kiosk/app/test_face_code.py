"""Face + code on the whole kiosk: Qt offscreen window, real models, a real store, real LFW
photos on a folder camera. With ``vision.mode = face_code`` every face is confirmed by the
employee code typed on the keypad: the right code punches with source ``face_code``, another
person's code is a refused attempt."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.app.runtime import KioskRuntime, enroll_from_folder
from kiosk.app.state import AltCheckinRefused, AltRefusal, CodeRequested, Greeting
from kiosk.settings import KioskSettings
from kiosk.store import FeedChange, FeedEntity, FeedOp, PunchSource, open_store
from kiosk.ui.app import RunLimits, run_kiosk_app
from kiosk.ui.window import KioskWindow
from tests.kiosk.app.helpers import kiosk_settings, lfw_photo, photo_folder

pytestmark = [pytest.mark.shared]


def _enroll_with_code(settings: KioskSettings, faces_dev: Path, tmp_path: Path, person: str,
                      code: str) -> object:
    folder = photo_folder(tmp_path / "enroll" / person,
                          [lfw_photo(faces_dev, person, n) for n in range(1, 6)])
    result = enroll_from_folder(settings, person_id=None, name=person.replace("_", " "),
                                department="Test", folder=folder,
                                consent_version="test-notice-1", collected_by="pytest")
    assert result.ok, result.error
    store = open_store(settings.store.path)
    try:  # the server's person entry gives the employee code, as the feed does
        store.feed.apply_page([FeedChange(
            seq=1, entity=FeedEntity.PERSON, op=FeedOp.UPSERT, entity_id=result.person_id,
            data={"display_name": result.person_name, "employee_code": code,
                  "department": "Test", "active": True})], "1")
    finally:
        store.close()
    return result.person_id


def _window() -> KioskWindow:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, KioskWindow))


def test_face_plus_code_punches_on_the_right_code_and_refuses_another(
        qapp, installed_pack, faces_dev, tmp_path: Path) -> None:
    pack, models_dir = installed_pack
    camera = photo_folder(tmp_path / "camera", [lfw_photo(faces_dev, "Colin_Powell", 7),
                                                lfw_photo(faces_dev, "Vladimir_Putin", 8)])
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(camera))
    settings = settings.model_copy(update={"vision": settings.vision.model_copy(
        update={"mode": "face_code"})})
    colin = _enroll_with_code(settings, faces_dev, tmp_path, "Colin_Powell", "C100")
    _enroll_with_code(settings, faces_dev, tmp_path, "Vladimir_Putin", "V200")
    codes = ["C100", "C100"]  # Colin types his own code; Putin's face types Colin's code
    seen: list[tuple[object, str]] = []

    def type_code() -> None:
        window = _window()
        assert window.screen_kind == "keypad" and window.keypad.code_only
        assert not window.keypad.pin_field.isVisible()
        for key in codes.pop(0):
            window.keypad.keys["letters" if key.isalpha() else key].click()
            if key.isalpha():
                window.keypad.keys[key].click()
                window.keypad.keys["digits"].click()
        window.keypad.keys["ok"].click()

    def observe(state: object) -> bool:
        if isinstance(state, CodeRequested):
            QTimer.singleShot(0, type_code)
        if isinstance(state, Greeting | AltCheckinRefused):
            seen.append((state, _window().screen_kind))
        return len(seen) == 2

    runtime = KioskRuntime(settings, replay_every_frame=True, folder_hold_frames=30,
                           folder_blank_frames=8)
    assert run_kiosk_app(runtime, RunLimits(max_seconds=240, exit_when_camera_ends=True),
                         offscreen=True, observer=observe) == 0
    assert len(seen) == 2, seen
    (greeting, greeting_screen), (refusal, refusal_screen) = seen
    assert isinstance(greeting, Greeting) and greeting.person_id == colin
    assert greeting_screen == "greeting" and not codes
    assert refusal == AltCheckinRefused(AltRefusal.FACE_CODE_MISMATCH, attempts_left=4)
    assert refusal_screen == "face_code_mismatch"
    store = open_store(settings.store.path)
    try:
        assert [(p.person_id, p.source) for p in store.punches.pending()] == [
            (colin, PunchSource.FACE_CODE)]
        refused = store.events.recent(kind="refused_attempt")
        assert [(e.data["reason"], e.person_id) for e in refused] == [
            ("face_code_mismatch", colin)]
    finally:
        store.close()
