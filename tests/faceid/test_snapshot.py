"""The refused-attempt snapshot: only the face region, small, a real JPEG."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from faceid.imageio import read_image
from faceid.snapshot import SNAPSHOT_SIDE_PX, face_snapshot_jpeg
from kiosk.errors import VisionError


def test_the_snapshot_is_the_face_region_scaled_down(faces_dev: Path) -> None:
    image = read_image(faces_dev / "spoof" / "sf_replay_F2.jpg")
    height, width = image.shape[:2]
    box = (width * 0.4, height * 0.4, width * 0.2, height * 0.2)
    jpeg = face_snapshot_jpeg(image, box)
    decoded = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert decoded is not None and max(decoded.shape[:2]) == SNAPSHOT_SIDE_PX
    # the face box plus 35 % context on each side: 1.7 x the box, same aspect ratio
    assert decoded.shape[1] / decoded.shape[0] == pytest.approx(
        (width * 0.2 * 1.7) / (height * 0.2 * 1.7), rel=0.03)
    assert len(jpeg) < image.nbytes / 50  # a few KB, not the frame


def test_a_small_face_is_not_upscaled_and_the_crop_stays_in_the_frame(faces_dev: Path) -> None:
    image = read_image(faces_dev / "spoof" / "sf_replay_F2.jpg")
    jpeg = face_snapshot_jpeg(image, (-10.0, -10.0, 60.0, 50.0))  # partly outside, top left
    decoded = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape[:2] == (int(-10 + 50 + 0.35 * 50), int(-10 + 60 + 0.35 * 60))


def test_a_box_outside_the_frame_is_an_error(faces_dev: Path) -> None:
    image = read_image(faces_dev / "spoof" / "sf_replay_F2.jpg")
    height, width = image.shape[:2]
    with pytest.raises(VisionError, match="outside"):
        face_snapshot_jpeg(image, (width + 100.0, 10.0, 50.0, 50.0))
