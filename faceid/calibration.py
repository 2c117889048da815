"""Threshold calibration from a site's labelled photos (``kiosk calibrate``).

Input: a folder of ``<identity>/<images>``. Each image's largest face is detected, aligned and
embedded with the pack (images without a face are listed, not fatal). From every pair of
images: genuine scores (same identity) and impostor scores (different identities), cosine.

1:1 (verification, the PIN/QR/badge path): the proposed threshold is the lowest at which the
impostor pairs' false-accept rate (FAR) is at most ``target_far``; its false-reject rate (FRR)
is read off the genuine pairs.

1:N (identification, the walk-up path): a stranger is falsely accepted if ANY of the
``population`` enrolled people scores above the threshold, so one comparison may false-accept
only about target_far / population (FPIR ~ population x FAR). That per-comparison FAR needs at
least population / target_far impostor pairs to be measured at all; with fewer, the proposal
is the highest impostor score seen (an optimistic bound) and the report says the data cannot
show the target is met. 1:N is recommended only when that threshold is measured AND its FRR is
at most ``usable_frr`` (default 5%); otherwise 1:1.

Margin: leave-one-out over the photos (each photo probes a gallery of every other photo), the
smallest top-1 minus top-2 gap (top-2 = best score of another identity) that removes every
wrong-identity top-1 above the threshold, at least ``MIN_MARGIN``.

Runs on the calling thread (CLI); the embedding step is the slow part (one inference per image).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from faceid.errors import ImageDecodeError, VisionError
from faceid.imageio import image_files, read_image
from faceid.types import FloatArray

log = logging.getLogger(__name__)

MIN_MARGIN = 0.01
DEFAULT_USABLE_FRR = 0.05
TABLE_FARS = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5)


@dataclass(frozen=True)
class LabelledEmbeddings:
    labels: list[str]
    paths: list[Path]
    embeddings: FloatArray
    skipped: list[tuple[Path, str]] = field(default_factory=list)


@dataclass(frozen=True)
class RateRow:
    threshold: float
    far: float
    frr: float


@dataclass(frozen=True)
class CalibrationReport:
    recognizer_id: str
    identities: int
    images: int
    skipped: int
    genuine_pairs: int
    impostor_pairs: int
    target_far: float
    population: int
    threshold_1to1: float
    frr_1to1: float
    far_1to1: float
    threshold_1toN: float
    frr_1toN: float
    per_comparison_far_needed: float
    measurable_1toN: bool
    margin: float
    rank1_rate: float
    recommendation: str
    reason: str
    table: list[RateRow]

    def summary(self) -> dict[str, Any]:
        """The JSON line's figures (everything but the table)."""
        data = asdict(self)
        data.pop("table")
        return data


def embed_folder(pack: Any, data_dir: Path,
                 progress: Callable[[int, int], None] | None = None) -> LabelledEmbeddings:
    """Largest face of every image of ``data_dir/<identity>/`` embedded by ``pack``."""
    folders = sorted(p for p in Path(data_dir).iterdir() if p.is_dir()
                     and not p.name.startswith("."))
    jobs = [(folder.name, path) for folder in folders for path in image_files(folder)]
    labels, paths, rows, skipped = [], [], [], []
    for done, (label, path) in enumerate(jobs):
        if progress:
            progress(done, len(jobs))
        try:
            image = read_image(path)
            detections = pack.detector.detect(image)
        except (ImageDecodeError, VisionError) as exc:
            skipped.append((path, str(exc)))
            continue
        if not detections:
            skipped.append((path, "no face"))
            continue
        largest = max(detections, key=lambda d: d.box[2] * d.box[3])
        rows.append(pack.embed_detections(image, [largest])[0])
        labels.append(label)
        paths.append(path)
    embeddings = (np.stack(rows).astype(np.float32) if rows
                  else np.zeros((0, pack.embedder.dim), np.float32))
    return LabelledEmbeddings(labels, paths, embeddings, skipped)


def pair_scores(labels: list[str], embeddings: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(genuine, impostor) cosine scores over all unordered pairs of images."""
    similarity = embeddings @ embeddings.T
    names = np.array(labels)
    same = names[:, None] == names[None, :]
    upper = np.triu(np.ones_like(same, dtype=bool), k=1)
    return (similarity[same & upper].astype(np.float32),
            similarity[~same & upper].astype(np.float32))


def far_at(impostor: FloatArray, threshold: float) -> float:
    """Fraction of impostor scores accepted (>= threshold)."""
    return float((impostor >= threshold).mean()) if impostor.size else 0.0


def frr_at(genuine: FloatArray, threshold: float) -> float:
    """Fraction of genuine scores rejected (< threshold)."""
    return float((genuine < threshold).mean()) if genuine.size else 1.0


def threshold_for_far(impostor: FloatArray, target_far: float) -> float:
    """Lowest threshold whose FAR <= target_far (just above the allowed k-th best impostor)."""
    if impostor.size == 0:
        return 1.0
    ordered = np.sort(impostor)[::-1]
    allowed = int(np.floor(target_far * impostor.size))  # impostors we may accept
    return float(np.nextafter(ordered[allowed], np.float32(2.0))) if allowed < ordered.size \
        else float(ordered[-1])


def rate_table(genuine: FloatArray, impostor: FloatArray) -> list[RateRow]:
    """FAR/FRR at the thresholds meeting each of TABLE_FARS (those the data can resolve)."""
    rows = []
    for far in TABLE_FARS:
        if impostor.size and far * impostor.size >= 1 or far == TABLE_FARS[0]:
            threshold = threshold_for_far(impostor, far)
            rows.append(RateRow(threshold, far_at(impostor, threshold), frr_at(genuine, threshold)))
    return rows


def leave_one_out(labels: list[str], embeddings: FloatArray) -> tuple[FloatArray, FloatArray,
                                                                       np.ndarray]:
    """Per probe: top-1 score, top-2 score (another identity) and whether top-1 is right."""
    names = sorted(set(labels))
    index = np.array([names.index(label) for label in labels])
    similarity = embeddings @ embeddings.T
    np.fill_diagonal(similarity, -np.inf)
    best = np.full((len(labels), len(names)), -np.inf, dtype=np.float32)
    for person in range(len(names)):
        columns = index == person
        if columns.any():
            best[:, person] = similarity[:, columns].max(axis=1)
    order = np.argsort(-best, axis=1)
    rows = np.arange(len(labels))
    top1 = best[rows, order[:, 0]]
    top2 = best[rows, order[:, 1]] if len(names) > 1 else np.full(len(labels), -1.0)
    return top1, top2, order[:, 0] == index


def propose_margin(top1: FloatArray, top2: FloatArray, correct: np.ndarray,
                   threshold: float) -> float:
    """Smallest gap that rejects every wrong top-1 at or above ``threshold``."""
    wrong = (~correct) & (top1 >= threshold)
    if not wrong.any():
        return MIN_MARGIN
    return float(max(MIN_MARGIN, float((top1[wrong] - top2[wrong]).max()) + 1e-3))


def calibrate(data: LabelledEmbeddings, recognizer_id: str, target_far: float = 1e-3,
              population: int | None = None,
              usable_frr: float = DEFAULT_USABLE_FRR) -> CalibrationReport:
    """FAR/FRR trade-off and proposed thresholds for ``target_far`` (module docstring)."""
    identities = len(set(data.labels))
    if identities < 2 or len(data.labels) < 3:
        raise VisionError("calibration needs at least 2 identities and 3 usable images")
    population = population or identities
    genuine, impostor = pair_scores(data.labels, data.embeddings)
    t_1to1 = threshold_for_far(impostor, target_far)
    needed = target_far / population
    measurable = impostor.size * needed >= 1
    t_1ton = threshold_for_far(impostor, needed) if measurable else float(
        np.nextafter(impostor.max(), np.float32(2.0)))
    frr_1ton = frr_at(genuine, t_1ton)
    top1, top2, correct = leave_one_out(data.labels, data.embeddings)
    margin = propose_margin(top1, top2, correct, t_1ton)
    if measurable and frr_1ton <= usable_frr:
        recommendation, reason = "1:N", (f"at threshold {t_1ton:.3f} the data shows FPIR <= "
                                         f"{target_far:g} for {population} people with FRR "
                                         f"{frr_1ton:.1%}")
    elif not measurable:
        recommendation, reason = "1:1", (
            f"1:N for {population} people needs FAR <= {needed:.1e} per comparison; "
            f"{impostor.size} impostor pairs cannot show that (need >= {int(np.ceil(1 / needed))})"
            f"; even at the highest impostor score ({t_1ton:.3f}) FRR is {frr_1ton:.1%}. "
            "Use 1:1 (PIN/QR/badge) or calibrate on more identities")
    else:
        recommendation, reason = "1:1", (f"1:N for {population} people at FAR {needed:.1e} per "
                                         f"comparison rejects {frr_1ton:.1%} of genuine "
                                         f"attempts (> {usable_frr:.0%}): use 1:1")
    return CalibrationReport(
        recognizer_id=recognizer_id, identities=identities, images=len(data.labels),
        skipped=len(data.skipped), genuine_pairs=int(genuine.size),
        impostor_pairs=int(impostor.size), target_far=target_far, population=population,
        threshold_1to1=t_1to1, frr_1to1=frr_at(genuine, t_1to1),
        far_1to1=far_at(impostor, t_1to1), threshold_1toN=t_1ton, frr_1toN=frr_1ton,
        per_comparison_far_needed=needed, measurable_1toN=bool(measurable), margin=margin,
        rank1_rate=float(correct.mean()), recommendation=recommendation, reason=reason,
        table=rate_table(genuine, impostor))
