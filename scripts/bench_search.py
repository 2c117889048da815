#!/usr/bin/env python3
"""1:N search time over a large gallery: the int8 pre-filter against the exhaustive search.

The gallery mixes real templates with drawn ones: photos under ``--data`` (default
../shared/datasets/lfw-dev/images) are embedded by the pack; every other photo is enrolled,
the rest are probes, and the gallery is filled up to ``--templates`` (default 100,000, 5 per
person) with unit vectors drawn from a Gaussian with the real templates' second moment (so
the spread of scores is that of the pack's embeddings, not of isotropic noise). Every probe
is searched by both galleries (faceid.matcher.Gallery with and without the pre-filter);
the answers must agree (``disagreements`` counts those that do not) and each search is timed
in wall-clock and in CPU time of the calling thread. The machine's 1-minute load average is
reported beside the figures (a loaded machine stretches wall-clock times).

    .venv/bin/python scripts/bench_search.py [--pack auto] [--models-dir DIR] [--data DIR]
        [--photos 600] [--templates 100000] [--probes 300]

BLAS is limited to one thread (the kiosk's budget per stage). Progress goes to stderr; the
last stdout line is one JSON object.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_verification as common  # noqa: E402

DEFAULT_DATA = common.ROOT.parent / "shared" / "datasets" / "lfw-dev" / "images"
PER_PERSON = 5


def real_embeddings(pack: Any, folder: Path, photos: int) -> np.ndarray:
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".jpg", ".png"))
    rows = []
    for index, path in enumerate(paths[:photos]):
        row = common.embed_with_pack(pack, common.read_image(path))
        if row is not None:
            rows.append(row)
        if (index + 1) % 100 == 0:
            print(f"embedded {index + 1}/{min(photos, len(paths))}", file=sys.stderr, flush=True)
    matrix: np.ndarray = np.stack(rows).astype(np.float32)
    unit: np.ndarray = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    return unit


def gallery_rows(enrolled: np.ndarray, total: int, seed: int = 0) -> np.ndarray:
    """``enrolled`` then drawn unit rows with their second moment, ``total`` rows in all."""
    from faceid.matcher import normalise_rows

    rng = np.random.default_rng(seed)
    dim = enrolled.shape[1]
    moment = enrolled.T @ enrolled / len(enrolled) + 1e-4 * np.eye(dim)
    drawn = rng.multivariate_normal(np.zeros(dim), moment, max(0, total - len(enrolled)))
    return np.concatenate([enrolled, normalise_rows(drawn)])[:total]


def build(rows: np.ndarray, recognizer_id: str, prefilter: bool) -> tuple[Any, float]:
    """(gallery, seconds to fill and compile it)."""
    from faceid.matcher import Gallery

    start = time.perf_counter()
    gallery = Gallery(recognizer_id, prefilter_min_templates=0 if prefilter else 10**12)
    for first in range(0, len(rows), PER_PERSON):
        gallery.add(uuid.UUID(int=first + 1), rows[first:first + PER_PERSON])
    gallery.identify(rows[0])
    return gallery, time.perf_counter() - start


def figures(values: list[float], name: str) -> dict[str, float]:
    return {f"{name}_p50_ms": round(float(np.percentile(values, 50)) * 1000, 3),
            f"{name}_p95_ms": round(float(np.percentile(values, 95)) * 1000, 3)}


def search(galleries: dict[str, Any], probes: np.ndarray) -> dict[str, Any]:
    """Both galleries on every probe, interleaved (the same load for both)."""
    wall: dict[str, list[float]] = {name: [] for name in galleries}
    cpu: dict[str, list[float]] = {name: [] for name in galleries}
    disagreements = 0
    for probe in probes:
        answers = []
        for name, gallery in galleries.items():
            started, started_cpu = time.perf_counter(), time.thread_time()
            answers.append(gallery.identify(probe))
            cpu[name].append(time.thread_time() - started_cpu)
            wall[name].append(time.perf_counter() - started)
        first, other = answers
        disagreements += int((first.best_candidate, first.decision) != (
            other.best_candidate, other.decision) or abs(first.score - other.score) > 1e-6
            or abs(first.second_score - other.second_score) > 1e-6)
    result: dict[str, Any] = {"disagreements": disagreements}
    for name in galleries:
        result.update(figures(wall[name], f"{name}_wall"))
        result.update(figures(cpu[name], f"{name}_cpu"))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pack", default=common.DEFAULT_PACK)
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--photos", type=int, default=600, help="photos to embed (600)")
    parser.add_argument("--templates", type=int, default=100_000)
    parser.add_argument("--probes", type=int, default=300)
    args = parser.parse_args(argv)
    pack = common.load_kiosk_pack(args.pack, args.models_dir or common.default_models_dir())
    real = real_embeddings(pack, args.data, args.photos)
    rows = gallery_rows(real[::2], args.templates)
    probes = np.concatenate([real[1::2], real[::2]])[:args.probes]
    print(f"{len(rows)} templates, {len(probes)} probes: building", file=sys.stderr, flush=True)
    prefiltered, prefiltered_s = build(rows, pack.recognizer_id, True)
    exhaustive, exhaustive_s = build(rows, pack.recognizer_id, False)
    load_before = os.getloadavg()[0]
    result = search({"prefilter": prefiltered, "exhaustive": exhaustive}, probes)
    output = {"pack": pack.name, "templates": len(rows), "dim": int(rows.shape[1]),
              "probes": len(probes), "prefilter_answered": prefiltered.prefilter_answered,
              "build_prefilter_s": round(prefiltered_s, 2),
              "build_exhaustive_s": round(exhaustive_s, 2),
              "load_average_1min_before": round(load_before, 2),
              "load_average_1min_after": round(os.getloadavg()[0], 2), **result}
    print(json.dumps(output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
