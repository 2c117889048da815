"""Similarity alignment: exact on synthetic points, and on real YuNet landmarks."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from faceid.align import align_face, similarity_transform
from faceid.detectors.yunet import YuNetDetector
from faceid.enrollment import CANONICAL_TEMPLATE
from kiosk.errors import VisionError
from tests.faceid.conftest import read

ARCFACE_112 = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                        [41.5493, 92.3655], [70.7299, 92.2041]], dtype=np.float32)


def test_recovers_a_known_similarity_exactly() -> None:
    angle, scale, shift = math.radians(17.0), 2.5, np.array([30.0, -12.0])
    rotation = scale * np.array([[math.cos(angle), -math.sin(angle)],
                                 [math.sin(angle), math.cos(angle)]])
    source = ARCFACE_112.astype(np.float64)
    target = source @ rotation.T + shift
    matrix = similarity_transform(source.astype(np.float32), target.astype(np.float32))
    assert np.allclose(matrix[:, :2], rotation, atol=1e-4)
    assert np.allclose(matrix[:, 2], shift, atol=1e-3)


def test_never_reflects_and_rejects_degenerate_points() -> None:
    mirrored = ARCFACE_112 * np.float32([-1, 1])
    matrix = similarity_transform(ARCFACE_112, mirrored)
    assert np.linalg.det(matrix[:, :2]) > 0
    with pytest.raises(VisionError):
        similarity_transform(np.ones((5, 2), np.float32), ARCFACE_112)
    with pytest.raises(VisionError):
        align_face(np.zeros((10, 10), np.uint8), ARCFACE_112, ARCFACE_112, 112)


def test_real_face_lands_on_the_template(yunet: YuNetDetector, faces_dev: Path) -> None:
    image = read(faces_dev / "people" / "obama-1.jpg")
    detection = yunet.detect(image)[0]
    for template, size in ((ARCFACE_112, 112), (CANONICAL_TEMPLATE, 256)):
        chip = align_face(image, detection.landmarks, template, size)
        assert chip.shape == (size, size, 3) and chip.dtype == np.uint8
        matrix = similarity_transform(detection.landmarks, template)
        moved = cv2.transform(detection.landmarks[None], matrix)[0]
        eye_distance = float(template[1, 0] - template[0, 0])
        # five points, four degrees of freedom: a real face fits to a few % of the eye distance
        assert np.linalg.norm(moved - template, axis=1).max() < 0.12 * eye_distance
    # the re-detected chip (upscaled so YuNet sees a normal-sized face) has its eyes in place
    chip = align_face(image, detection.landmarks, CANONICAL_TEMPLATE, 256)
    again = yunet.detect(chip)
    assert len(again) == 1
    assert np.linalg.norm(again[0].landmarks[:2] - CANONICAL_TEMPLATE[:2], axis=1).max() < 8


def test_border_modes_fill_outside_pixels_differently(yunet: YuNetDetector,
                                                       faces_dev: Path) -> None:
    image = read(faces_dev / "people" / "clapton-1.jpg")  # head cut by the top of the frame
    landmarks = yunet.detect(image)[0].landmarks
    constant = align_face(image, landmarks, CANONICAL_TEMPLATE, 256)
    replicate = align_face(image, landmarks, CANONICAL_TEMPLATE, 256, cv2.BORDER_REPLICATE)
    assert (constant[:5] == 0).all()
    assert replicate[:5].mean() > 10
