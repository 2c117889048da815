"""The shapes every vision component agrees on.

Conventions (all components):
- Images are numpy uint8 arrays, H x W x 3, BGR (OpenCV order), unless a name says otherwise.
- Landmarks are five (x, y) points in image pixels, float32, shape (5, 2), in this order:
  the subject's right eye (left in the image), left eye, nose tip, right mouth corner,
  left mouth corner -- the order YuNet, MTCNN and ArcFace templates use.
- Embeddings are float32, L2-normalised rows; similarity is cosine (dot product), higher is
  more alike, in [-1, 1]. A recognizer whose native metric is euclidean (dlib) still returns
  normalised vectors; its thresholds are expressed as cosine similarity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
ImageBGR = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Detection:
    """One face found in an image: box (x, y, w, h) in pixels, 5 landmarks, score in [0, 1]."""

    box: tuple[float, float, float, float]
    landmarks: FloatArray
    score: float


@runtime_checkable
class Detector(Protocol):
    """Finds faces. ``detect`` runs on a worker thread, never the GUI thread."""

    name: str

    def detect(self, image: ImageBGR) -> list[Detection]:
        """Faces in ``image`` with score >= the detector's threshold, best first."""
        ...


@runtime_checkable
class Embedder(Protocol):
    """Turns aligned face chips into embeddings. One implementation per model family."""

    recognizer_id: str  # e.g. "dlib-resnet-v1"; stored with every template
    chip_size: int  # side of the square aligned chip in pixels
    dim: int  # embedding length

    def embed(self, chips: list[ImageBGR]) -> FloatArray:
        """(N, dim) L2-normalised float32 rows, one per chip (chips are chip_size square BGR)."""
        ...


@runtime_checkable
class LivenessModel(Protocol):
    """Passive anti-spoofing on a full frame around one detection."""

    name: str

    def real_probability(self, image: ImageBGR, detection: Detection) -> float:
        """P(live face) in [0, 1]."""
        ...
