"""Enrollment: several photos of one person -> checked templates plus the chips they came from.

Each image must show exactly one subject face, else it is rejected (NO_FACE, SEVERAL_FACES).
Faces in the background are not counted: those whose shorter side is under ``min_face_px`` or
under ``BACKGROUND_RATIO`` (0.7) of the largest face's (a person posing for enrollment is the
nearest face; one at 0.7 of its size stands about 1.4 times farther away). The subject must
pass the quality gate, then it is aligned and embedded with the pack. An image whose embedding
disagrees with the others -- its cosine similarity to the normalised component-wise median of
all accepted embeddings is under ``agreement`` (default: the pack's enrolment agreement) AND
at least ``OUTLIER_GAP`` (0.04) under the median of all samples' agreements -- is rejected as
probably another person. Why both: the median is a denoised centre, so genuine photos score
high against it (dlib pack, LFW: 0.97-0.99; another person's photo 0.83-0.91), but a pack
whose threshold is set for safety (dlib: 0.97) would otherwise reject genuine photos that
merely sit near it.
With only two accepted images that disagree, both are rejected: there is no telling which.

Chips: besides the embedding, each sample keeps a CANONICAL chip (256 x 256, the face placed
on ``CANONICAL_TEMPLATE``, wider than any recognizer's crop). ``rebuild_templates`` re-aligns
those chips onto another embedder's template, so templates can be rebuilt when the recognizer
changes without the original photos.

Runs on a worker thread (ONNX Runtime inference), never the GUI thread.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

import numpy as np

from faceid.align import CANONICAL_CHIP_SIZE, CANONICAL_TEMPLATE, align_face
from faceid.quality import MIN_FACE_PX, Quality, QualityIssue, assess_face
from faceid.types import Detection, Detector, Embedder, FloatArray, ImageBGR

log = logging.getLogger(__name__)

__all__ = ["CANONICAL_CHIP_SIZE", "CANONICAL_TEMPLATE", "EnrolledSample", "EnrollmentIssue",
           "EnrollmentResult", "Rejection", "canonical_chip", "enroll_images",
           "rebuild_templates"]

BACKGROUND_RATIO = 0.7
OUTLIER_GAP = 0.04


class EnrollmentIssue(enum.Enum):
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    DISAGREES = "disagrees_with_others"  # probably another person's photo


class PackLike(Protocol):
    """What enrollment needs of faceid.packs.ModelPack."""

    detector: Detector
    embedder: Embedder

    @property
    def thresholds(self) -> object: ...

    def align(self, image: ImageBGR, landmarks: FloatArray) -> ImageBGR: ...


@dataclass(frozen=True)
class EnrolledSample:
    """One accepted image: its embedding (recognizer's), canonical chip and measurements."""

    index: int
    embedding: FloatArray
    chip: ImageBGR
    quality: Quality
    agreement: float = 1.0  # cosine similarity to the median embedding


class Rejection(NamedTuple):
    """An image not used: its position in the input and why (unpacks as (index, reason))."""

    image_index: int
    reason: EnrollmentIssue | QualityIssue


@dataclass(frozen=True)
class EnrollmentResult:
    accepted: list[EnrolledSample] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def embeddings(self) -> FloatArray:
        """(len(accepted), dim) templates, ready for Gallery.add."""
        if not self.accepted:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([s.embedding for s in self.accepted]).astype(np.float32)


def canonical_chip(image: ImageBGR, landmarks: FloatArray) -> ImageBGR:
    """The 256 px canonical chip of one face (see module docstring)."""
    return align_face(image, landmarks, CANONICAL_TEMPLATE, CANONICAL_CHIP_SIZE)


def rebuild_templates(embedder: Embedder, chips: Sequence[ImageBGR]) -> FloatArray:
    """Embeddings of canonical ``chips`` by ``embedder`` (re-aligned onto its template)."""
    if not chips:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    template = embedder.template  # type: ignore[attr-defined]  # every embedder has one
    own_chips = [align_face(chip, CANONICAL_TEMPLATE, template, embedder.chip_size)
                 for chip in chips]
    return embedder.embed(own_chips)


def _subject(detections: list[Detection], min_face_px: int) -> Detection | EnrollmentIssue:
    if not detections:
        return EnrollmentIssue.NO_FACE
    largest = max(min(d.box[2], d.box[3]) for d in detections)
    floor = max(float(min_face_px), BACKGROUND_RATIO * largest)
    big = [d for d in detections if min(d.box[2], d.box[3]) >= floor]
    if len(big) > 1:
        return EnrollmentIssue.SEVERAL_FACES
    if big:
        return big[0]
    # only small faces: the largest goes to the quality gate, which says "move closer"
    return max(detections, key=lambda d: d.box[2] * d.box[3])


def enroll_images(pack: PackLike, images: Sequence[ImageBGR], min_face_px: int = MIN_FACE_PX,
                  agreement: float | None = None) -> EnrollmentResult:
    """Check, align and embed ``images`` of one person (see the module docstring).

    ``agreement`` is a cosine similarity; default the pack's ``thresholds.agreement``.
    """
    accepted: list[tuple[int, FloatArray, ImageBGR, Quality]] = []
    rejected: list[Rejection] = []
    for index, image in enumerate(images):
        subject = _subject(pack.detector.detect(image), min_face_px)
        if isinstance(subject, EnrollmentIssue):
            rejected.append(Rejection(index, subject))
            continue
        quality = assess_face(image, subject, min_face_px)
        if quality.reason is not None:
            rejected.append(Rejection(index, quality.reason))
            continue
        embedding = pack.embedder.embed([pack.align(image, subject.landmarks)])[0]
        accepted.append((index, embedding, canonical_chip(image, subject.landmarks), quality))
    bound = agreement if agreement is not None else float(
        getattr(pack.thresholds, "agreement", getattr(pack.thresholds, "match", 0.5)))
    samples, outliers = _check_agreement(accepted, bound)
    rejected.extend(Rejection(i, EnrollmentIssue.DISAGREES) for i in outliers)
    rejected.sort(key=lambda r: r.image_index)
    log.info("enrollment: %d accepted, %d rejected", len(samples), len(rejected))
    return EnrollmentResult(samples, rejected)


def _check_agreement(accepted: list[tuple[int, FloatArray, ImageBGR, Quality]],
                     bound: float) -> tuple[list[EnrolledSample], list[int]]:
    if len(accepted) < 2:
        return [EnrolledSample(i, e, c, q) for i, e, c, q in accepted], []
    rows = np.stack([e for _, e, _, _ in accepted]).astype(np.float32)
    if len(accepted) == 2:
        similarity = float(rows[0] @ rows[1])
        if similarity < bound:
            return [], [accepted[0][0], accepted[1][0]]
        return [EnrolledSample(i, e, c, q, similarity) for i, e, c, q in accepted], []
    median = np.median(rows, axis=0)
    median /= max(float(np.linalg.norm(median)), 1e-6)
    agreements = rows @ median
    typical = float(np.median(agreements))
    samples, outliers = [], []
    for (index, embedding, chip, quality), score in zip(accepted, agreements, strict=True):
        if score < bound and score < typical - OUTLIER_GAP:
            outliers.append(index)
        else:
            samples.append(EnrolledSample(index, embedding, chip, quality, float(score)))
    return samples, outliers
