"""Intel face-reidentification-retail-0095 (Apache-2.0) over ONNX Runtime.

The model is an OpenVINO IR converted by kiosk.modelhub.convert_openvino. Graph input
``input`` float32 [N, 3, 128, 128], BGR, raw 0..255 -- the /255 is inside the graph, so the
chip must NOT be normalised again. Output ``embedding`` [N, 256], not normalised.

Chips are 128x128, cut by a similarity transform of the 5 landmarks onto Intel's reference
points (fractions of 128, from the model's documentation). As the model card advises, the
embedding of a chip is the sum of the outputs for the chip and its mirror image, then
L2-normalised; similarity is cosine. Both images go through one batched forward pass.

``embed`` runs on a worker thread, never the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from faceid.embedders.common import MirroredOnnxEmbedder
from faceid.errors import VisionError
from faceid.types import FloatArray, ImageBGR

RECOGNIZER_ID = "intel-reid-0095"
CHIP_SIZE = 128
DIM = 256

# Intel's reference landmarks as fractions of the 128 px chip: right eye, left eye, nose tip,
# right and left mouth corners (the order of faceid/types.py).
INTEL_REFERENCE_FRACTIONS = np.array(
    [[0.31556875, 0.4615741], [0.68262291, 0.4615741], [0.50026249, 0.64050535],
     [0.34947187, 0.82469198], [0.65343645, 0.82469198]], dtype=np.float32)
INTEL_128_TEMPLATE = INTEL_REFERENCE_FRACTIONS * np.float32(CHIP_SIZE)


def chips_with_mirrors_nchw(chips: list[ImageBGR], size: int, name: str) -> FloatArray:
    """(2N, 3, size, size) float32 BGR 0..255: the N chips, then their N mirror images."""
    blob = np.empty((2 * len(chips), 3, size, size), dtype=np.float32)
    for index, chip in enumerate(chips):
        if chip.shape != (size, size, 3):
            raise VisionError(f"{name} needs {size}x{size} BGR chips, got {chip.shape}")
        planar = chip.transpose(2, 0, 1)
        blob[index] = planar
        blob[len(chips) + index] = planar[:, :, ::-1]
    return blob


class IntelReidEmbedder(MirroredOnnxEmbedder):
    """256-d Intel 0095 embeddings of 128x128 BGR chips (face + mirror), L2-normalised."""

    recognizer_id = RECOGNIZER_ID
    chip_size = CHIP_SIZE
    dim = DIM

    def __init__(self, model_path: Path, threads: int = 1) -> None:
        super().__init__(model_path, threads)
        self.template: FloatArray = INTEL_128_TEMPLATE.copy()

    def _blob(self, chips: list[ImageBGR]) -> FloatArray:
        return chips_with_mirrors_nchw(chips, self.chip_size, "Intel 0095")
