"""YuNet decoder on real photos, and against OpenCV's own FaceDetectorYN on the same input."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from faceid.detectors.yunet import YuNetDetector, nms_boxes
from kiosk.errors import ModelMissingError, VisionError
from tests.faceid.conftest import check_geometry, photos, read


def test_counts_and_geometry_on_real_photos(yunet: YuNetDetector, faces_dev: Path) -> None:
    for path, expected in photos(faces_dev):
        image = read(path)
        detections = yunet.detect(image)
        assert len(detections) == expected, (path.name, [d.box for d in detections])
        scores = [d.score for d in detections]
        assert scores == sorted(scores, reverse=True)
        for detection in detections:
            check_geometry(detection, image)


def test_matches_opencv_reference_decoder(yunet: YuNetDetector, faces_dev: Path,
                                          vision_models_dir: Path) -> None:
    model = vision_models_dir / "yunet-2023mar" / "face_detection_yunet_2023mar.onnx"
    compared = 0
    for path, _ in photos(faces_dev):
        image = read(path)
        scale = yunet.input_scale(image)
        if scale < 1:  # give OpenCV exactly the pixels our network input holds
            size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        ours = yunet.detect(image)
        reference = cv2.FaceDetectorYN.create(str(model), "", (image.shape[1], image.shape[0]),
                                              0.6, 0.3)
        _, faces = reference.detect(image)
        faces = np.zeros((0, 15), np.float32) if faces is None else faces
        assert len(ours) == len(faces), path.name
        for detection, face in zip(ours, faces, strict=True):
            x, y, w, h = face[:4]
            # OpenCV does not clip boxes to the frame; compare on the clipped box
            clipped = np.array([max(x, 0), max(y, 0), min(x + w, image.shape[1]),
                                min(y + h, image.shape[0])])
            bx, by, bw, bh = detection.box
            assert np.abs(np.array([bx, by, bx + bw, by + bh]) - clipped).max() < 2.0, path.name
            assert np.abs(detection.landmarks.ravel() - face[4:14]).max() < 2.0, path.name
            assert abs(detection.score - face[14]) < 0.01
            compared += 1
    assert compared == 17  # 9 portraits + 6 + 2


def test_small_images_and_rejections(yunet: YuNetDetector, faces_dev: Path,
                                      tmp_path: Path) -> None:
    lfw = read(sorted((faces_dev / "lfw_color_10x10" / "Colin_Powell").iterdir())[0])
    assert len(yunet.detect(lfw)) >= 1
    assert yunet.detect(np.zeros((37, 53, 3), np.uint8)) == []
    with pytest.raises(VisionError):
        yunet.detect(np.zeros((100, 100), np.uint8))
    with pytest.raises(ModelMissingError, match="kiosk models install"):
        YuNetDetector(tmp_path / "absent.onnx")


def test_nms_keeps_the_best_of_overlapping_boxes() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], np.float32)
    scores = np.array([0.8, 0.9, 0.7], np.float32)
    assert nms_boxes(boxes, scores, 0.3) == [1, 2]
    assert nms_boxes(boxes, scores, 0.9) == [1, 0, 2]
