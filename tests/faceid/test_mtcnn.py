"""MTCNN decoder on real photos; its faces agree with YuNet's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from faceid.detectors.mtcnn import MtcnnDetector, nms_min, square_boxes
from faceid.detectors.yunet import YuNetDetector
from faceid.tracking import iou
from kiosk.errors import ModelMissingError, VisionError
from tests.faceid.conftest import check_geometry, photos, read


def test_counts_and_geometry_on_real_photos(mtcnn: MtcnnDetector, faces_dev: Path) -> None:
    for path, expected in photos(faces_dev):
        image = read(path)
        detections = mtcnn.detect(image)
        assert len(detections) == expected, (path.name, [d.box for d in detections])
        for detection in detections:
            check_geometry(detection, image)


def test_agrees_with_yunet(mtcnn: MtcnnDetector, yunet: YuNetDetector, faces_dev: Path) -> None:
    lfw = sorted((faces_dev / "lfw_color_10x10").rglob("*.jpg"))[::10]
    paths = [p for p, n in photos(faces_dev) if n] + lfw
    for path in paths:
        image = read(path)
        theirs = yunet.detect(image)
        for detection in mtcnn.detect(image):
            best = max(theirs, key=lambda d: iou(d.box, detection.box))
            assert iou(best.box, detection.box) > 0.5, path.name
            # within 20% of the face width (eye distance shrinks on turned faces)
            error = np.linalg.norm(best.landmarks - detection.landmarks, axis=1).max()
            assert error < 0.2 * best.box[2], (path.name, error, best.box)


def test_rejections(mtcnn: MtcnnDetector, tmp_path: Path) -> None:
    with pytest.raises(VisionError):
        mtcnn.detect(np.zeros((8, 8, 3), np.uint8))
    assert mtcnn.detect(np.full((120, 160, 3), 128, np.uint8)) == []
    with pytest.raises(ModelMissingError):
        MtcnnDetector(tmp_path)


def test_box_helpers() -> None:
    squared = square_boxes(np.array([[0, 0, 10, 20]], np.float32))
    assert squared.tolist() == [[-5, 0, 15, 20]]
    nested = np.array([[0, 0, 100, 100], [10, 10, 50, 50]], np.float32)
    assert nms_min(nested, np.array([0.9, 0.8], np.float32), 0.7) == [0]
