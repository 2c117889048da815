#!/usr/bin/env python3
"""Write a pack's calibration score tails into models/score_tails.toml (measured, not typed).

For each ``--data DIR`` (a folder of ``<identity>/<images>``): the largest face of every image
is detected, aligned and embedded with the pack (faceid.calibration.embed_folder), every
pair of images is scored (cosine), and the set is stored under the pack's recognizer as
- ``impostor_pairs`` and ``impostor_top``: how many different-identity pairs, and their
  highest KEEP_TOP scores (faceid.score_tails), with ``dispersion``: how much the pairs
  of the same two identities vary together (quasi-Poisson, at the 100th-highest score), and
- ``genuine_quantiles``: 101 quantiles (0..100 %) of the same-identity pair scores.
The kiosk's gallery-aware threshold (faceid.operating_point) reads these. Other
recognizers' entries in the file are kept. Progress goes to stderr; the last stdout line is
one JSON object (pairs, and the FMR upper bounds at a few thresholds, per set).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HEADER = ("# Impostor score tails and genuine quantiles per recognizer and calibration set.\n"
          "# Written by scripts/fit_score_tails.py (do not edit by hand); read by\n"
          "# faceid.score_tails / faceid.operating_point. Scores are cosine.\n")


def measure(pack: Any, data: Path) -> dict[str, Any]:
    """One set's entry: impostor pair count and tail, genuine quantiles."""
    from faceid.calibration import embed_folder, pair_scores
    from faceid.score_tails import FIT_TOP, pearson_dispersion, tail_of_scores

    def progress(done: int, total: int) -> None:
        if done % 200 == 0:
            print(f"{data.name}: embedded {done}/{total}", file=sys.stderr, flush=True)

    embedded = embed_folder(pack, data, progress)
    genuine, impostor = pair_scores(embedded.labels, embedded.embeddings)
    tail = tail_of_scores(impostor, "")
    base = tail.top[min(FIT_TOP, len(tail.top)) - 1]
    dispersion = pearson_dispersion(embedded.labels, embedded.embeddings @ embedded.embeddings.T,
                                    base)
    quantiles = (np.quantile(genuine, np.linspace(0.0, 1.0, 101)) if genuine.size
                 else np.zeros(0))
    return {"images": len(embedded.labels), "skipped_images": len(embedded.skipped),
            "identities": len(set(embedded.labels)), "genuine_pairs": int(genuine.size),
            "impostor_pairs": tail.pairs, "dispersion": round(dispersion, 3),
            "impostor_top": [round(s, 5) for s in tail.top],
            "genuine_quantiles": [round(float(q), 5) for q in quantiles]}


def render(recognizers: dict[str, dict[str, Any]]) -> str:
    """The TOML text (numbers and flat lists only, so written without a TOML library)."""
    lines = [HEADER]
    for recognizer, entry in sorted(recognizers.items()):
        for name, source in sorted(entry["sources"].items()):
            lines.append(f'[recognizers."{recognizer}".sources."{name}"]')
            for key, value in source.items():
                if isinstance(value, list):
                    body = ",\n  ".join(", ".join(repr(v) for v in value[i:i + 10])
                                        for i in range(0, len(value), 10))
                    lines.append(f"{key} = [\n  {body},\n]" if value else f"{key} = []")
                else:
                    lines.append(f"{key} = {json.dumps(value)}")
            lines.append("")
    return "\n".join(lines)


def summarise(recognizer: str, path: Path) -> dict[str, Any]:
    from faceid.score_tails import fmr_upper, load_calibration

    calibration = load_calibration(recognizer, path)
    return {tail.source: {"impostor_pairs": tail.pairs,
                          **{f"fmr_upper_at_{t:.2f}": fmr_upper(tail, t)
                             for t in (0.5, 0.55, 0.6, 0.65, 0.7)}}
            for tail in calibration.tails}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", required=True,
                        help="folder of <identity>/<images>; repeat for several sets")
    parser.add_argument("--pack", default="auto", help="model pack (default auto, as the kiosk)")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="installed models (default: the kiosk settings' models dir)")
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "score_tails.toml",
                        help="the file to update (default models/score_tails.toml)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_verification as common

    pack = common.load_kiosk_pack(args.pack, args.models_dir or common.default_models_dir())
    existing = tomllib.loads(args.out.read_text()) if args.out.is_file() else {}
    recognizers = existing.get("recognizers", {})
    entry = recognizers.setdefault(pack.recognizer_id, {"sources": {}})
    for data in args.data:
        name = data.parent.name if data.name == "images" else data.name
        entry["sources"][name] = measure(pack, data)
    args.out.write_text(render(recognizers), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    print(json.dumps({"pack": pack.name, "recognizer_id": pack.recognizer_id,
                      "sets": summarise(pack.recognizer_id, args.out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
