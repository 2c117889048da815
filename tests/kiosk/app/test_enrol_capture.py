"""Guided enrolment on the real engine, models and store, fed by a folder camera: poses in
order, liveness per capture, a still photo refused, and "need 3 photos, 2 usable".

Frames are real photos: asian-dev kpop15 "Jihyo" in four head poses (straight, her left, her
right, chin up: estimated by faceid.quality.estimate_pose), each shown 2x on a 640x480 frame
as a webcam would, and a printed-photo attack from nuaa-dev. Written to tmp only.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.app.checkin import CheckInEngine
from kiosk.app.enrol_capture import Pose, pose_reached
from kiosk.app.requests import StartEnrollment
from kiosk.app.runtime import KioskRuntime, enroll_from_folder
from kiosk.app.state import EnrollmentFinished, EnrollmentProgress
from kiosk.camera import Frame
from kiosk.camera.sources import FolderSource
from kiosk.store import open_store
from tests.conftest import need_shared
from tests.kiosk.app.helpers import POSE_STEMS, frame_folder, jihyo_frame, kiosk_settings

pytestmark = [pytest.mark.shared]
POSES = dict(zip(POSE_STEMS, (Pose.STRAIGHT, Pose.LEFT, Pose.RIGHT, Pose.UP_OR_DOWN),
                 strict=True))
ATTACK = "0001_00_00_01_233.jpg"  # a print, face centred and frontal: P(real) 0.0


def _camera(folder: Path, frames: list[np.ndarray]) -> Path:
    return frame_folder(folder, frames)


def _jihyo(stem: str) -> np.ndarray:
    return jihyo_frame(stem)


def _run(engine: CheckInEngine, runtime: KioskRuntime, source: FolderSource,
         request: StartEnrollment) -> list[object]:
    """Submit ``request``, then feed every frame of ``source`` until the enrolment ends."""
    engine.submit(request)
    states: list[object] = []
    source.open()
    seq = 0
    while (image := source.read()) is not None:
        runtime.inference_frames.put(Frame(image, datetime.now(UTC), seq, time.monotonic()))
        seq += 1
        states.extend(engine.step(5.0))
        if any(isinstance(s, EnrollmentFinished) for s in states):
            break
    return states


def _engine(tmp_path: Path, installed_pack: tuple[str, Path],
            camera: Path) -> tuple[KioskRuntime, CheckInEngine]:
    pack, models_dir = installed_pack
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(camera))
    runtime = KioskRuntime(settings)
    return runtime, runtime.build_engine()


def test_poses_are_asked_in_order_and_a_printed_photo_is_refused(
        installed_pack: tuple[str, Path], tmp_path: Path) -> None:
    attack = cv2.imread(str(need_shared("datasets", "nuaa-dev", "attack", ATTACK)))
    camera = _camera(tmp_path / "camera", [attack, *(_jihyo(stem) for stem in POSES)])
    runtime, engine = _engine(tmp_path, installed_pack, camera)
    try:
        states = _run(engine, runtime, FolderSource(camera, hold_frames=3, blank_frames=0),
                      StartEnrollment(None, "Jihyo", "notice-1", frames=4))
    finally:
        engine.close()
    progress = [s for s in states if isinstance(s, EnrollmentProgress)]
    [finished] = [s for s in states if isinstance(s, EnrollmentFinished)]
    assert finished.ok, finished
    assert finished.templates_saved == 4
    # the print was refused by liveness while the straight pose was asked
    assert [(p.pose, p.refused) for p in progress if p.refused] == [("straight", "not_live")]
    # the poses were asked in the plan's order, each until captured
    asked = [p.pose for p in progress]
    assert sorted(set(asked), key=asked.index) == ["straight", "left", "right", "up_or_down"]
    assert [p.captured for p in progress][-1] == 4 and {p.target for p in progress} == {4}
    assert all(p.in_oval for p in progress if p.captured > 0)
    store = open_store(tmp_path / "kiosk.sqlite3")
    try:
        [person] = store.biometrics.people()
        assert person.display_name == "Jihyo" and len(store.biometrics.chips_for(person.id)) == 4
    finally:
        store.close()


def test_a_still_photo_held_up_is_refused_for_no_pose_change(
        installed_pack: tuple[str, Path], tmp_path: Path) -> None:
    camera = _camera(tmp_path / "camera", [_jihyo("004")])
    runtime, engine = _engine(tmp_path, installed_pack, camera)
    try:
        states = _run(engine, runtime, FolderSource(camera, hold_frames=60, blank_frames=0),
                      StartEnrollment(None, "Jihyo", "notice-1", frames=4))
    finally:
        engine.close()
    [finished] = [s for s in states if isinstance(s, EnrollmentFinished)]
    assert not finished.ok and finished.problem == "no_pose_change"
    progress = [s for s in states if isinstance(s, EnrollmentProgress)]
    assert progress[-1].captured == 1 and progress[-1].pose == "left"
    store = open_store(tmp_path / "kiosk.sqlite3")
    try:
        assert store.biometrics.people() == []
    finally:
        store.close()


def test_need_three_photos_two_usable_names_each_rejected_photo(
        installed_pack: tuple[str, Path], tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    _camera(photos, [_jihyo("004"), _jihyo("018"),
                     cv2.GaussianBlur(_jihyo("019"), (0, 0), 7)])
    pack, models_dir = installed_pack
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(photos))
    for language, expected in (
            ("vi", "Cần 3 ảnh, chỉ 2 ảnh dùng được. 02.png: ảnh bị mờ, cần giữ yên"),
            ("en", "Need 3 photos, only 2 were usable. 02.png: blurred: hold still")):
        localised = settings.model_copy(update={"ui": settings.ui.model_copy(
            update={"language": language})})
        finished = enroll_from_folder(localised, person_id=None, name="Jihyo", department="",
                                      folder=photos, consent_version="notice-1",
                                      collected_by="admin")
        assert not finished.ok and finished.error == expected


def test_pose_targets_follow_the_yaw_and_pitch_signs() -> None:
    assert pose_reached(Pose.STRAIGHT, 3, -4) and not pose_reached(Pose.STRAIGHT, 12, 0)
    assert pose_reached(Pose.LEFT, 15, 2) and not pose_reached(Pose.LEFT, -15, 2)
    assert pose_reached(Pose.RIGHT, -15, 2) and not pose_reached(Pose.RIGHT, 35, 0)
    assert pose_reached(Pose.UP, 0, -10) and not pose_reached(Pose.UP, 0, 10)
    assert pose_reached(Pose.UP_OR_DOWN, 0, 10) and pose_reached(Pose.UP_OR_DOWN, 0, -10)


def test_three_printed_photos_end_the_capture_as_not_live(
        installed_pack: tuple[str, Path], tmp_path: Path) -> None:
    attacks = need_shared("datasets", "nuaa-dev", "attack")
    prints = [cv2.imread(str(attacks / name)) for name in
              (ATTACK, "0001_00_00_01_369.jpg", "0001_00_00_01_54.jpg")]  # centred, frontal
    camera = _camera(tmp_path / "camera", prints)
    runtime, engine = _engine(tmp_path, installed_pack, camera)
    try:
        states = _run(engine, runtime, FolderSource(camera, hold_frames=3, blank_frames=0),
                      StartEnrollment(None, "Jihyo", "notice-1", frames=4))
    finally:
        engine.close()
    refused = [s.refused for s in states if isinstance(s, EnrollmentProgress) and s.refused]
    [finished] = [s for s in states if isinstance(s, EnrollmentFinished)]
    assert refused == ["not_live"] * 3
    assert not finished.ok and finished.problem == "not_live" and finished.rejected == 3
