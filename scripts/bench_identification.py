#!/usr/bin/env python3
"""Open-set 1:N identification benchmark, the way a kiosk works (ISO/IEC 19795-1 terms).

DIR holds ``<identity>/<images>``. Identities (sorted, then shuffled with ``--seed``) are split
in half. For the enrolled half, the first K images (sorted by name) go through the kiosk's own
enrollment (faceid.enrollment.enroll_images: quality gate, agreement check) and the rest
are mated probes; every image of the other half is a non-mated (stranger) probe. The kiosk's
matcher (faceid.matcher.Gallery) decides with the pack's default thresholds (match and
margin, cosine) unless ``--match-threshold`` / ``--margin`` override them.

Figures (percentages):
- rank1_pct: mated probes whose top-1 candidate is the right person, whatever the threshold;
- fnir_pct: mated probes NOT identified as their own identity (rejected, ambiguous, no face or
  wrong person);
- misidentification_pct: mated probes accepted as somebody else;
- fpir_pct: non-mated probes accepted as anyone;
- fte_pct: enrolled-half identities for which enrollment accepted no image (their probes are
  left out of the mated figures and counted in ``mated_probes_of_failed_enrollments``).
A probe with no detected face is not identified (counts in FNIR; a stranger without a face is
correctly not accepted); such probes are counted in ``probes_without_face``.

The last stdout line is one JSON object; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import uuid
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_verification as common  # noqa: E402  (scripts/ sibling: shared bench helpers)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


def list_identities(data: Path) -> dict[str, list[Path]]:
    """Identity name -> its image paths sorted by name (folders without images are skipped)."""
    found = {}
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        images = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if images:
            found[folder.name] = images
    return found


def split_identities(names: list[str], seed: int) -> tuple[list[str], list[str]]:
    """(enrolled, strangers): sorted names shuffled with ``seed``, first half enrolled."""
    order = np.random.default_rng(seed).permutation(len(names))
    shuffled = [sorted(names)[i] for i in order]
    half = len(shuffled) // 2
    return shuffled[:half], shuffled[half:]


def enroll(pack: Any, gallery: Any, people: dict[str, list[Path]], k: int,
           agreement: float | None) -> dict[str, uuid.UUID]:
    """Enroll each person's first k images; returns the ids of those with >= 1 template."""
    from faceid.enrollment import enroll_images

    enrolled = {}
    for index, (name, paths) in enumerate(people.items()):
        result = enroll_images(pack, [common.read_image(p) for p in paths[:k]],
                               agreement=agreement)
        if result.accepted:
            person = uuid.uuid5(uuid.NAMESPACE_URL, name)
            gallery.add(person, result.embeddings, pack.recognizer_id)
            enrolled[name] = person
        else:
            reasons = [r.reason.value for r in result.rejected]
            print(f"enrollment failed for {name}: {reasons}", file=sys.stderr)
        if (index + 1) % 10 == 0:
            print(f"enrolled {index + 1}/{len(people)}", file=sys.stderr, flush=True)
    return enrolled


def run(pack: Any, data: Path, k: int, seed: int, threshold: float | None,
        margin: float | None, agreement: float | None = None) -> dict[str, Any]:
    """Every figure of the module docstring for one dataset folder."""
    from faceid.matcher import Gallery

    identities = list_identities(data)
    enrolled_names, stranger_names = split_identities(list(identities), seed)
    gallery = Gallery(pack.recognizer_id, match_threshold=pack.thresholds.match,
                      margin=pack.thresholds.margin)
    ids = enroll(pack, gallery, {n: identities[n] for n in enrolled_names}, k, agreement)
    counts = {"mated": 0, "rank1": 0, "identified": 0, "misidentified": 0, "non_mated": 0,
              "false_positive": 0, "no_face": 0, "failed_enrollment_probes": 0}
    probes = [(n, p, True) for n in enrolled_names for p in identities[n][k:]]
    probes += [(n, p, False) for n in stranger_names for p in identities[n]]
    for index, (name, path, mated) in enumerate(probes):
        if mated and name not in ids:
            counts["failed_enrollment_probes"] += 1
            continue
        embedding = common.embed_with_pack(pack, common.read_image(path))
        counts["mated" if mated else "non_mated"] += 1
        if embedding is None:
            counts["no_face"] += 1
            continue
        match = gallery.identify(embedding, match_threshold=threshold, margin=margin)
        if mated:
            counts["rank1"] += match.best_candidate == ids[name]
            counts["identified"] += match.person_id == ids[name]
            counts["misidentified"] += match.accepted and match.person_id != ids[name]
        else:
            counts["false_positive"] += match.accepted
        if (index + 1) % 50 == 0:
            print(f"probes {index + 1}/{len(probes)}", file=sys.stderr, flush=True)
    mated, non_mated = max(counts["mated"], 1), max(counts["non_mated"], 1)
    return {
        "dataset": data.name, "pack": pack.name, "enroll_k": k, "seed": seed,
        "match_threshold": threshold if threshold is not None else pack.thresholds.match,
        "margin": margin if margin is not None else pack.thresholds.margin,
        "enroll_agreement": agreement,
        "enrolled_identities": len(ids), "stranger_identities": len(stranger_names),
        "fte_pct": round(100.0 * (len(enrolled_names) - len(ids)) / max(len(enrolled_names), 1),
                         2),
        "mated_probes": counts["mated"], "non_mated_probes": counts["non_mated"],
        "mated_probes_of_failed_enrollments": counts["failed_enrollment_probes"],
        "probes_without_face": counts["no_face"],
        "rank1_pct": round(100.0 * counts["rank1"] / mated, 2),
        "fnir_pct": round(100.0 * (counts["mated"] - counts["identified"]) / mated, 2),
        "misidentification_pct": round(100.0 * counts["misidentified"] / mated, 2),
        "fpir_pct": round(100.0 * counts["false_positive"] / non_mated, 2),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Figures: rank1_pct, fnir_pct, "
                                     "misidentification_pct, fpir_pct (ISO/IEC 19795-1).")
    parser.add_argument("--data", type=Path, required=True, help="folder of <identity>/<images>")
    parser.add_argument("--pack", default=common.DEFAULT_PACK,
                        help=f"model pack (default {common.DEFAULT_PACK})")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="installed models (default: the kiosk settings' models dir)")
    parser.add_argument("--enroll", type=int, default=2, help="images enrolled per person (2)")
    parser.add_argument("--seed", type=int, default=0, help="shuffle seed for the split (0)")
    parser.add_argument("--match-threshold", type=float, default=None,
                        help="override the pack's match threshold (cosine)")
    parser.add_argument("--margin", type=float, default=None,
                        help="override the pack's top-1/top-2 margin (cosine)")
    parser.add_argument("--enroll-agreement", type=float, default=None,
                        help="cosine an enrollment image must reach against the person's other "
                        "images (default: the enrollment code's own, the pack's match threshold)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if args.enroll < 1:
        raise SystemExit("--enroll must be at least 1")
    pack = common.load_kiosk_pack(args.pack, args.models_dir or common.default_models_dir())
    figures = run(pack, args.data, args.enroll, args.seed, args.match_threshold, args.margin,
                  args.enroll_agreement)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
