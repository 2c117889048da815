"""What the ONNX embedders share: unit-length rows, and the face-plus-mirror session.

Several recognizers embed a chip and its mirror image and add the two (a cheap, reliable
gain on frontal faces); they differ only in how chips become the network's input blob.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from faceid.onnx_session import make_session
from faceid.types import FloatArray, ImageBGR


def l2_normalise(rows: FloatArray) -> FloatArray:
    """Rows scaled to unit length (a zero row stays zero rather than becoming NaN)."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit: FloatArray = (rows / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit


class MirroredOnnxEmbedder:
    """An ONNX recognizer fed each chip and its mirror; subclasses set ``recognizer_id``,
    ``chip_size``, ``dim`` and ``template`` and say how chips become a blob (``_blob``)."""

    recognizer_id: str
    chip_size: int
    dim: int
    template: FloatArray

    def __init__(self, model_path: Path, threads: int = 1) -> None:
        """Open the converted model with ``threads`` intra-op threads."""
        self.model_path = model_path
        self._session = make_session(model_path, threads=threads)
        self._input_name = self._session.get_inputs()[0].name

    def _blob(self, chips: list[ImageBGR]) -> FloatArray:
        """The network input for the N chips followed by their N mirror images."""
        raise NotImplementedError

    def raw_outputs(self, chips: list[ImageBGR]) -> FloatArray:
        """(2N, dim) unnormalised outputs: rows 0..N-1 the chips, N..2N-1 their mirrors."""
        blob = self._blob(chips)
        output = self._session.run(None, {self._input_name: blob})[0]
        rows: FloatArray = np.asarray(output, dtype=np.float32).reshape(len(blob), self.dim)
        return rows

    def embed(self, chips: list[ImageBGR]) -> FloatArray:
        """(N, dim) L2-normalised float32 rows, one per chip (face and mirror added)."""
        if not chips:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = self.raw_outputs(chips)
        return l2_normalise(rows[: len(chips)] + rows[len(chips):])
