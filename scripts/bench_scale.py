#!/usr/bin/env python3
"""FPIR, misidentification and face-only success against gallery size, from measured tails.

Method (no photos are re-run: the tails were measured on real photos by
scripts/fit_score_tails.py and ship in models/score_tails.toml, per recognizer and set):
- FMR(t), per comparison: the largest over the pack's calibration sets of the 95% upper
  bound of faceid.score_tails.fmr_upper (exact Poisson on exceedances with the set's
  quasi-Poisson dispersion, then an exponential tail with rate and scale at their 95% upper
  bounds);
- for N people with k templates each, the threshold is the kiosk's own choice
  (faceid.operating_point.choose, target FPIR ``--target-fpir``), and at it:
  FPIR(N) = 1 - (1 - FMR)^(N*k) (a stranger matches anyone);
  misidentification(N) <= 1 - (1 - FMR)^((N-1)*k) (an enrolled person's probe matches one of
  the N-1 others; counted as if it were a stranger to them, an upper bound);
  face-only success(N) = share of the sets' genuine pairs at or above the threshold (mean over
  sets, one photo against one photo) x (1 - misidentification(N));
- the same figures at the old fixed threshold (``--fixed``, 0.55 for the default pack) show
  what a fixed rule costs as N grows.
Margin and multi-frame consensus are not counted (they only lower FPIR and misidentification).
Progress goes to stderr; the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZES = (100, 1_000, 5_000, 20_000)


def recognizer_of(pack_name: str, models_dir: Path | None) -> tuple[str, str, float]:
    """(pack, recognizer id, the pack's fixed match threshold) without loading any model."""
    from faceid.packs import choose_auto_pack
    from faceid.registry import load_registry

    registry = load_registry()
    if pack_name == "auto":
        if models_dir is None:
            from kiosk.settings import load_kiosk_settings

            models_dir = load_kiosk_settings().models.dir
        chosen = choose_auto_pack(registry, models_dir)
        if chosen is None:
            raise SystemExit(f"no complete pack installed in {models_dir}: name one with --pack")
        pack_name = chosen
    pack = registry.pack(pack_name)
    return pack.name, pack.recognizer, float(pack.thresholds.match)


def at_threshold(calibration: Any, threshold: float, people: int,
                 per_person: int) -> dict[str, Any]:
    """FPIR, misidentification and face-only success (percent) at a given threshold."""
    from faceid.operating_point import expected_fpir
    from faceid.score_tails import fmr_upper

    fmr = max(fmr_upper(t, threshold) for t in calibration.tails) if calibration.tails else 1.0
    fpir = expected_fpir(fmr, people * per_person)
    misid = expected_fpir(fmr, max(people - 1, 0) * per_person)
    genuine = calibration.genuine_share_at(threshold) or 0.0
    return {"threshold": threshold, "fmr_upper": fmr, "fpir_pct": round(100 * fpir, 3),
            "misidentification_pct": round(100 * misid, 3),
            "face_only_success_pct": round(100 * genuine * (1 - misid), 2)}


def row(calibration: Any, people: int, per_person: int, target_fpir: float,
        fixed: float) -> dict[str, Any]:
    from faceid.operating_point import choose
    from faceid.score_tails import ScoreTail

    point = choose(calibration, ScoreTail("site", 0, ()), people, people * per_person,
                   target_fpir=target_fpir)
    chosen = at_threshold(calibration, point.threshold_1n, people, per_person)
    return {"people": people, "templates": people * per_person,
            "threshold_1n": point.threshold_1n, "threshold_1to1": point.threshold_1to1,
            "fpir_pct": chosen["fpir_pct"],
            "misidentification_pct": chosen["misidentification_pct"],
            "face_only_success_pct": chosen["face_only_success_pct"],
            "fixed_threshold": at_threshold(calibration, fixed, people, per_person)}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pack", default="auto", help="model pack (default auto, as the kiosk)")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="installed models, to resolve auto (default: the kiosk's)")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                        help="gallery sizes in people (100 1000 5000 20000)")
    parser.add_argument("--templates-per-person", type=int, default=2, help="k (2)")
    parser.add_argument("--target-fpir", type=float, default=0.01, help="0.01 = 1%%")
    parser.add_argument("--fixed", type=float, default=None,
                        help="a fixed threshold to compare with (default: the pack's match)")
    parser.add_argument("--tails", type=Path, default=None,
                        help="score tails file (default models/score_tails.toml)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from faceid.operating_point import METHOD
    from faceid.score_tails import load_calibration

    args = parse_args(argv)
    pack, recognizer, pack_match = recognizer_of(args.pack, args.models_dir)
    calibration = load_calibration(recognizer, args.tails)
    if not calibration.tails:
        raise SystemExit(f"no score tails for {recognizer}: run scripts/fit_score_tails.py")
    fixed = args.fixed if args.fixed is not None else pack_match
    rows = []
    for people in args.sizes:
        print(f"{people} people ...", file=sys.stderr, flush=True)
        rows.append(row(calibration, people, args.templates_per_person, args.target_fpir, fixed))
    print(json.dumps({
        "pack": pack, "recognizer_id": recognizer, "target_fpir_pct": 100 * args.target_fpir,
        "templates_per_person": args.templates_per_person, "fixed_threshold": fixed,
        "sets": {t.source: {"impostor_pairs": t.pairs, "dispersion": t.dispersion}
                 for t in calibration.tails},
        "method": METHOD + "; misidentification <= 1-(1-FMR)^((N-1)*k); face-only success = "
                  "genuine share at the threshold (mean over sets) x (1 - misidentification)",
        "rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
