#!/usr/bin/env python3
"""Open-set 1:N identification benchmark with the kiosk's own decision policy (ISO/IEC 19795-1).

Each ``--data DIR`` holds ``<identity>/<images>`` (several sets pool their identities). For
each of ``--splits K`` splits (seed, seed+1, ...), the identities are shuffled and halved: the
enrolled half's first ``--enroll`` images go through the kiosk's own enrolment
(faceid.enrollment.enroll_images: quality gate, agreement check) and the rest are mated
probes; every image of the other half is a stranger (non-mated) probe. ``--fillers DIR``
(``<identity>/<images>``, e.g. lfw-dev/images) are enrolled the same way as extra gallery
people and never probed. Figures are pooled over the splits and also given per set.

The decision is the kiosk's: the gallery-aware operating point of the split's gallery
(faceid.operating_point.for_gallery: 1:N threshold for the target FPIR, 1:1 threshold
at FMR 1e-4) unless ``--match-threshold``; the pack's margin; and with ``--frames F`` (> 1)
consecutive probe images of one identity form one walk-up whose F frames must agree
(faceid.consensus.Consensus, as at the kiosk). The face + code flow (vision.mode auto):
when face alone is not sure -- the best score is at or above the 1:1 threshold but under the
1:N one, or two people are within the margin -- the kiosk asks for the employee code and
verifies 1:1 against that person's templates (mean score over the walk-up's frames). A mated
walk-up types its own code; a stranger types the code of a random enrolled person.

Figures (percentages, per walk-up):
- fnir_pct (face only): mated walk-ups not identified as their own identity;
- misidentification_pct: mated walk-ups accepted as somebody else (face only);
- fpir_pct: stranger walk-ups accepted as anyone (face only);
- face_code_punch_pct: mated walk-ups ending in a punch for the right person, face alone or
  after the code; lost_to_flow_pct: mated walk-ups whose own 1:1 score clears the 1:1
  threshold that still end without that punch;
- strangers_punched_pct: stranger walk-ups ending in a punch, face alone or after the code;
  face_code_mode_strangers_punched_pct: the same if every walk-up were asked for the code
  (``vision.mode = face_code``): the stranger's face against the random code's person, 1:1;
- fte_pct: enrolled-half identities for which enrolment accepted no image (their probes are
  left out). A probe without a detected face is never accepted.
The last stdout line is one JSON object; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_verification as common  # noqa: E402  (scripts/ sibling: shared bench helpers)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


@dataclass
class Identity:
    """One identity of a set: enrolment templates (None: enrolment failed) and the probe
    embedding of each image (None: no face)."""

    key: str
    set_name: str
    person: uuid.UUID
    templates: np.ndarray | None
    probes: list[np.ndarray | None]
    enrolled_images: int = 0  # the first images, used for enrolment: never mated probes


@dataclass
class Policy:
    threshold_1n: float
    threshold_1to1: float
    margin: float
    frames: int
    fusion: bool = False  # each frame decides on the mean of the walk-up's frames so far


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, **flags: bool) -> None:
        self.counts.update({k: int(v) for k, v in flags.items()})


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


def enrol_templates(pack: Any, paths: list[Path], agreement: float | None) -> np.ndarray | None:
    from faceid.enrollment import enroll_images

    result = enroll_images(pack, [common.read_image(p) for p in paths], agreement=agreement)
    return np.asarray(result.embeddings, dtype=np.float32) if result.accepted else None


def load_set(pack: Any, data: Path, k: int, agreement: float | None, probe: bool,
             limit: int | None = None) -> list[Identity]:
    """The identities of ``data`` (the first ``limit``): templates from each one's first k
    images, probe embeddings from all of them (when ``probe``)."""
    set_name = data.parent.name if data.name == "images" else data.name
    found = []
    identities = dict(list(list_identities(data).items())[:limit])
    for index, (name, paths) in enumerate(identities.items()):
        probes = ([common.embed_with_pack(pack, common.read_image(p)) for p in paths]
                  if probe else [])
        found.append(Identity(f"{set_name}/{name}", set_name,
                              uuid.uuid5(uuid.NAMESPACE_URL, f"{set_name}/{name}"),
                              enrol_templates(pack, paths[:k], agreement), probes, k))
        if (index + 1) % 50 == 0 or index + 1 == len(identities):
            print(f"{set_name}: {index + 1}/{len(identities)} identities", file=sys.stderr,
                  flush=True)
    return found


def build_gallery(pack: Any, people: list[Identity]) -> tuple[Any, list[uuid.UUID], np.ndarray]:
    from faceid.matcher import Gallery

    gallery = Gallery(pack.recognizer_id)
    owners: list[uuid.UUID] = []
    rows = []
    for person in people:
        if person.templates is not None:
            gallery.add(person.person, person.templates, pack.recognizer_id)
            owners += [person.person] * len(person.templates)
            rows.append(person.templates)
    return gallery, owners, np.concatenate(rows) if rows else np.zeros((0, 1), np.float32)


def walk_ups(probes: list[np.ndarray | None], frames: int) -> list[list[np.ndarray | None]]:
    """Consecutive probe images grouped into walk-ups of ``frames`` (a short tail is dropped
    unless it is the only one)."""
    groups = [probes[i:i + frames] for i in range(0, len(probes), frames)]
    return [g for g in groups if len(g) == frames] or groups[:1]


def decide(gallery: Any, frames: list[np.ndarray | None], policy: Policy) -> tuple[Any, bool]:
    """(person accepted by face alone or None, whether the kiosk asks for the code)."""
    from faceid.consensus import Consensus, DecisionKind
    from faceid.matcher import MatchDecision

    consensus = Consensus(required_frames=len(frames), unknown_frames=len(frames))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    ask = False
    seen: list[np.ndarray] = []
    for index, embedding in enumerate(frames):
        if embedding is None:
            return None, False  # no face in a frame: the walk-up is not recognised
        seen.append(embedding)
        probe = fused(seen) if policy.fusion else embedding
        match = gallery.identify(probe, policy.threshold_1n, policy.margin)
        ask = ask or match.decision is MatchDecision.AMBIGUOUS or (
            policy.threshold_1to1 <= match.score < policy.threshold_1n)
        decision = consensus.observe(0, match, start + timedelta(seconds=0.1 * index))
        if decision is not None and decision.kind is DecisionKind.MATCH:
            return decision.person_id, False
    return None, ask


def fused(embeddings: list[np.ndarray]) -> np.ndarray:
    """The mean of unit embeddings, re-normalised (faceid.code_policy's fusion)."""
    mean = np.mean(np.stack(embeddings), axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-6)


def verifies(gallery: Any, frames: list[np.ndarray | None], person: uuid.UUID,
             policy: Policy) -> bool:
    """1:1 after the code: mean score of the walk-up's frames against ``person``."""
    scores = [gallery.verify(e, person, policy.threshold_1to1).score for e in frames
              if e is not None]
    return bool(scores) and float(np.mean(scores)) >= policy.threshold_1to1


def probe_mated(gallery: Any, person: Identity, policy: Policy, tally: Tally) -> None:
    for frames in walk_ups(person.probes[person.enrolled_images:], policy.frames):
        accepted, ask = decide(gallery, frames, policy)
        own_clears = verifies(gallery, frames, person.person, policy)
        punched = accepted == person.person or (accepted is None and ask and own_clears)
        tally.add(mated=True, identified=accepted == person.person,
                  misidentified=accepted is not None and accepted != person.person,
                  asked=ask, punched_after_code=punched, own_clears=own_clears,
                  lost_to_flow=own_clears and not punched)


def probe_stranger(gallery: Any, person: Identity, people: list[uuid.UUID], policy: Policy,
                   rng: np.random.Generator, tally: Tally) -> None:
    for frames in walk_ups(person.probes, policy.frames):
        accepted, ask = decide(gallery, frames, policy)
        claimed = people[int(rng.integers(len(people)))]
        code_matches = verifies(gallery, frames, claimed, policy)
        by_code = accepted is None and ask and code_matches
        tally.add(non_mated=True, false_positive=accepted is not None, asked_stranger=ask,
                  stranger_punched=accepted is not None or by_code,
                  stranger_code_matches=code_matches)


def choose_policy(pack: Any, owners: list[uuid.UUID], rows: np.ndarray,
                  args: argparse.Namespace) -> tuple[Policy, Any]:
    """The kiosk's operating point for this gallery (or the fixed ``--match-threshold``)."""
    from faceid.operating_point import for_gallery
    from faceid.score_tails import load_calibration

    point = for_gallery(load_calibration(pack.recognizer_id), owners, rows,
                        target_fpir=args.target_fpir, site_only_from=args.site_only_from)
    threshold = args.match_threshold if args.match_threshold is not None else point.threshold_1n
    margin = args.margin if args.margin is not None else float(pack.thresholds.margin)
    return Policy(threshold, min(point.threshold_1to1, threshold), margin, args.frames,
                  args.fusion), point


def run_split(pack: Any, sets: list[Identity], fillers: list[Identity], seed: int,
              args: argparse.Namespace, tallies: dict[str, Tally]) -> dict[str, Any]:
    """One enrolment split: gallery, operating point, every probe; tallies updated."""
    enrolled_keys, _ = split_identities([p.key for p in sets], seed)
    enrolled = [p for p in sets if p.key in set(enrolled_keys)]
    strangers = [p for p in sets if p.key not in set(enrolled_keys)]
    gallery, owners, rows = build_gallery(pack, enrolled + fillers)
    policy, point = choose_policy(pack, owners, rows, args)
    rng = np.random.default_rng(seed)
    people = gallery.people
    for person in enrolled:
        if person.templates is None:
            tallies[person.set_name].add(failed_enrolment=True)
            continue
        tallies[person.set_name].add(enrolled=True)
        probe_mated(gallery, person, policy, tallies[person.set_name])
    for person in strangers:
        probe_stranger(gallery, person, people, policy, rng, tallies[person.set_name])
    print(f"split {seed}: {len(people)} people, {point.summary('en')}", file=sys.stderr,
          flush=True)
    return {"seed": seed, "gallery_people": len(people), "gallery_templates": len(owners),
            "threshold_1n": policy.threshold_1n, "threshold_1to1": policy.threshold_1to1,
            "stated_fpir_upper_pct": round(100 * point.expected_fpir, 3)}


def figures(counts: Counter[str]) -> dict[str, Any]:
    """Percentages of the module docstring from pooled counts."""
    mated, strangers = max(counts["mated"], 1), max(counts["non_mated"], 1)
    clears = max(counts["own_clears"], 1)

    def pct(value: int, base: int) -> float:
        return round(100.0 * value / base, 2)

    return {
        "mated_walkups": counts["mated"], "stranger_walkups": counts["non_mated"],
        "fte_pct": pct(counts["failed_enrolment"],
                       max(counts["failed_enrolment"] + counts["enrolled"], 1)),
        "fnir_pct": pct(counts["mated"] - counts["identified"], mated),
        "misidentification_pct": pct(counts["misidentified"], mated),
        "fpir_pct": pct(counts["false_positive"], strangers),
        "asked_for_code_pct": pct(counts["asked"], mated),
        "face_code_punch_pct": pct(counts["punched_after_code"], mated),
        "own_1to1_clears_pct": pct(counts["own_clears"], mated),
        "lost_to_flow_pct": pct(counts["lost_to_flow"], clears),
        "strangers_asked_for_code_pct": pct(counts["asked_stranger"], strangers),
        "strangers_punched_pct": pct(counts["stranger_punched"], strangers),
        "face_code_mode_strangers_punched_pct": pct(counts["stranger_code_matches"], strangers),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Figures: fnir_pct, misidentification_pct, "
                                     "fpir_pct (ISO/IEC 19795-1), face_code_punch_pct, "
                                     "strangers_punched_pct.")
    parser.add_argument("--data", type=Path, action="append", required=True,
                        help="folder of <identity>/<images>; repeat to pool several sets")
    parser.add_argument("--fillers", type=Path, default=None,
                        help="folder of <identity>/<images> enrolled as extra gallery people, "
                        "never probed (e.g. lfw-dev/images)")
    parser.add_argument("--max-fillers", type=int, default=None,
                        help="enrol only the first N filler identities")
    parser.add_argument("--splits", type=int, default=5, help="enrolment splits, pooled (5)")
    parser.add_argument("--frames", type=int, default=1,
                        help="probe images per walk-up that must agree (the kiosk's "
                        "consensus; 1 = every image decides alone)")
    parser.add_argument("--fusion", action="store_true",
                        help="with --frames: each frame decides on the mean embedding of the "
                        "walk-up's frames so far (multi-frame fusion)")
    parser.add_argument("--pack", default="auto", help="model pack (default auto, as the kiosk)")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="installed models (default: the kiosk settings' models dir)")
    parser.add_argument("--enroll", type=int, default=2, help="images enrolled per person (2)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first split (0)")
    parser.add_argument("--target-fpir", type=float, default=0.01,
                        help="vision.target_fpir of the operating point (0.01)")
    parser.add_argument("--site-only-from", type=int, default=None,
                        help="cross-person pairs from which the gallery's own sample replaces "
                        "the pack's calibration sets (vision.site_only_from_pairs; default off)")
    parser.add_argument("--match-threshold", type=float, default=None,
                        help="a fixed 1:N threshold (cosine) instead of the gallery-aware one")
    parser.add_argument("--margin", type=float, default=None,
                        help="override the pack's top-1/top-2 margin (cosine)")
    parser.add_argument("--enroll-agreement", type=float, default=None,
                        help="cosine an enrolment image must reach against the person's other "
                        "images (default: the enrolment code's own)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if args.enroll < 1 or args.splits < 1 or args.frames < 1:
        raise SystemExit("--enroll, --splits and --frames must be at least 1")
    pack = common.load_kiosk_pack(args.pack, args.models_dir or common.default_models_dir())
    sets = [p for data in args.data
            for p in load_set(pack, data, args.enroll, args.enroll_agreement, probe=True)]
    fillers = (load_set(pack, args.fillers, args.enroll, args.enroll_agreement, probe=False,
                        limit=args.max_fillers) if args.fillers else [])
    tallies = {name: Tally() for name in sorted({p.set_name for p in sets})}
    splits = [run_split(pack, sets, fillers, args.seed + s, args, tallies)
              for s in range(args.splits)]
    pooled: Counter[str] = Counter()
    for tally in tallies.values():
        pooled.update(tally.counts)
    print(json.dumps({
        "pack": pack.name, "sets": sorted(tallies), "enroll_k": args.enroll,
        "frames_per_walkup": args.frames, "fusion": args.fusion, "splits": len(splits),
        "filler_people": sum(p.templates is not None for p in fillers),
        "target_fpir_pct": 100 * args.target_fpir, "site_only_from": args.site_only_from,
        "fixed_match_threshold": args.match_threshold, "per_split": splits,
        "per_set": {name: figures(t.counts) for name, t in tallies.items()},
        **figures(pooled)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
