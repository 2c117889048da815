"""dlib's face-recognition ResNet v1 (CC0) over ONNX Runtime, converted by convert_dlib.

Input of the converted graph: ``input`` float32 [N, 3, 150, 150], RGB, raw 0..255 (dlib's mean
subtraction and /256 are inside the graph). Output: dlib's raw 128-d descriptor (norm about
1.4 on faces); ``embed`` L2-normalises it so that similarity is cosine like every other
recognizer. dlib's own rule "same person if euclidean distance < 0.6" corresponds to a cosine
of about 1 - 0.6**2 / (2 * 1.4**2) = 0.91 on the normalised rows; the accuracy-optimal LFW-dev
threshold measured with this embedder is 0.91-0.915 (see models/README.md).

Chips are 150x150, cut by a similarity transform of the detector's 5 landmarks (YuNet/MTCNN
style: eye centres, nose tip, mouth corners) onto ``DLIB_150_TEMPLATE``, the approximate
template of ../shared/models/README.md. Measured on LFW-dev (3,000 pairs, YuNet landmarks,
flip-averaged): it scored 98.50%; the same template scaled by 0.94 or 1.06 about the chip
centre scored 97.97% and 98.43%; the median position of YuNet's landmarks inside dlib's own
``get_face_chip`` chips (398 faces; [[45.5, 44.8], [102.7, 44.9], [75.0, 76.1], [51.3, 101.5],
[99.6, 101.5]]) scored 98.07% without flip vs 98.23% for this template without flip.
Enrollment and check-in must use the same alignment: templates from native dlib chips are not
interchangeable with these.

Flip averaging (default on): the descriptors of the chip and of its mirror image are summed
before normalising. On LFW-dev it raised accuracy from 98.23% to 98.50% and TAR at FAR 1e-3
from 93.2% to 93.8%, for a second forward pass (about +12 ms per face on one core here).

``embed`` runs on a worker thread, never the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from faceid.embedders.common import l2_normalise
from faceid.errors import VisionError
from faceid.onnx_session import make_session
from faceid.types import FloatArray, ImageBGR

RECOGNIZER_ID = "dlib-resnet-v1"
CHIP_SIZE = 150
DIM = 128

# Approximate template from ../shared/models/README.md (chip pixels; right eye, left eye, nose
# tip, right and left mouth corners -- the order of faceid/types.py).
DLIB_150_TEMPLATE = np.array(
    [[46.3, 45.1], [100.7, 46.5], [74.0, 78.8], [53.8, 101.5], [97.8, 102.8]],
    dtype=np.float32)


def chips_to_blob(chips: list[ImageBGR], size: int = CHIP_SIZE) -> FloatArray:
    """(N, 3, size, size) float32 RGB 0..255 from BGR uint8 chips; VisionError on a bad shape."""
    blob = np.empty((len(chips), 3, size, size), dtype=np.float32)
    for index, chip in enumerate(chips):
        if chip.shape != (size, size, 3):
            raise VisionError(f"dlib ResNet needs {size}x{size} BGR chips, got {chip.shape}")
        blob[index] = chip[:, :, ::-1].transpose(2, 0, 1)
    return blob


class DlibResnetEmbedder:
    """128-d dlib ResNet embeddings of 150x150 BGR chips, L2-normalised (cosine)."""

    recognizer_id = RECOGNIZER_ID
    chip_size = CHIP_SIZE
    dim = DIM

    def __init__(self, model_path: Path, threads: int = 1, flip: bool = True) -> None:
        """Open the converted model. ``flip`` adds the mirrored chip's descriptor before
        normalising (costs a second forward pass; see the model card for whether it helps)."""
        self.template: FloatArray = DLIB_150_TEMPLATE.copy()
        self.model_path = model_path
        self.flip = flip
        self._session = make_session(model_path, threads=threads)
        self._input_name = self._session.get_inputs()[0].name

    def raw_descriptors(self, chips: list[ImageBGR]) -> FloatArray:
        """(N, 128) dlib descriptors exactly as native dlib computes them (not normalised)."""
        if not chips:
            return np.zeros((0, self.dim), dtype=np.float32)
        blob = chips_to_blob(chips, self.chip_size)
        output = self._session.run(None, {self._input_name: blob})[0]
        rows: FloatArray = np.asarray(output, dtype=np.float32).reshape(len(chips), self.dim)
        return rows

    def embed(self, chips: list[ImageBGR]) -> FloatArray:
        """(N, 128) L2-normalised float32 rows, one per 150x150 BGR chip."""
        rows = self.raw_descriptors(chips)
        if self.flip and chips:
            rows = rows + self.raw_descriptors([np.ascontiguousarray(c[:, ::-1]) for c in chips])
        return l2_normalise(rows)
