#!/usr/bin/env python3
"""An INT8 copy of the default pack's embedder, with its LFW-dev parity and speed in one run.

Static quantisation by ONNX Runtime's tools (QDQ, per-channel int8 weights, uint8
activations calibrated on chips of ``--calibration`` photos: asian-dev by default, never the
evaluation set). Then, on the pairs of ``--pairs`` (lfw-dev), every image is detected and
aligned ONCE and the same chip is embedded by the float and the INT8 model: verification
accuracy (10-fold style, faces nearest the centre, scripts/bench_verification.py's protocol)
for both, and per-chip embedding time of both, interleaved, in wall-clock and thread CPU
time, with the 1-minute load average. ``parity_holds``: accuracy within 0.2 points;
``speed_holds``: the INT8 CPU p50 at most 0.8 x the float one. The pack switches only when
both hold, and that switch is a registry change (models/registry.toml), not this script.

    .venv/bin/python scripts/quantize_embedder.py [--models-dir DIR] [--out DIR]
        [--calibration DIR] [--pairs CSV] [--limit N]

The model is written to ``--out`` (default var/quantized/, never committed). Progress goes to
stderr; the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_verification as common  # noqa: E402

SHARED = common.ROOT.parent / "shared" / "datasets"
PACK = "yunet-intel0095"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp"}


def chips_of(pack: Any, paths: list[Path]) -> dict[Path, Any]:
    """The aligned chip of the face nearest the centre of each image (None: no face)."""
    chips: dict[Path, Any] = {}
    for index, path in enumerate(paths):
        image = common.read_image(path)
        detections = pack.detector.detect(image)
        chips[path] = (pack.align(image, common.central(detections, image).landmarks)
                       if detections else None)
        if (index + 1) % 200 == 0:
            print(f"chips: {index + 1}/{len(paths)}", file=sys.stderr, flush=True)
    return chips


class ChipReader:
    """Calibration batches for ONNX Runtime's quantiser: the embedder's own input blobs."""

    def __init__(self, embedder: Any, chips: list[Any]) -> None:
        self._name = embedder._input_name
        self._blobs: Iterator[Any] = (embedder._blob([chip]) for chip in chips)

    def get_next(self) -> dict[str, Any] | None:
        blob = next(self._blobs, None)
        return None if blob is None else {self._name: blob}


def quantise(source: Path, target: Path, embedder: Any, chips: list[Any]) -> None:
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    target.parent.mkdir(parents=True, exist_ok=True)
    prepared = target.with_suffix(".prepared.onnx")
    quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
    quantize_static(str(prepared), str(target), ChipReader(embedder, chips),
                    quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    calibrate_method=CalibrationMethod.MinMax)
    prepared.unlink(missing_ok=True)


def embed_both(float_model: Any, int8_model: Any,
               chips: dict[Path, Any]) -> tuple[dict[Path, Any], dict[Path, Any], dict[str, Any]]:
    """Embeddings by both models and their per-chip times (interleaved: the same load)."""
    rows: dict[str, dict[Path, Any]] = {"float": {}, "int8": {}}
    wall: dict[str, list[float]] = {"float": [], "int8": []}
    cpu: dict[str, list[float]] = {"float": [], "int8": []}
    for path, chip in chips.items():
        for name, model in (("float", float_model), ("int8", int8_model)):
            if chip is None:
                rows[name][path] = None
                continue
            started, started_cpu = time.perf_counter(), time.thread_time()
            rows[name][path] = model.embed([chip])[0]
            cpu[name].append(1000 * (time.thread_time() - started_cpu))
            wall[name].append(1000 * (time.perf_counter() - started))
    timing = {}
    for name in rows:
        for kind, values in (("wall", wall[name]), ("cpu", cpu[name])):
            timing[f"{name}_embed_{kind}_p50_ms"] = round(float(np.percentile(values, 50)), 3)
            timing[f"{name}_embed_{kind}_p95_ms"] = round(float(np.percentile(values, 95)), 3)
    return rows["float"], rows["int8"], timing


def _cosine(a: Any, b: Any) -> float:
    return float(np.dot(a, b))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=common.ROOT / "var" / "quantized")
    parser.add_argument("--calibration", type=Path, default=SHARED / "asian-dev")
    parser.add_argument("--calibration-images", type=int, default=100)
    parser.add_argument("--pairs", type=Path, default=SHARED / "lfw-dev" / "pairs.csv")
    parser.add_argument("--limit", type=int, default=None, help="pairs to use (all)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    from faceid.embedders.intel_reid import IntelReidEmbedder

    pack = common.load_kiosk_pack(PACK, args.models_dir or common.default_models_dir())
    calibration = sorted(p for p in args.calibration.rglob("*")
                         if p.suffix.lower() in IMAGE_SUFFIXES)[:args.calibration_images]
    calibration_chips = [c for c in chips_of(pack, calibration).values() if c is not None]
    target = args.out / "face-reidentification-retail-0095.int8.onnx"
    started = time.perf_counter()
    quantise(pack.embedder.model_path, target, pack.embedder, calibration_chips)
    quantise_s = time.perf_counter() - started
    int8_model = IntelReidEmbedder(target, threads=1)
    pairs = common.read_pairs(args.pairs, args.limit)
    chips = chips_of(pack, sorted({p.path1 for p in pairs} | {p.path2 for p in pairs}))
    load_before = os.getloadavg()[0]
    float_rows, int8_rows, timing = embed_both(pack.embedder, int8_model, chips)
    accuracy = {name: common.summarise(f"{name}_", common.pair_scores(pairs, rows, _cosine),
                                       pairs)
                for name, rows in (("float", float_rows), ("int8", int8_rows))}
    agreement = [float(np.dot(float_rows[p], int8_rows[p])) for p in chips
                 if float_rows[p] is not None]
    delta = accuracy["int8"]["int8_accuracy_pct"] - accuracy["float"]["float_accuracy_pct"]
    figures: dict[str, Any] = {
        "pack": PACK, "pairs": len(pairs), "images": len(chips),
        "calibration_chips": len(calibration_chips), "quantise_s": round(quantise_s, 1),
        "model": str(target), "model_bytes": target.stat().st_size,
        "float_model_bytes": pack.embedder.model_path.stat().st_size,
        **accuracy["float"], **accuracy["int8"], "accuracy_delta_points": round(delta, 3),
        "embedding_cosine_float_vs_int8_p5": round(float(np.percentile(agreement, 5)), 4),
        "embedding_cosine_float_vs_int8_median": round(float(np.median(agreement)), 4),
        **timing, "load_average_1min_before": round(load_before, 2),
        "load_average_1min_after": round(os.getloadavg()[0], 2)}
    figures["parity_holds"] = abs(delta) <= 0.2
    figures["speed_holds"] = (timing["int8_embed_cpu_p50_ms"]
                              <= 0.8 * timing["float_embed_cpu_p50_ms"])
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
