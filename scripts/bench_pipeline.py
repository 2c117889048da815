#!/usr/bin/env python3
"""Per-stage latency of the kiosk pipeline, single-threaded, against native dlib in the same run.

For every photo under ``--data`` (default ../shared/datasets/faces-dev, all images
recursively): detect, align the largest face onto the pack's template, embed it, and match it
1:N against a gallery of ``--gallery-size`` templates (default 5000, the ministry's staff);
p50/p95 per stage in ms. The same photos go through native dlib (dlib-bin: HOG with one
upsample, 5-point predictor, get_face_chip, ResNet v1), and ``time_ratio_vs_dlib`` is the
kiosk's end-to-end per-face p50 (detect + align + embed + match) over dlib's per-face p50
(target: <= 0.3). Photos without a face in a pipeline are left out of that pipeline's per-face
figures (counted). Finally 1:N matching time of one probe against galleries of 1k, 10k and
100k random unit templates (p50/p95 over ``--probes`` probes; target p95 < 10 ms at 100k).

ONNX Runtime uses one intra-op thread and BLAS is limited to one thread (environment variables
set before numpy loads). The last stdout line is one JSON object; progress goes to stderr.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one thread, like the kiosk's budget per stage

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_verification as common  # noqa: E402

DEFAULT_DATA = common.ROOT.parent / "shared" / "datasets" / "faces-dev"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
GALLERY_SIZES = (1_000, 10_000, 100_000)


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50_ms": float("nan"), "p95_ms": float("nan")}
    return {"p50_ms": round(float(np.percentile(values, 50)), 3),
            "p95_ms": round(float(np.percentile(values, 95)), 3)}


def random_gallery(recognizer_id: str, size: int, dim: int, seed: int = 0) -> Any:
    """A kiosk Gallery of ``size`` people with one random unit template each."""
    from faceid.matcher import Gallery

    rng = np.random.default_rng(seed)
    rows = rng.standard_normal((size, dim)).astype(np.float32)
    gallery = Gallery(recognizer_id)
    for index in range(size):
        gallery.add(uuid.UUID(int=index + 1), rows[index])
    return gallery


def time_matching(gallery: Any, dim: int, probes: int) -> list[float]:
    """ms per ``identify`` call over random probes (the first call compiles the gallery)."""
    rng = np.random.default_rng(1)
    queries = rng.standard_normal((probes, dim)).astype(np.float32)
    gallery.identify(queries[0])
    times = []
    for query in queries:
        start = time.perf_counter()
        gallery.identify(query)
        times.append(1000 * (time.perf_counter() - start))
    return times


def kiosk_stages(pack: Any, images: list[np.ndarray], gallery: Any) -> dict[str, Any]:
    times = common.StageTimes()
    match_times, per_face, no_face = [], [], 0
    for index, image in enumerate(images):
        start = time.perf_counter()
        embedding = common.embed_with_pack(pack, image, times)
        if embedding is None:
            no_face += 1
            continue
        matched = time.perf_counter()
        gallery.identify(embedding)
        done = time.perf_counter()
        match_times.append(1000 * (done - matched))
        per_face.append(1000 * (done - start))
        if (index + 1) % 25 == 0:
            print(f"kiosk pipeline: {index + 1}/{len(images)}", file=sys.stderr, flush=True)
    return {"detect": percentiles(times.detect), "align": percentiles(times.align),
            "embed": percentiles(times.embed), "match": percentiles(match_times),
            "per_face": percentiles(per_face), "images_without_face": no_face}


def dlib_stages(images: list[np.ndarray]) -> dict[str, Any]:
    from dlib_reference import DlibReference

    reference = DlibReference()
    detect, landmarks, embed, per_face, no_face = [], [], [], [], 0
    for index, image in enumerate(images):
        rgb = np.ascontiguousarray(image[:, :, ::-1])
        start = time.perf_counter()
        rects = reference.detect(rgb)
        detected = time.perf_counter()
        detect.append(1000 * (detected - start))
        if not rects:
            no_face += 1
            continue
        rect = max(rects, key=lambda r: r.width() * r.height())
        chip = reference.chip(rgb, reference.landmarks(rgb, rect))
        aligned = time.perf_counter()
        reference.descriptors([chip])
        done = time.perf_counter()
        landmarks.append(1000 * (aligned - detected))
        embed.append(1000 * (done - aligned))
        per_face.append(1000 * (done - start))
        if (index + 1) % 25 == 0:
            print(f"native dlib: {index + 1}/{len(images)}", file=sys.stderr, flush=True)
    return {"detect": percentiles(detect), "landmarks_and_chip": percentiles(landmarks),
            "embed": percentiles(embed), "per_face": percentiles(per_face),
            "images_without_face": no_face}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Figures: per-stage p50_ms/p95_ms, "
                                     "time_ratio_vs_dlib, match_<N>_p95_ms.")
    parser.add_argument("--pack", default=common.DEFAULT_PACK,
                        help=f"model pack (default {common.DEFAULT_PACK})")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="installed models (default: the kiosk settings' models dir)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="photos, searched recursively (default ../shared/datasets/faces-dev)")
    parser.add_argument("--limit", type=int, default=None, help="use the first N photos only")
    parser.add_argument("--gallery-size", type=int, default=5000,
                        help="templates in the per-face match stage (5000)")
    parser.add_argument("--gallery-sizes", type=int, nargs="*", default=list(GALLERY_SIZES),
                        help="1:N timing galleries (default 1000 10000 100000)")
    parser.add_argument("--probes", type=int, default=200, help="probes per 1:N timing (200)")
    parser.add_argument("--no-dlib", action="store_true", help="skip the native dlib run")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    paths = sorted(p for p in args.data.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    paths = paths[: args.limit] if args.limit else paths
    images = [common.read_image(p) for p in paths]
    pack = common.load_kiosk_pack(args.pack, args.models_dir or common.default_models_dir())
    dim = pack.embedder.dim
    gallery = random_gallery(pack.recognizer_id, args.gallery_size, dim)
    figures: dict[str, Any] = {"pack": pack.name, "images": len(images),
                               "kiosk": kiosk_stages(pack, images, gallery)}
    if not args.no_dlib:
        figures["dlib"] = dlib_stages(images)
        figures["time_ratio_vs_dlib"] = round(figures["kiosk"]["per_face"]["p50_ms"]
                                              / figures["dlib"]["per_face"]["p50_ms"], 3)
    for size in args.gallery_sizes:
        print(f"1:N timing at {size} templates", file=sys.stderr, flush=True)
        timing = percentiles(time_matching(random_gallery(pack.recognizer_id, size, dim), dim,
                                           args.probes))
        figures[f"match_{size}_p50_ms"] = timing["p50_ms"]
        figures[f"match_{size}_p95_ms"] = timing["p95_ms"]
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
