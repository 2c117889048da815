"""User-supplied insightface model packs (buffalo_l, buffalo_s, antelopev2): SCRFD + ArcFace.

NON-COMMERCIAL: insightface's pretrained weights are licensed for non-commercial research
only. The kiosk never downloads or bundles them; a user who has the right to use them places
the pack folder at ``<models_dir>/insightface-<name>/`` (or ``<models_dir>/insightface/<name>``,
or passes an absolute folder as ``insightface-/abs/path``), and every load logs a warning.

Files looked for: detector ``det_*.onnx`` or ``scrfd_*.onnx`` (SCRFD with 5 keypoints),
recognizer ``w600k_*.onnx`` or ``glintr100.onnx`` (ArcFace, 112x112, 512-d). Both run on
onnxruntime with decoders written here; ``detect``/``embed`` run on a worker thread.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from faceid.embedders.common import l2_normalise
from faceid.embedders.sface import ARCFACE_112_TEMPLATE
from faceid.errors import ModelMissingError, VisionError
from faceid.onnx_session import make_session
from faceid.types import Detection, FloatArray, ImageBGR

if TYPE_CHECKING:
    from faceid.packs import ModelPack

log = logging.getLogger(__name__)

LICENCE_WARNING = (
    "insightface pack {name}: these pretrained weights are licensed for NON-COMMERCIAL "
    "research use only (insightface model licence). Do not use them in production unless you "
    "hold a commercial licence from their authors; the kiosk's default packs are permissive.")
DETECTOR_PATTERNS = ("det_*.onnx", "scrfd_*.onnx")
RECOGNIZER_PATTERNS = ("w600k_*.onnx", "glintr100.onnx")
SCRFD_STRIDES = (8, 16, 32)
SCRFD_ANCHORS_PER_CELL = 2


def find_pack_dir(name: str, models_dir: Path) -> Path:
    """The folder for pack ``insightface-<x>``; ModelMissingError listing where it looked."""
    suffix = name.removeprefix("insightface-")
    candidates = [Path(suffix)] if Path(suffix).is_absolute() else [
        models_dir / name, models_dir / "insightface" / suffix]
    for folder in candidates:
        if folder.is_dir():
            return folder
    raise ModelMissingError(
        f"insightface pack {suffix!r} not found (looked in {', '.join(map(str, candidates))}). "
        "The kiosk never downloads insightface weights (non-commercial licence): place the "
        "pack folder (e.g. buffalo_l with det_10g.onnx and w600k_r50.onnx) there yourself.")


def _find_file(folder: Path, patterns: tuple[str, ...], what: str) -> Path:
    for pattern in patterns:
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
    raise ModelMissingError(f"insightface pack {folder}: no {what} file "
                            f"({' or '.join(patterns)})")


def load_insightface_pack(name: str, models_dir: Path, threads: int = 1) -> ModelPack:
    """Build a ModelPack from a user-supplied folder, after logging the licence warning."""
    from faceid.packs import ModelPack, Thresholds

    folder = find_pack_dir(name, models_dir)
    detector_file = _find_file(folder, DETECTOR_PATTERNS, "SCRFD detector")
    recognizer_file = _find_file(folder, RECOGNIZER_PATTERNS, "ArcFace recognizer")
    log.warning(LICENCE_WARNING.format(name=folder.name))
    embedder = ArcFaceEmbedder(recognizer_file, threads=threads)
    # Provisional cosine thresholds for ArcFace R50/R100 (not calibrated on this project's
    # data: no weights were available to measure); calibrate with `kiosk calibrate`.
    return ModelPack(name=name, detector=ScrfdDetector(detector_file, threads=threads),
                     embedder=embedder, recognizer_id=embedder.recognizer_id,
                     thresholds=Thresholds(match=0.45, margin=0.05, consensus_frames=3),
                     licence_note=LICENCE_WARNING.format(name=folder.name))


class ArcFaceEmbedder:
    """ArcFace (insightface) embeddings: RGB, (x - 127.5) / 127.5, face + mirror summed."""

    chip_size = 112

    def __init__(self, model_path: Path, threads: int = 1) -> None:
        self.template: FloatArray = ARCFACE_112_TEMPLATE.copy()
        self.recognizer_id = f"insightface-{model_path.stem}"
        self._session = make_session(model_path, threads=threads)
        self._input_name = self._session.get_inputs()[0].name
        self.dim = int(self._session.get_outputs()[0].shape[-1] or 512)

    def embed(self, chips: list[ImageBGR]) -> FloatArray:
        """(N, dim) L2-normalised rows for 112x112 BGR chips."""
        if not chips:
            return np.zeros((0, self.dim), dtype=np.float32)
        for chip in chips:
            if chip.shape != (self.chip_size, self.chip_size, 3):
                raise VisionError(f"ArcFace needs 112x112 BGR chips, got {chip.shape}")
        batch = np.stack(chips)[:, :, :, ::-1].astype(np.float32)  # BGR -> RGB
        batch = (batch - 127.5) / 127.5
        both = np.concatenate([batch, batch[:, :, ::-1]])  # the chips, then their mirrors
        rows = [self._session.run(None, {self._input_name: both[i:i + 1].transpose(0, 3, 1, 2)}
                                  )[0][0] for i in range(len(both))]
        out = np.asarray(rows, dtype=np.float32)
        return l2_normalise(out[: len(chips)] + out[len(chips):])


class ScrfdDetector:
    """SCRFD face detector (insightface) with its 5 keypoints: own decoder over onnxruntime.

    Thresholds: score >= ``score_threshold`` (0..1), NMS IoU ``nms_threshold``. The image is
    letterboxed into a 640x640 input (top-left), RGB, (x - 127.5) / 128.
    """

    name = "scrfd"

    def __init__(self, model_path: Path, threads: int = 1, score_threshold: float = 0.5,
                 nms_threshold: float = 0.4, input_size: int = 640) -> None:
        self._session = make_session(model_path, threads=threads)
        self._input_name = self._session.get_inputs()[0].name
        self.score_threshold = score_threshold
        self.nms_threshold = nms_threshold
        self.input_size = input_size
        if len(self._session.get_outputs()) != 3 * len(SCRFD_STRIDES):
            raise VisionError(f"{model_path.name}: expected a SCRFD model with keypoints "
                              "(9 outputs)")

    def detect(self, image: ImageBGR) -> list[Detection]:
        """Faces with score >= the threshold, best first (coordinates in image pixels)."""
        scale = self.input_size / max(image.shape[0], image.shape[1])
        resized = cv2.resize(image, (round(image.shape[1] * scale), round(image.shape[0] * scale)))
        canvas = np.zeros((self.input_size, self.input_size, 3), dtype=np.float32)
        canvas[: resized.shape[0], : resized.shape[1]] = resized[:, :, ::-1]
        blob = ((canvas - 127.5) / 128.0).transpose(2, 0, 1)[None]
        outputs = self._session.run(None, {self._input_name: blob})
        boxes, points, scores = self._decode(outputs)
        keep = cv2.dnn.NMSBoxes([[float(v) for v in (b[0], b[1], b[2] - b[0], b[3] - b[1])]
                                 for b in boxes], scores.tolist(), self.score_threshold,
                                self.nms_threshold)
        found = []
        for index in np.asarray(keep, dtype=np.int64).reshape(-1):
            x1, y1, x2, y2 = (boxes[index] / scale).tolist()
            found.append(Detection(box=(x1, y1, x2 - x1, y2 - y1),
                                   landmarks=(points[index] / scale).astype(np.float32),
                                   score=float(scores[index])))
        return sorted(found, key=lambda d: -d.score)

    def _decode(self, outputs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distance-to-anchor-centre boxes and keypoints, per stride, above the threshold."""
        count = len(SCRFD_STRIDES)
        all_boxes, all_points, all_scores = [], [], []
        for level, stride in enumerate(SCRFD_STRIDES):
            scores = outputs[level].reshape(-1)
            distances = outputs[level + count].reshape(-1, 4) * stride
            offsets = outputs[level + 2 * count].reshape(-1, 10) * stride
            cells = self.input_size // stride
            ys, xs = np.mgrid[:cells, :cells]
            centres = np.stack([xs, ys], axis=-1).reshape(-1, 2).astype(np.float32) * stride
            centres = np.repeat(centres, SCRFD_ANCHORS_PER_CELL, axis=0)
            keep = scores >= self.score_threshold
            c = centres[keep]
            d = distances[keep]
            all_boxes.append(np.concatenate([c - d[:, :2], c + d[:, 2:]], axis=1))
            all_points.append(c[:, None, :] + offsets[keep].reshape(-1, 5, 2))
            all_scores.append(scores[keep])
        return (np.concatenate(all_boxes), np.concatenate(all_points),
                np.concatenate(all_scores).astype(np.float32))
