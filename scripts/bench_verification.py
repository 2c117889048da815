#!/usr/bin/env python3
"""1:1 face verification benchmark over a pairs CSV (LFW protocol), kiosk pack vs native dlib.

Pairs file: columns fold, same (1/0), path1, path2; paths relative to the file's folder.
Protocol: for each fold, the cosine threshold that maximises accuracy on the OTHER folds is
applied to the held-out fold; accuracy is the mean and (population) std over folds. TAR at
FAR 1e-2 / 1e-3 is computed over all pairs (the threshold is the smallest score that lets at
most FAR x impostor pairs through). A ROC curve (log FAR axis) is saved as PNG.

Faces: each image is embedded once through the pack (detector -> one face -> the pack's
alignment -> embedder), single-threaded. Which face: ``--face central`` (default) takes the one
nearest the image centre, where verification sets such as LFW put the labelled person (their
photos often hold bystanders, some larger); ``--face largest`` is what the kiosk does at a
door, where the person checking in is the nearest. An image where the detector finds no face cannot
check anyone in at the kiosk, so every pair that involves it is scored -1 (a non-match
decision at any threshold): it counts against accuracy and TAR, never for them. Such images
are counted in ``images_without_face``.

``--compare-dlib`` also runs native dlib (dlib-bin: HOG with one upsample, 5-point predictor,
get_face_chip 150/0.25, ResNet v1) over the same pairs in the same run; its scores are negative
euclidean distances of raw descriptors (dlib's own metric). Where HOG finds no face, native
dlib uses a centre crop (the rectangle of the middle 50% of the image), the convention of the
reference figure in the dataset's SOURCE.md; those images are counted too.

The last stdout line is one JSON object of figures; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the kiosk package importable
    sys.path.insert(0, str(ROOT))

log = logging.getLogger("bench_verification")

Scores = npt.NDArray[np.float64]
NO_FACE_SCORE = -1.0
DEFAULT_PACK = "yunet-dlib"


@dataclass
class Pair:
    fold: int
    same: bool
    path1: Path
    path2: Path


def read_pairs(pairs_csv: Path, limit: int | None = None) -> list[Pair]:
    """The pairs of ``pairs_csv``; with ``limit``, the first limit/folds pairs of every fold
    (half genuine, half impostor where the file has both)."""
    with pairs_csv.open(newline="") as handle:
        rows = [Pair(int(r["fold"]), r["same"].strip() in ("1", "true", "True"),
                     pairs_csv.parent / r["path1"], pairs_csv.parent / r["path2"])
                for r in csv.DictReader(handle)]
    if limit is None or limit >= len(rows):
        return rows
    folds = sorted({p.fold for p in rows})
    per_group = max(1, limit // (2 * len(folds)))
    chosen = []
    for fold in folds:
        for same in (True, False):
            chosen += [p for p in rows if p.fold == fold and p.same == same][:per_group]
    return chosen


def default_models_dir() -> Path:
    from kiosk.settings import load_kiosk_settings

    return load_kiosk_settings().models.dir


def load_kiosk_pack(name: str, models_dir: Path) -> Any:
    """The kiosk's own pack, single-threaded (ModelMissingError says how to install it)."""
    from faceid.packs import load_pack

    return load_pack(name, models_dir, threads=1)


def largest(detections: list[Any], image: npt.NDArray[np.uint8] | None = None) -> Any:
    return max(detections, key=lambda d: d.box[2] * d.box[3])


def central(detections: list[Any], image: npt.NDArray[np.uint8] | None = None) -> Any:
    """The face whose box centre is nearest the image centre."""
    if image is None:
        return largest(detections)
    cy, cx = image.shape[0] / 2, image.shape[1] / 2
    return min(detections, key=lambda d: (d.box[0] + d.box[2] / 2 - cx) ** 2
               + (d.box[1] + d.box[3] / 2 - cy) ** 2)


@dataclass
class StageTimes:
    """Milliseconds per stage, appended per image."""

    detect: list[float] = field(default_factory=list)
    align: list[float] = field(default_factory=list)
    embed: list[float] = field(default_factory=list)


def embed_with_pack(pack: Any, image: npt.NDArray[np.uint8], times: StageTimes | None = None,
                    pick: Callable[..., Any] = largest) -> npt.NDArray[np.float32] | None:
    """L2-normalised embedding of the face ``pick`` chooses, or None when there is none."""
    start = time.perf_counter()
    detections = pack.detector.detect(image)
    detected = time.perf_counter()
    if not detections:
        if times is not None:
            times.detect.append(1000 * (detected - start))
        return None
    chip = pack.align(image, pick(detections, image).landmarks)
    aligned = time.perf_counter()
    row: npt.NDArray[np.float32] = pack.embedder.embed([chip])[0]
    done = time.perf_counter()
    if times is not None:
        times.detect.append(1000 * (detected - start))
        times.align.append(1000 * (aligned - detected))
        times.embed.append(1000 * (done - aligned))
    return row


def read_image(path: Path) -> npt.NDArray[np.uint8]:
    """BGR uint8; grayscale files come back as 3 identical channels."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise SystemExit(f"cannot read image {path}")
    return image


def embed_all(paths: list[Path], embed: Callable[[npt.NDArray[np.uint8]], Any],
              label: str) -> tuple[dict[Path, Any], list[float]]:
    """Embeddings (or None) per path and the per-image wall time in ms."""
    result: dict[Path, Any] = {}
    times = []
    for index, path in enumerate(paths):
        image = read_image(path)
        start = time.perf_counter()
        result[path] = embed(image)
        times.append(1000 * (time.perf_counter() - start))
        if (index + 1) % 100 == 0 or index + 1 == len(paths):
            print(f"{label}: {index + 1}/{len(paths)} images", file=sys.stderr, flush=True)
    return result, times


def dlib_embedder() -> Callable[[npt.NDArray[np.uint8]], Any]:
    """Native dlib with the centre-crop fallback described in the module docstring."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import dlib
    from dlib_reference import DlibReference

    reference = DlibReference()

    def embed(image: npt.NDArray[np.uint8]) -> Any:
        rgb = np.ascontiguousarray(image[:, :, ::-1])
        rects = sorted(reference.detect(rgb), key=lambda r: -(r.width() * r.height()))
        found = bool(rects)
        if not found:
            h, w = rgb.shape[:2]
            rects = [dlib.rectangle(w // 4, h // 4, 3 * w // 4, 3 * h // 4)]
        chip = reference.chip(rgb, reference.landmarks(rgb, rects[0]))
        return found, reference.descriptors([chip])[0]

    return embed


def best_threshold(scores: Scores, same: npt.NDArray[np.bool_]) -> float:
    """The threshold (accept if score >= t) with the highest accuracy on these pairs."""
    order = np.sort(np.unique(scores))
    candidates = np.concatenate([[order[0] - 1e-6], (order[:-1] + order[1:]) / 2,
                                 [order[-1] + 1e-6]])
    accepted = scores[None, :] >= candidates[:, None]
    accuracy = (accepted == same[None, :]).mean(axis=1)
    return float(candidates[int(np.argmax(accuracy))])


def fold_accuracies(scores: Scores, same: npt.NDArray[np.bool_],
                    folds: npt.NDArray[np.int64]) -> tuple[list[float], list[float]]:
    """Held-out accuracy per fold (%) and the threshold used for it."""
    accuracies, thresholds = [], []
    for fold in sorted(set(folds.tolist())):
        held = folds == fold
        if held.all():  # one fold only: fall back to the in-sample threshold
            threshold = best_threshold(scores, same)
        else:
            threshold = best_threshold(scores[~held], same[~held])
        accuracies.append(100.0 * float(((scores[held] >= threshold) == same[held]).mean()))
        thresholds.append(threshold)
    return accuracies, thresholds


def tar_at_far(scores: Scores, same: npt.NDArray[np.bool_], far: float) -> float:
    """TAR (%) at the lowest threshold letting at most ``far`` of impostor pairs through."""
    impostor = np.sort(scores[~same])[::-1]
    genuine = scores[same]
    if not len(impostor) or not len(genuine):
        return float("nan")
    allowed = int(np.floor(far * len(impostor)))
    threshold = impostor[allowed] if allowed < len(impostor) else -np.inf
    return 100.0 * float((genuine > threshold).mean())


def roc_points(scores: Scores, same: npt.NDArray[np.bool_]) -> tuple[Scores, Scores]:
    thresholds = np.sort(np.unique(scores))[::-1]
    far = np.array([(scores[~same] >= t).mean() for t in thresholds])
    tar = np.array([(scores[same] >= t).mean() for t in thresholds])
    return far, tar


def save_roc(curves: dict[str, tuple[Scores, Scores]], path: Path) -> None:
    """ROC curves (x: log10 FAR from 1e-3 to 1, y: TAR from 0.5 to 1) drawn with OpenCV."""
    width, height, margin = 640, 480, 60
    canvas = np.full((height, width, 3), 255, np.uint8)
    x0, y0, x1, y1 = margin, height - margin, width - 20, 20
    cv2.rectangle(canvas, (x0, y1), (x1, y0), (0, 0, 0), 1)
    for decade in (-3, -2, -1, 0):
        x = int(x0 + (decade + 3) / 3 * (x1 - x0))
        cv2.putText(canvas, f"1e{decade}", (x - 15, y0 + 20), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                    (0, 0, 0), 1)
    for tick in (0.5, 0.75, 1.0):
        y = int(y0 - (tick - 0.5) / 0.5 * (y0 - y1))
        cv2.putText(canvas, f"{tick:.2f}", (5, y + 4), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 1)
    cv2.putText(canvas, "FAR (log) ->  TAR", (x0 + 5, y0 + 40), cv2.FONT_HERSHEY_SIMPLEX, 0.45,
                (0, 0, 0), 1)
    colours = [(200, 0, 0), (0, 0, 200), (0, 150, 0)]
    for index, (label, (far, tar)) in enumerate(curves.items()):
        xs = x0 + (np.log10(np.clip(far, 1e-3, 1.0)) + 3) / 3 * (x1 - x0)
        ys = y0 - (np.clip(tar, 0.5, 1.0) - 0.5) / 0.5 * (y0 - y1)
        points = np.stack([xs, ys], axis=1).astype(np.int32).reshape(-1, 1, 2)
        colour = colours[index % len(colours)]
        cv2.polylines(canvas, [points], False, colour, 2)
        cv2.putText(canvas, label, (x1 - 170, y0 - 20 - 18 * index), cv2.FONT_HERSHEY_SIMPLEX,
                    0.5, colour, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), canvas)


def pair_scores(pairs: list[Pair], embeddings: dict[Path, Any],
                score: Callable[[Any, Any], float]) -> Scores:
    values = []
    for pair in pairs:
        a, b = embeddings[pair.path1], embeddings[pair.path2]
        values.append(NO_FACE_SCORE if a is None or b is None else score(a, b))
    return np.array(values, dtype=np.float64)


def summarise(prefix: str, scores: Scores, pairs: list[Pair]) -> dict[str, float]:
    same = np.array([p.same for p in pairs])
    folds = np.array([p.fold for p in pairs])
    accuracies, thresholds = fold_accuracies(scores, same, folds)
    return {
        f"{prefix}accuracy_pct": round(float(np.mean(accuracies)), 3),
        f"{prefix}accuracy_std_pct": round(float(np.std(accuracies)), 3),
        f"{prefix}threshold_mean": round(float(np.mean(thresholds)), 4),
        f"{prefix}tar_at_far_1e-2_pct": round(tar_at_far(scores, same, 1e-2), 2),
        f"{prefix}tar_at_far_1e-3_pct": round(tar_at_far(scores, same, 1e-3), 2),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Figures: accuracy_pct (mean +- std over folds), "
                                     "tar_at_far_1e-2_pct, tar_at_far_1e-3_pct, ms per image.")
    parser.add_argument("--pairs", type=Path, required=True, help="pairs CSV (fold,same,path1,"
                        "path2; paths relative to its folder)")
    parser.add_argument("--pack", default=DEFAULT_PACK, help=f"model pack (default {DEFAULT_PACK})")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="installed models (default: the kiosk settings' models dir)")
    parser.add_argument("--compare-dlib", action="store_true",
                        help="also run native dlib (dlib-bin) over the same pairs")
    parser.add_argument("--limit", type=int, default=None, help="use about N pairs (smoke test)")
    parser.add_argument("--face", choices=("central", "largest"), default="central",
                        help="which detected face an image stands for (default central: the "
                        "labelled person of a verification set)")
    parser.add_argument("--roc", type=Path, default=Path("/tmp/bench_verification_roc.png"),
                        help="where to save the ROC plot (PNG)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    pairs = read_pairs(args.pairs, args.limit)
    paths = sorted({p.path1 for p in pairs} | {p.path2 for p in pairs})
    pack = load_kiosk_pack(args.pack, args.models_dir or default_models_dir())
    pick = central if args.face == "central" else largest
    embeddings, times = embed_all(paths, lambda image: embed_with_pack(pack, image, pick=pick),
                                  args.pack)
    scores = pair_scores(pairs, embeddings, lambda a, b: float(np.dot(a, b)))
    same = np.array([p.same for p in pairs])
    figures: dict[str, Any] = {"pairs": len(pairs), "images": len(paths), "pack": pack.name,
                               "face": args.face,
                               "images_without_face": sum(e is None for e in embeddings.values()),
                               **summarise("", scores, pairs),
                               "ms_per_image_p50": round(float(np.median(times)), 2)}
    curves = {pack.name: roc_points(scores, same)}
    if args.compare_dlib:
        found_and_rows, dlib_times = embed_all(paths, dlib_embedder(), "native dlib")
        rows = {path: row for path, (_, row) in found_and_rows.items()}
        dlib_scores = pair_scores(pairs, rows, lambda a, b: -float(np.linalg.norm(a - b)))
        figures.update(summarise("dlib_", dlib_scores, pairs))
        figures["dlib_images_without_hog_face"] = sum(not f for f, _ in found_and_rows.values())
        figures["dlib_ms_per_image_p50"] = round(float(np.median(dlib_times)), 2)
        figures["time_ratio_vs_dlib"] = round(float(np.median(times) / np.median(dlib_times)), 3)
        curves["native dlib"] = roc_points(dlib_scores, same)
    save_roc(curves, args.roc)
    figures["roc_png"] = str(args.roc)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
