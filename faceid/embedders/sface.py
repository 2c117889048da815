"""OpenCV Zoo SFace (``face_recognition_sface_2021dec.onnx``, Apache-2.0): optional recognizer.

Input ``data`` [1, 3, 112, 112], RGB, 0..255 (no normalisation: it is inside the graph), chips
aligned to the ArcFace 112x112 five-point template. Output ``fc1`` [1, 128]; cosine after L2
normalisation. No flip averaging (OpenCV's own FaceRecognizerSF does not use it, and the
thresholds in the registry assume single-view embeddings).

The weights come only from the official OpenCV Zoo URL (or ``kiosk models install --from
DIR``); they are never bundled. ``embed`` runs on a worker thread, never the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from faceid.embedders.common import l2_normalise
from faceid.errors import VisionError
from faceid.onnx_session import make_session
from faceid.types import FloatArray, ImageBGR

# insightface / OpenCV FaceRecognizerSF 112x112 destination points, in chip pixels:
# right eye, left eye, nose tip, right and left mouth corners (faceid/types.py order).
ARCFACE_112_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
     [41.5493, 92.3655], [70.7299, 92.2041]], dtype=np.float32)


class SFaceEmbedder:
    """128-d SFace embeddings of 112x112 ArcFace-aligned BGR chips."""

    recognizer_id = "sface-2021dec"
    chip_size = 112
    dim = 128

    def __init__(self, model_path: Path, threads: int = 1) -> None:
        self.template: FloatArray = ARCFACE_112_TEMPLATE.copy()
        self._session = make_session(model_path, threads=threads)
        self._input_name = self._session.get_inputs()[0].name

    def embed(self, chips: list[ImageBGR]) -> FloatArray:
        """(N, 128) L2-normalised float32 rows, one per 112x112 BGR chip."""
        rows = np.zeros((len(chips), self.dim), dtype=np.float32)
        for index, chip in enumerate(chips):
            if chip.shape != (self.chip_size, self.chip_size, 3):
                raise VisionError(f"SFace needs {self.chip_size}x{self.chip_size} BGR chips, "
                                  f"got shape {chip.shape}")
            # BGR -> RGB, HWC -> CHW; the graph normalises on its own. One chip per run: the
            # published graph has a fixed batch of 1.
            blob = chip[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32)
            output = self._session.run(None, {self._input_name: blob})[0]
            rows[index] = np.asarray(output, dtype=np.float32).reshape(-1)[: self.dim]
        return l2_normalise(rows)
