"""Face + code asks for only the last characters of the employee code that tell the
candidates apart (the people the face scores at or above the 1:1 threshold with), and says
how many; on real photos in the real app offscreen."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from PySide6.QtCore import QTimer

from faceid.enrollment import enroll_images
from faceid.imageio import read_image
from faceid.packs import load_pack
from kiosk.app.face_code import suffix_length
from kiosk.app.runtime import KioskRuntime
from kiosk.app.state import CodeRequested, Greeting
from kiosk.settings import KioskSettings
from kiosk.store import Consent, FeedChange, FeedEntity, FeedOp, Person, PunchSource, open_store
from kiosk.ui.app import RunLimits, run_kiosk_app
from tests.kiosk.app.helpers import kiosk_settings, lfw_photo, photo_folder
from tests.kiosk.app.test_face_code import _enroll_with_code, _window

pytestmark = [pytest.mark.shared]


def test_the_suffix_is_the_shortest_on_which_the_candidates_codes_differ() -> None:
    assert suffix_length(["C1234"]) == 2
    assert suffix_length(["C1234", "D1274"]) == 2
    assert suffix_length(["C1234", "D5234"]) == 4
    assert suffix_length(["C1234", "D1234"]) is None  # only the whole codes differ
    assert suffix_length(["12", "34"]) is None  # the suffix would be the whole code
    assert suffix_length([]) is None


def _enrol_lookalike(settings: KioskSettings, faces_dev: Path, code: str) -> None:
    """Colin's other photos stored under a second name and code, as a confirmed look-alike
    pair would be (the store below the duplicate guard)."""
    pack = load_pack(settings.vision.pack, settings.models.dir, threads=1)
    images = [read_image(lfw_photo(faces_dev, "Colin_Powell", n)) for n in range(6, 9)]
    embeddings = enroll_images(pack, images).embeddings
    store = open_store(settings.store.path)
    try:
        twin = Person(uuid4(), "Colin Twin", code, "Test")
        store.biometrics.upsert_person(twin)
        store.biometrics.save_enrollment(twin.id, pack.recognizer_id, embeddings,
                                         consent=Consent(twin.id, datetime.now(UTC),
                                                         "test-notice-1", "pytest"))
        store.feed.apply_page([FeedChange(
            seq=5, entity=FeedEntity.PERSON, op=FeedOp.UPSERT, entity_id=twin.id,
            data={"display_name": "Colin Twin", "employee_code": code, "department": "Test",
                  "active": True})], "5")
    finally:
        store.close()


@pytest.mark.parametrize(("twin_code", "digits", "typed"), [
    (None, 2, "34"), ("D5234", 4, "1234")], ids=["one-candidate", "look-alike"])
def test_the_keypad_asks_for_the_last_digits_that_keep_one_person(
        qapp, installed_pack, faces_dev, tmp_path: Path, twin_code: str | None, digits: int,
        typed: str) -> None:
    pack, models_dir = installed_pack
    camera = photo_folder(tmp_path / "camera", [lfw_photo(faces_dev, "Colin_Powell", 10)])
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(camera))
    settings = settings.model_copy(update={"vision": settings.vision.model_copy(
        update={"mode": "face_code"})})
    colin = _enroll_with_code(settings, faces_dev, tmp_path, "Colin_Powell", "C1234")
    _enroll_with_code(settings, faces_dev, tmp_path, "Vladimir_Putin", "V5678")
    if twin_code is not None:
        _enrol_lookalike(settings, faces_dev, twin_code)
    seen: list[object] = []
    titles: list[str] = []

    def type_suffix() -> None:
        window = _window()
        titles.append(window.keypad.title.text())
        for key in typed:
            window.keypad.keys[key].click()
        window.keypad.keys["ok"].click()

    def observe(state: object) -> bool:
        if isinstance(state, CodeRequested):
            seen.append(state)
            QTimer.singleShot(0, type_suffix)
        if isinstance(state, Greeting):
            seen.append(state)
        return isinstance(state, Greeting)

    runtime = KioskRuntime(settings, replay_every_frame=True, folder_hold_frames=30)
    assert run_kiosk_app(runtime, RunLimits(max_seconds=180, exit_when_camera_ends=True),
                         offscreen=True, observer=observe) == 0
    assert [type(s) for s in seen] == [CodeRequested, Greeting]
    assert seen[0].digits == digits  # type: ignore[attr-defined]
    assert titles == [f"Type the last {digits} digits of your employee code"]
    store = open_store(settings.store.path)
    try:
        assert [(p.person_id, p.source) for p in store.punches.pending()] == [
            (colin, PunchSource.FACE_CODE)]
    finally:
        store.close()
