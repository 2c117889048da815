"""The kiosk chooses its decision rule from its own gallery, keeps it, and follows changes.

Real store file, real model pack, real LFW photos enrolled through the kiosk's own path.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.app.checkin import CheckInEngine
from kiosk.app.desk import StoreDesk
from kiosk.app.doctor import check_operating_point
from kiosk.app.ports import DecisionKind
from kiosk.app.requests import SetAdminMode, StartEnrollment
from kiosk.app.runtime import KioskRuntime, build_recognizer, enroll_from_folder
from kiosk.app.state import EnrollmentFinished
from kiosk.store.operating_point import read_operating_point, stored_operating_point
from tests.kiosk.app.helpers import (
    POSE_STEMS,
    frame_folder,
    jihyo_frame,
    kiosk_settings,
    lfw_photo,
    photo_folder,
)

pytestmark = [pytest.mark.shared]


def _enroll(settings, faces_dev: Path, tmp_path: Path, person: str):  # type: ignore[no-untyped-def]
    folder = photo_folder(tmp_path / "enroll" / person,
                          [lfw_photo(faces_dev, person, n) for n in range(1, 6)])
    result = enroll_from_folder(settings, person_id=None, name=person.replace("_", " "),
                                department="Test", folder=folder,
                                consent_version="test-notice-1", collected_by="pytest")
    assert result.ok, result.error
    return result.person_id


def test_the_kiosk_chooses_keeps_and_follows_its_operating_point(installed_pack, faces_dev,
                                                                 tmp_path: Path) -> None:
    pack, models_dir = installed_pack
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(tmp_path))
    if settings.vision.match_threshold is not None:
        pytest.skip(f"{pack} runs these tests with a fixed threshold")
    for person in ("Colin_Powell", "Vladimir_Putin"):
        _enroll(settings, faces_dev, tmp_path, person)
    desk = StoreDesk.open(settings)
    try:
        recognizer = build_recognizer(settings, desk)
        first = stored_operating_point(desk.store)
        assert first is not None and first["people"] == 2 and first["templates"] >= 6
        assert recognizer.match_threshold == first["threshold_1n"]
        assert first["expected_fpir"] <= settings.vision.target_fpir
        assert first["threshold_1to1"] <= first["threshold_1n"] < 1.0
        assert not recognizer.refresh_if_changed()
        # A restart with the same gallery and settings reuses the stored point...
        again = build_recognizer(settings, desk)
        assert stored_operating_point(desk.store)["computed_at"] == first["computed_at"]
        assert again.match_threshold == first["threshold_1n"]
        # ...another target is chosen afresh.
        stricter = settings.model_copy(update={"vision": settings.vision.model_copy(
            update={"target_fpir": 0.001})})
        desk.apply_settings(stricter)
        build_recognizer(stricter, desk)
        strict = stored_operating_point(desk.store)
        assert strict["computed_at"] != first["computed_at"] and strict["target_fpir"] == 0.001
        assert strict["threshold_1n"] >= first["threshold_1n"]
        assert strict["expected_fpir"] <= 0.001
        desk.apply_settings(settings)
        recognizer = build_recognizer(settings, desk)
        # Another connection changes the gallery, as the sync worker's feed apply does.
        blair = _enroll(settings, faces_dev, tmp_path, "Tony_Blair")
        assert recognizer.refresh_if_changed()
        assert recognizer.wait_for_point()  # chosen off the inference thread
        assert stored_operating_point(desk.store)["people"] == 3
        other = StoreDesk.open(settings)
        try:
            assert other.store.biometrics.delete_person(blair)
        finally:
            other.close()
        assert recognizer.refresh_if_changed()
        assert recognizer.wait_for_point()
        assert stored_operating_point(desk.store)["people"] == 2
    finally:
        desk.close()
    assert read_operating_point(settings.store.path)["people"] == 2
    line = check_operating_point(settings).line()
    assert line.startswith("PASS decision rule: 2 people enrolled: 1:N threshold ")


def test_a_fixed_match_threshold_still_overrides(installed_pack, faces_dev,
                                                 tmp_path: Path) -> None:
    pack, models_dir = installed_pack
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(tmp_path))
    settings = settings.model_copy(update={"vision": settings.vision.model_copy(
        update={"match_threshold": 0.42})})
    _enroll(settings, faces_dev, tmp_path, "Colin_Powell")
    desk = StoreDesk.open(settings)
    try:
        recognizer = build_recognizer(settings, desk)
        assert recognizer.match_threshold == 0.42
        assert recognizer.pack_match_threshold == stored_operating_point(
            desk.store)["threshold_1n"] != 0.42
    finally:
        desk.close()
    assert "overridden: vision.match_threshold = 0.42" in check_operating_point(settings).detail


def test_a_changed_gallery_keeps_the_old_point_until_the_new_one_is_ready(
        installed_pack, faces_dev, tmp_path: Path) -> None:
    pack, models_dir = installed_pack
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(tmp_path))
    settings = settings.model_copy(update={"vision": settings.vision.model_copy(
        update={"match_threshold": None})})
    for person in ("Colin_Powell", "Vladimir_Putin"):
        _enroll(settings, faces_dev, tmp_path, person)
    desk = StoreDesk.open(settings)
    try:
        recognizer = build_recognizer(settings, desk)
        old = recognizer.operating_point  # type: ignore[attr-defined]
        assert old.people == 2
        _enroll(settings, faces_dev, tmp_path, "Tony_Blair")  # the sync worker's feed apply
        assert recognizer.refresh_if_changed()
        # the new gallery decides at once, with the old point until the new one is ready
        assert recognizer.operating_point is old  # type: ignore[attr-defined]
        assert recognizer.match_threshold == old.threshold_1n
        assert stored_operating_point(desk.store)["people"] == 2
        assert recognizer.wait_for_point()  # type: ignore[attr-defined]
        new = recognizer.operating_point  # type: ignore[attr-defined]
        assert new.people == 3 and recognizer.match_threshold == new.threshold_1n
        assert stored_operating_point(desk.store)["people"] == 3
        assert not recognizer.wait_for_point()  # type: ignore[attr-defined]  # taken once
    finally:
        recognizer.close()
        desk.close()


def _enrol_at_the_kiosk(engine: CheckInEngine) -> EnrollmentFinished:
    """Admin mode, then a guided capture of the person in front of the camera."""
    engine.submit(SetAdminMode(True))
    engine.submit(StartEnrollment(person_id=None, new_person_name="Jihyo",
                                  consent_notice_version="notice-1"))
    for _ in range(400):
        finished = [s for s in engine.step(1.0) if isinstance(s, EnrollmentFinished)]
        if finished:
            return finished[0]
    raise AssertionError("the guided capture did not finish")


def test_a_kiosk_enrolment_chooses_its_point_off_the_inference_thread(
        installed_pack, faces_dev, tmp_path: Path) -> None:
    """The enrolment's new point is chosen by the background worker; meanwhile the old
    threshold decides and the newcomer is recognised right away."""
    pack, models_dir = installed_pack
    capture = frame_folder(tmp_path / "capture", [jihyo_frame(stem) for stem in POSE_STEMS])
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(capture))
    settings = settings.model_copy(update={"vision": settings.vision.model_copy(
        update={"match_threshold": None})})
    for person in ("Colin_Powell", "Vladimir_Putin"):
        _enroll(settings, faces_dev, tmp_path, person)
    runtime = KioskRuntime(settings, replay_every_frame=True, folder_hold_frames=3,
                           folder_blank_frames=0, loop_recording=True)
    engine = runtime.build_engine()
    runtime.camera.start()
    try:
        finished = _enrol_at_the_kiosk(engine)
        assert finished.ok, finished
        recognizer = engine._recognizer  # the engine's own, as the inference thread has it
        old = recognizer.operating_point  # type: ignore[union-attr]
        assert old.people == 2  # still the old gallery's point: the new one is being chosen
        assert stored_operating_point(engine._desk.store)["people"] == 2
        threshold = recognizer.match_threshold  # type: ignore[union-attr]
        assert threshold == old.threshold_1n
        walk_up = jihyo_frame("031")
        decisions = [recognizer.analyse(walk_up, datetime.now(UTC)).decision  # type: ignore[union-attr]
                     for _ in range(12)]
        matches = [d for d in decisions if d is not None and d.kind is DecisionKind.MATCH]
        assert matches and matches[0].person_id == finished.person_id
        assert matches[0].score >= threshold
        recognizer.wait_for_point()  # type: ignore[union-attr]
        assert recognizer.operating_point.people == 3  # type: ignore[union-attr]
        assert stored_operating_point(engine._desk.store)["people"] == 3
    finally:
        runtime.camera.stop()
        engine.close()
