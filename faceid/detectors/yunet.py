"""YuNet 2023mar face detector (OpenCV Zoo, MIT) with its own decoder over ONNX Runtime.

The published graph declares a fixed 640x640 input, but it is fully convolutional (its
Reshapes use [1, -1, C] and its Resizes use scales), so the session is opened on a copy whose
input height and width are symbolic -- what OpenCV's FaceDetectorYN does too. Why: at a fixed
640 canvas, portraits with a face filling half of a 1200 px photo came out with two spurious
background faces (scores 0.63-0.70), which vanished at 800 px and above (measured on
faces-dev/people/biden-2.jpg, same result from cv2.FaceDetectorYN at 640).

A frame is resized keeping its aspect ratio so that its longer side is at most ``max_side``
(default 960 px; never upscaled), padded right/bottom with black to a multiple of 32, and every
decoded coordinate is divided by that scale to come back to frame pixels. Input: BGR float32
0..255, no normalisation.

Outputs, per stride s in (8, 16, 32) with a (W/s) x (H/s) grid of anchors, row-major:
``cls_s`` and ``obj_s`` [1, A, 1] (score = sqrt(cls * obj)), ``bbox_s`` [1, A, 4]
(centre offset in cells, log size in strides) and ``kps_s`` [1, A, 10] (five points as
offsets in cells). Landmarks come out in the order of faceid.types.
"""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np
import onnx
import onnxruntime as ort  # type: ignore[import-untyped, unused-ignore]

from faceid.errors import ModelError, ModelMissingError, VisionError
from faceid.onnx_session import available_providers, session_options
from faceid.types import Detection, FloatArray, ImageBGR

log = logging.getLogger(__name__)

DEFAULT_MAX_SIDE = 960
SIZE_MULTIPLE = 32
STRIDES = (8, 16, 32)


def nms_boxes(boxes: FloatArray, scores: FloatArray, iou_threshold: float) -> list[int]:
    """Indices of the boxes kept by greedy non-maximum suppression, best score first.

    ``boxes`` are (N, 4) x1, y1, x2, y2 in pixels; a box is dropped when its IoU with a kept,
    better-scoring box exceeds ``iou_threshold``.
    """
    order = np.argsort(-scores, kind="stable")
    areas = np.maximum(boxes[:, 2] - boxes[:, 0], 0) * np.maximum(boxes[:, 3] - boxes[:, 1], 0)
    keep: list[int] = []
    while order.size:
        best = int(order[0])
        keep.append(best)
        rest = order[1:]
        ix1 = np.maximum(boxes[best, 0], boxes[rest, 0])
        iy1 = np.maximum(boxes[best, 1], boxes[rest, 1])
        ix2 = np.minimum(boxes[best, 2], boxes[rest, 2])
        iy2 = np.minimum(boxes[best, 3], boxes[rest, 3])
        inter = np.maximum(ix2 - ix1, 0) * np.maximum(iy2 - iy1, 0)
        iou = inter / np.maximum(areas[best] + areas[rest] - inter, 1e-9)
        order = rest[iou <= iou_threshold]
    return keep


def _grid(stride: int, width: int, height: int) -> tuple[FloatArray, FloatArray]:
    """Column and row (in cells) of every anchor of one stride, row-major."""
    cols_n, rows_n = width // stride, height // stride
    rows, cols = np.divmod(np.arange(cols_n * rows_n, dtype=np.float32), np.float32(cols_n))
    return cols.astype(np.float32), rows.astype(np.float32)


def open_dynamic_session(model_path: Path, threads: int) -> ort.InferenceSession:
    """YuNet's session with symbolic input height/width (same options as make_session).

    make_session takes a path; the patched graph only exists in memory, so this mirrors its
    options and error translation.
    """
    if not model_path.is_file():
        raise ModelMissingError(f"model file not found: {model_path} "
                                "(run `kiosk models install`)")
    try:
        model = onnx.load(str(model_path))
        dims = model.graph.input[0].type.tensor_type.shape.dim
        dims[2].dim_param, dims[3].dim_param = "height", "width"
        for output in model.graph.output:  # their fixed anchor counts no longer hold
            output.type.tensor_type.shape.dim[1].dim_param = "anchors"
        return ort.InferenceSession(model.SerializeToString(),
                                    sess_options=session_options(threads),
                                    providers=available_providers())
    except Exception as exc:  # onnx and onnxruntime raise several unrelated types
        raise ModelError(f"ONNX Runtime could not load {model_path}: {exc}") from exc


class YuNetDetector:
    """Face detector: ``detect(image)`` -> detections with score >= ``score_threshold``.

    Thresholds: score in [0, 1] (default 0.6, OpenCV Zoo's), NMS IoU 0.3. Frames are run at
    most ``max_side`` px on their longer side. ``threads`` is ONNX Runtime's intra-op thread
    count. ``detect`` runs on the caller's (worker) thread; one instance must not be used by
    two threads at once.
    """

    name = "yunet-2023mar"

    def __init__(self, model_path: Path, threads: int = 1, score_threshold: float = 0.6,
                 nms_threshold: float = 0.3, max_side: int = DEFAULT_MAX_SIDE) -> None:
        self.score_threshold = score_threshold
        self.nms_threshold = nms_threshold
        self.max_side = max_side
        self._session = open_dynamic_session(Path(model_path), threads)
        self._input_name = self._session.get_inputs()[0].name
        self._output_names = [o.name for o in self._session.get_outputs()]
        self._grids: dict[tuple[int, int, int], tuple[FloatArray, FloatArray]] = {}

    def input_scale(self, image: ImageBGR) -> float:
        """The factor frame pixels are multiplied by before the network (<= 1)."""
        return float(min(1.0, self.max_side / max(image.shape[:2])))

    def detect(self, image: ImageBGR) -> list[Detection]:
        """Faces in ``image`` (H x W x 3 uint8 BGR), best first; boxes and landmarks in pixels."""
        if image.ndim != 3 or image.shape[2] != 3 or image.size == 0:
            raise VisionError(f"YuNet needs an H x W x 3 BGR image, got shape {image.shape}")
        canvas, scale = self._prepare(image)
        blob = canvas.transpose(2, 0, 1)[None].astype(np.float32)
        outputs = dict(zip(self._output_names,
                           self._session.run(self._output_names, {self._input_name: blob}),
                           strict=True))
        scores, boxes, points = self._decode(outputs, canvas.shape[1], canvas.shape[0])
        keep = nms_boxes(boxes, scores, self.nms_threshold) if len(scores) else []
        height, width = image.shape[:2]
        result = []
        for index in keep:
            x1, y1, x2, y2 = (boxes[index] / scale).tolist()
            x1, y1 = max(x1, 0.0), max(y1, 0.0)
            x2, y2 = min(x2, float(width)), min(y2, float(height))
            landmarks = (points[index] / scale).reshape(5, 2).astype(np.float32)
            result.append(Detection((x1, y1, x2 - x1, y2 - y1), landmarks,
                                    float(scores[index])))
        return result

    def _prepare(self, image: ImageBGR) -> tuple[ImageBGR, float]:
        height, width = image.shape[:2]
        scale = self.input_scale(image)
        new_w, new_h = max(round(width * scale), 1), max(round(height * scale), 1)
        resized = image if (new_w, new_h) == (width, height) else cv2.resize(
            image, (new_w, new_h), interpolation=cv2.INTER_AREA)
        pad_w = -new_w % SIZE_MULTIPLE
        pad_h = -new_h % SIZE_MULTIPLE
        canvas = cv2.copyMakeBorder(resized, 0, pad_h, 0, pad_w, cv2.BORDER_CONSTANT, value=0)
        return np.asarray(canvas, dtype=np.uint8), new_w / width

    def _anchor_grid(self, stride: int, width: int, height: int) -> tuple[FloatArray,
                                                                           FloatArray]:
        key = (stride, width, height)
        if key not in self._grids:
            if len(self._grids) > 32:  # frame sizes vary only in tests; keep memory bounded
                self._grids.clear()
            self._grids[key] = _grid(stride, width, height)
        return self._grids[key]

    def _decode(self, outputs: dict[str, np.ndarray], width: int,
                height: int) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Scores (N,), boxes (N, 4) x1y1x2y2, points (N, 10) in canvas pixels, over threshold."""
        all_scores, all_boxes, all_points = [], [], []
        for stride in STRIDES:
            cls = np.clip(outputs[f"cls_{stride}"][0, :, 0], 0.0, 1.0)
            obj = np.clip(outputs[f"obj_{stride}"][0, :, 0], 0.0, 1.0)
            score = np.sqrt(cls * obj)
            chosen = np.nonzero(score >= self.score_threshold)[0]
            if chosen.size == 0:
                continue
            cols, rows = self._anchor_grid(stride, width, height)
            cols, rows = cols[chosen], rows[chosen]
            bbox = outputs[f"bbox_{stride}"][0, chosen]
            kps = outputs[f"kps_{stride}"][0, chosen]
            cx, cy = (cols + bbox[:, 0]) * stride, (rows + bbox[:, 1]) * stride
            w, h = np.exp(bbox[:, 2]) * stride, np.exp(bbox[:, 3]) * stride
            all_boxes.append(np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1))
            xs = (kps[:, 0::2] + cols[:, None]) * stride
            ys = (kps[:, 1::2] + rows[:, None]) * stride
            all_points.append(np.stack([xs, ys], axis=2).reshape(-1, 10))
            all_scores.append(score[chosen])
        if not all_scores:
            empty = np.zeros((0,), dtype=np.float32)
            return empty, np.zeros((0, 4), np.float32), np.zeros((0, 10), np.float32)
        return (np.concatenate(all_scores).astype(np.float32),
                np.concatenate(all_boxes).astype(np.float32),
                np.concatenate(all_points).astype(np.float32))
