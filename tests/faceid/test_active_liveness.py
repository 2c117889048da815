"""Head-turn challenge: synthetic landmark sequences of a turning head, and real photos."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from faceid.active_liveness import (
    ChallengeState,
    HeadTurnChallenge,
    TurnDirection,
    estimate_yaw_deg,
)
from faceid.detectors.yunet import YuNetDetector
from kiosk.errors import VisionError

# A 3-D face in millimetres, origin between the eyes, x to the image's right (the subject's
# left eye is at +x), y down, z towards the camera: eyes, nose tip, mouth corners.
FACE_3D = np.array([[-31.5, 0, 0], [31.5, 0, 0], [0, 38, 34], [-24, 68, 8], [24, 68, 8]])


def project(yaw_deg: float, roll_deg: float = 0.0, scale: float = 2.0,
            centre: tuple[float, float] = (320, 240)) -> np.ndarray:
    """Landmarks of FACE_3D turned by yaw (positive = subject's left) and rolled."""
    yaw, roll = math.radians(yaw_deg), math.radians(roll_deg)
    turn = np.array([[math.cos(yaw), 0, math.sin(yaw)], [0, 1, 0],
                     [-math.sin(yaw), 0, math.cos(yaw)]])
    tilt = np.array([[math.cos(roll), -math.sin(roll)], [math.sin(roll), math.cos(roll)]])
    flat = (FACE_3D @ turn.T)[:, :2] @ tilt.T
    return (flat * scale + np.array(centre)).astype(np.float32)


@pytest.mark.parametrize("yaw", [-40.0, -20.0, 0.0, 15.0, 35.0])
@pytest.mark.parametrize("roll", [0.0, 20.0])
def test_yaw_estimate_follows_the_head(yaw: float, roll: float) -> None:
    assert estimate_yaw_deg(project(yaw, roll)) == pytest.approx(yaw, abs=8.0)


def _run(challenge: HeadTurnChallenge, yaws: list[float], fps: float = 10.0) -> ChallengeState:
    state = challenge.state
    for frame, yaw in enumerate(yaws):
        state = challenge.update(project(yaw), frame / fps)
    return state


def test_left_then_right_passes() -> None:
    challenge = HeadTurnChallenge()
    assert challenge.prompt() is TurnDirection.LEFT
    sweep = list(np.linspace(0, 35, 8)) + list(np.linspace(35, -35, 12))
    assert _run(challenge, sweep) is ChallengeState.PASSED
    assert challenge.prompt() is None
    assert 0 < len(challenge.yaw_history) <= len(sweep)


def test_wrong_order_or_half_turn_does_not_pass() -> None:
    assert _run(HeadTurnChallenge(), [0, -35, -35, 0, 5]) is ChallengeState.PENDING
    challenge = HeadTurnChallenge()
    assert _run(challenge, [0, 35, 35, 0]) is ChallengeState.PENDING
    assert challenge.prompt() is TurnDirection.RIGHT


def test_timeout_fails_and_stays_failed() -> None:
    challenge = HeadTurnChallenge(timeout_s=2.0)
    assert _run(challenge, [0.0] * 25) is ChallengeState.FAILED  # 2.4 s of a still face
    assert challenge.update(project(-40), 2.5) is ChallengeState.FAILED
    late = HeadTurnChallenge(timeout_s=1.0)
    assert _run(late, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 30, -30]) is ChallengeState.FAILED


def test_degenerate_frames_are_skipped_and_bad_settings_refused() -> None:
    challenge = HeadTurnChallenge()
    tiny = project(30, scale=0.05)
    assert challenge.update(tiny, 0.0) is ChallengeState.PENDING
    assert challenge.yaw_history == []
    with pytest.raises(VisionError):
        estimate_yaw_deg(np.zeros((4, 2), np.float32))
    with pytest.raises(VisionError):
        HeadTurnChallenge(directions=())
    with pytest.raises(VisionError):
        HeadTurnChallenge(min_yaw_deg=90)


@pytest.fixture(scope="module")
def detector(shared_models: Path) -> YuNetDetector:
    return YuNetDetector(shared_models / "yunet" / "face_detection_yunet_2023mar.onnx")


def _landmarks(detector: YuNetDetector, image: np.ndarray) -> np.ndarray:
    faces = detector.detect(image)
    assert faces
    return max(faces, key=lambda d: d.box[2] * d.box[3]).landmarks


def _yaw(detector: YuNetDetector, image: np.ndarray) -> float:
    return estimate_yaw_deg(_landmarks(detector, image))


def test_real_photos_and_their_mirror_images_turn_opposite_ways(
        faces_dev: Path, detector: YuNetDetector) -> None:
    turned = 0
    for path in sorted((faces_dev / "people").glob("*.jpg")):
        image = cv2.imread(str(path))
        yaw, mirrored = _yaw(detector, image), _yaw(detector, cv2.flip(image, 1))
        if max(abs(yaw), abs(mirrored)) >= 10:
            turned += 1
            assert yaw * mirrored < 0, (path.name, yaw, mirrored)
    assert turned >= 3  # the folder has several clearly turned portraits


def test_real_photos_turned_each_way_pass_in_order(faces_dev: Path,
                                                   detector: YuNetDetector) -> None:
    lfw = faces_dev / "lfw_color_10x10"
    to_left = cv2.imread(str(lfw / "Arnold_Schwarzenegger" / "Arnold_Schwarzenegger_0003.jpg"))
    to_right = cv2.imread(str(lfw / "Ariel_Sharon" / "Ariel_Sharon_0004.jpg"))
    left_yaw, right_yaw = _yaw(detector, to_left), _yaw(detector, to_right)
    assert left_yaw > 15 > -15 > right_yaw
    challenge = HeadTurnChallenge(min_yaw_deg=15)
    challenge.update(_landmarks(detector, to_right), 0.0)
    assert challenge.prompt() is TurnDirection.LEFT  # right first does not count
    challenge.update(_landmarks(detector, to_left), 0.5)
    assert challenge.update(_landmarks(detector, to_right), 1.0) is ChallengeState.PASSED


def _turn_the_paper(image: np.ndarray, degrees: float) -> np.ndarray:
    """The photo as a camera sees it when the printed sheet is turned about its vertical axis."""
    height, width = image.shape[:2]
    focal, angle = 1.5 * width, math.radians(degrees)
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    seen = []
    for x, y in corners:
        depth = focal + (x - width / 2) * math.sin(angle)
        seen.append([width / 2 + (x - width / 2) * math.cos(angle) * focal / depth,
                     height / 2 + (y - height / 2) * focal / depth])
    warp = cv2.getPerspectiveTransform(corners, np.float32(seen))
    return cv2.warpPerspective(image, warp, (width, height))


@pytest.mark.parametrize("photo", ["obama-1.jpg", "lennon-2.jpg"])
def test_turning_a_printed_frontal_photo_does_not_pass(photo: str, faces_dev: Path,
                                                       detector: YuNetDetector) -> None:
    image = cv2.imread(str(faces_dev / "people" / photo))
    challenge = HeadTurnChallenge()
    for frame, degrees in enumerate([0, 25, 50, 25, 0, -25, -50, -25, 0]):
        challenge.update(_landmarks(detector, _turn_the_paper(image, degrees)), frame * 0.3)
    assert challenge.state is ChallengeState.PENDING
    assert max(abs(y) for _, y in challenge.yaw_history) < 15
