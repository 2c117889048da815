"""Face alignment: a similarity transform of the 5 landmarks onto a recognizer's template.

The transform (rotation, uniform scale, translation; no shear) is the least-squares fit of the
five detected points onto the template's five points (Umeyama's closed form), then the frame
is resampled with ``cv2.warpAffine`` (bilinear). Pixels outside the frame are filled with
black (``cv2.BORDER_CONSTANT``), the convention the ArcFace-style templates were trained with;
``border=cv2.BORDER_REPLICATE`` is available for callers who measure otherwise.

Runs on the caller's (worker) thread; pure numpy + OpenCV, no state.
"""

from __future__ import annotations

import cv2
import numpy as np

from faceid.errors import VisionError
from faceid.types import FloatArray, ImageBGR

CANONICAL_CHIP_SIZE = 256
# The ArcFace 112 template scaled so the eyes are 64 px apart, centred in a 256 px square:
# every recognizer template used here (dlib 150, Intel 128, ArcFace 112) fits inside it, so
# enrollment keeps chips on it and quality checks read face regions from it.
_ARCFACE_112 = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                         [41.5493, 92.3655], [70.7299, 92.2041]], dtype=np.float32)
_CANONICAL_CENTRE = np.array([128.0, 132.0], dtype=np.float32)
CANONICAL_TEMPLATE: FloatArray = (
    (_ARCFACE_112 - _ARCFACE_112.mean(axis=0)) * (64.0 / 35.24) + _CANONICAL_CENTRE
).astype(np.float32)


def similarity_transform(source: FloatArray, target: FloatArray) -> FloatArray:
    """The 2x3 matrix M minimising sum |M [s; 1] - t|^2 over a similarity transform.

    ``source`` and ``target`` are (N, 2) points (N >= 2) in pixels; returns float32 (2, 3).
    Raises VisionError when the source points are degenerate (all at one place).
    """
    src = np.asarray(source, dtype=np.float64).reshape(-1, 2)
    dst = np.asarray(target, dtype=np.float64).reshape(-1, 2)
    if src.shape != dst.shape or src.shape[0] < 2:
        raise VisionError(f"need matching point sets, got {src.shape} and {dst.shape}")
    src_mean, dst_mean = src.mean(axis=0), dst.mean(axis=0)
    src_c, dst_c = src - src_mean, dst - dst_mean
    src_var = float((src_c**2).sum() / len(src))
    if not np.isfinite(src_var) or src_var < 1e-9:
        raise VisionError("landmarks are degenerate (all points coincide)")
    covariance = dst_c.T @ src_c / len(src)
    u, singular, vt = np.linalg.svd(covariance)
    sign = np.eye(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:  # a reflection: flip the weakest axis
        sign[1, 1] = -1.0
    rotation = u @ sign @ vt
    scale = float(np.trace(np.diag(singular) @ sign)) / src_var
    matrix = np.empty((2, 3), dtype=np.float64)
    matrix[:, :2] = scale * rotation
    matrix[:, 2] = dst_mean - matrix[:, :2] @ src_mean
    return matrix.astype(np.float32)


def align_face(image: ImageBGR, landmarks: FloatArray, template: FloatArray, chip_size: int,
               border: int = cv2.BORDER_CONSTANT) -> ImageBGR:
    """The ``chip_size`` square BGR chip whose 5 landmarks land on ``template``.

    ``landmarks`` (5, 2) are frame pixels in the order of faceid.types; ``template``
    (5, 2) float32 is in chip pixels, same order.
    """
    if image.ndim != 3 or image.shape[2] != 3:
        raise VisionError(f"align_face needs an H x W x 3 image, got {image.shape}")
    matrix = similarity_transform(np.asarray(landmarks, np.float32),
                                  np.asarray(template, np.float32))
    chip = cv2.warpAffine(image, matrix, (chip_size, chip_size), flags=cv2.INTER_LINEAR,
                          borderMode=border, borderValue=(0, 0, 0))
    return np.ascontiguousarray(chip, dtype=np.uint8)
