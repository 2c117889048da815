"""An int8 copy of a large gallery that bounds every template's score in one cheap pass.

The exact 1:N search reads the whole float32 template matrix for every probe (100,000
256-d templates = 102 MB). This index keeps each template as 7-bit integers with its own
scale (26 MB; 13 MB once shortened, below) and scores all of them in one ONNX Runtime
``MatMulInteger`` (u8 probe x s8 templates, int32 sums: SIMD integer dot products), then
states for each template how far that approximate score can be from the exact cosine:

    |x . q - x^ . q^| <= |x - x^| |q| + |x^| |q - q^|     (Cauchy-Schwarz, |q| = 1)

where x^ and q^ are the dequantised template and probe. ``|x - x^|`` and ``|x^|`` are
measured per template when the index is built and ``|q - q^|`` per probe, so the bound is
the real error of these very numbers, not a worst case, plus a slack of BOUND_SLACK for
float32 rounding. The matcher (faceid.matcher) re-scores exactly, in float32, every
template whose upper bound reaches the second-best person's exact score: the decision and
both scores are those of the exhaustive search, only fewer templates are read in full.

Shorter still where the gallery allows: templates are first rotated onto their principal
directions (computed from the gallery when the index is built), and only the leading ones
that hold ENERGY_KEPT (97%) of the energy are kept in int8 (128 of 256 for the Intel pack's
embeddings); the rest of each template only enters the bound, as ``|x_tail| |q_tail|``
(Cauchy-Schwarz again). Isotropic rows (no short basis) are kept whole.

Templates use -63..63 (not -127..127): on x86 without VNNI, ONNX Runtime adds pairs of
u8 x s8 products in int16, which 255 x 63 x 2 = 32,130 cannot overflow.

Built on the thread that compiles the gallery (the kiosk: its own "gallery-index" thread,
faceid.matcher); ``approximate`` runs on the matcher's thread.
"""

from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt

from faceid.errors import GalleryError
from faceid.onnx_session import make_session_from_bytes
from faceid.types import FloatArray

log = logging.getLogger(__name__)

TEMPLATE_LEVELS = 63  # 7-bit signed templates: no int16 saturation (module docstring)
PROBE_LEVELS = 127  # the probe as u8 around a zero point of 128
PROBE_ZERO_POINT = 128
BOUND_SLACK = 1e-4  # float32 rounding of the rotation, the scaling and the exact score
ENERGY_KEPT = 0.97  # principal directions kept in the int8 copy: this share of the energy


def _search_model(templates: npt.NDArray[np.int8]) -> bytes:
    """An ONNX graph: scores (1, N) int32 = MatMulInteger(probe (1, dim) u8, templates^T)."""
    from onnx import TensorProto, helper, numpy_helper

    count, dim = templates.shape
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["probe", "templates", "zero_point"], ["scores"])],
        "gallery_int8",
        [helper.make_tensor_value_info("probe", TensorProto.UINT8, [1, dim])],
        [helper.make_tensor_value_info("scores", TensorProto.INT32, [1, count])],
        initializer=[numpy_helper.from_array(np.ascontiguousarray(templates.T), "templates"),
                     numpy_helper.from_array(np.array(PROBE_ZERO_POINT, np.uint8),
                                             "zero_point")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def principal_basis(matrix: FloatArray) -> tuple[FloatArray, int]:
    """(dim, dim) orthonormal basis of the rows' principal directions, strongest first, and
    how many of them (a multiple of 16) hold ENERGY_KEPT of the rows' energy; the identity
    and ``dim`` when the energy is spread (rotating would not shorten anything)."""
    dim = matrix.shape[1]
    moment = (matrix.T @ matrix).astype(np.float64) / matrix.shape[0]
    energy, vectors = np.linalg.eigh(moment)
    order = np.argsort(energy)[::-1]
    cumulative = np.cumsum(energy[order]) / max(float(energy.sum()), 1e-12)
    kept = int(np.searchsorted(cumulative, ENERGY_KEPT)) + 1
    kept = min(dim, -(-kept // 16) * 16)
    if kept > dim * 3 // 4:
        return np.eye(dim, dtype=np.float32), dim
    return np.ascontiguousarray(vectors[:, order], dtype=np.float32), kept


class QuantizedIndex:
    """Approximate cosine scores of every row of ``matrix`` (N, dim; unit rows) with bounds."""

    def __init__(self, matrix: FloatArray, threads: int = 1) -> None:
        if matrix.ndim != 2 or matrix.shape[0] == 0:
            raise GalleryError(f"cannot index a template matrix of shape {matrix.shape}")
        basis, kept = principal_basis(matrix)
        self._rotated = kept < matrix.shape[1]
        self._head_basis = np.ascontiguousarray(basis[:, :kept])
        self._tail_basis = np.ascontiguousarray(basis[:, kept:])
        head = matrix @ self._head_basis if self._rotated else matrix
        self._tail_norm = (np.linalg.norm(matrix @ self._tail_basis, axis=1).astype(np.float32)
                           if self._rotated else np.zeros(matrix.shape[0], np.float32))
        peaks = np.abs(head).max(axis=1)
        self._scales = (np.maximum(peaks, 1e-12) / TEMPLATE_LEVELS).astype(np.float32)
        quantised = np.rint(head / self._scales[:, None]).astype(np.int8)
        dequantised = quantised.astype(np.float32) * self._scales[:, None]
        self._template_error = np.linalg.norm(head - dequantised, axis=1).astype(np.float32)
        self._template_norm = np.linalg.norm(dequantised, axis=1).astype(np.float32)
        self._session = make_session_from_bytes(_search_model(quantised), threads=threads)
        self.count = int(matrix.shape[0])
        self.dims_kept = kept

    def approximate(self, probe: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(approximate scores, upper bounds of the exact scores), each (N,) float32, for a
        unit ``probe``; every exact cosine lies within the approximate one +- the same margin
        as the upper bound's."""
        head = probe @ self._head_basis if self._rotated else probe
        tail = float(np.linalg.norm(probe @ self._tail_basis)) if self._rotated else 0.0
        probe_scale = max(float(np.abs(head).max()), 1e-12) / PROBE_LEVELS
        levels = np.rint(head / probe_scale)
        probe_error = float(np.linalg.norm(head - levels * probe_scale))
        codes = (levels + PROBE_ZERO_POINT).astype(np.uint8)[None, :]
        sums = self._session.run(None, {"probe": codes})[0][0]
        approximate = sums.astype(np.float32)
        approximate *= self._scales
        approximate *= np.float32(probe_scale)
        margin = self._template_norm * np.float32(probe_error)
        margin += self._template_error
        if tail:
            margin += self._tail_norm * np.float32(tail)
        margin += np.float32(BOUND_SLACK)
        return approximate, approximate + margin
