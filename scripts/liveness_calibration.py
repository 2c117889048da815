"""Choosing the liveness threshold from measured P(real) scores (used by bench_liveness.py).

A record is one image's score with its kind (``live`` or ``attack``), subject and attempt.
NUAA-style names ``SUBJECT_GLASSES_POSITION_SESSION_FRAME.jpg`` give the subject (first
field) and the attempt (every field but the frame number): the frames of one capture of one
person. An attempt is scored as the kiosk does (faceid.liveness.LivenessCombiner): the mean
P(real) over ``frames`` frames, taken in frame order, in non-overlapping windows (a capture
with fewer frames than that is one shorter attempt).

The check on held-out data is leave-one-subject-out: for each subject, the threshold is
chosen by the rule below on the OTHER subjects and applied to that subject's images; the
held-out figures pool those decisions, so no image is judged by a threshold that saw its
subject (7 subjects in nuaa-dev are too few for one fixed split: two of them hold nearly all
the hard captures). Extra attacks without a subject (faces-dev/spoof) are in every part. The
default put in the code is the rule's threshold on all the data.

The rule, on the calibration part: the HIGHEST threshold on a grid (step 0.05) that accepts
no attack (image or attempt) and refuses at most ``max_bpcer_image`` of the real images and
``max_bpcer_attempt`` of the real attempts (the highest keeps the largest margin above the
attacks); when no grid value meets the refusal targets, the LOWEST grid value at least
``margin`` above the strongest attack (refusals cannot go lower without risking attacks).
It is then checked, unchanged, on the held-out part.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

GRID = tuple(round(0.05 * step, 2) for step in range(1, 20))


@dataclass(frozen=True)
class Record:
    kind: str  # "live" or "attack"
    name: str
    score: float  # P(real), 0..1
    every_split: bool = False  # extra attacks (no subject): in calibration AND held out

    @property
    def subject(self) -> str:
        return Path(self.name).stem.split("_")[0]

    @property
    def attempt(self) -> str:
        fields = Path(self.name).stem.split("_")
        return "_".join(fields[:-1]) if len(fields) > 1 else Path(self.name).stem

    @property
    def frame(self) -> int:
        last = Path(self.name).stem.split("_")[-1]
        return int(last) if last.isdigit() else 0


def attempt_scores(records: list[Record], frames: int) -> list[tuple[str, float]]:
    """(kind, mean P(real)) per attempt of ``frames`` frames (see the module docstring)."""
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for record in records:
        groups[(record.kind, record.attempt)].append(record)
    attempts = []
    for (kind, _key), members in sorted(groups.items()):
        members.sort(key=lambda r: r.frame)
        for start in range(0, len(members), frames):
            window = members[start:start + frames]
            attempts.append((kind, float(np.mean([r.score for r in window]))))
    return attempts


def rates(records: list[Record], threshold: float, frames: int) -> dict[str, object]:
    """Per image and per attempt: counts, BPCER and APCER (fractions) at ``threshold``."""
    per_image = [(r.kind, r.score) for r in records]
    figures: dict[str, object] = {"threshold": threshold, "attempt_frames": frames}
    for label, pairs in (("image", per_image), ("attempt", attempt_scores(records, frames))):
        live = np.array([s for k, s in pairs if k == "live"])
        attack = np.array([s for k, s in pairs if k == "attack"])
        figures[f"live_{label}s"] = int(live.size)
        figures[f"attack_{label}s"] = int(attack.size)
        figures[f"bpcer_{label}"] = float((live < threshold).mean()) if live.size else None
        figures[f"apcer_{label}"] = float((attack >= threshold).mean()) if attack.size else None
    return figures


def choose_threshold(records: list[Record], frames: int, max_bpcer_image: float,
                     max_bpcer_attempt: float, margin: float = 0.05) -> float:
    """The threshold by the module's rule on ``records`` (which must hold attacks)."""
    for threshold in sorted(GRID, reverse=True):
        figures = rates(records, threshold, frames)
        if (figures["apcer_image"] == 0.0 and figures["apcer_attempt"] == 0.0
                and figures["bpcer_image"] is not None
                and figures["bpcer_image"] <= max_bpcer_image
                and figures["bpcer_attempt"] <= max_bpcer_attempt):
            return threshold
    strongest = max(r.score for r in records if r.kind == "attack")
    return min((t for t in GRID if t >= strongest + margin), default=GRID[-1])


def leave_one_subject_out(records: list[Record], frames: int, max_bpcer_image: float,
                          max_bpcer_attempt: float) -> dict[str, object]:
    """Pooled held-out figures (see the module docstring) and the threshold per subject."""
    subjects = sorted({r.subject for r in records if not r.every_split})
    extra = [r for r in records if r.every_split]
    pooled: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # name -> [errors, total]
    chosen: dict[str, float] = {}
    for subject in subjects:
        others = [r for r in records if r.subject != subject or r.every_split]
        threshold = chosen[subject] = choose_threshold(others, frames, max_bpcer_image,
                                                       max_bpcer_attempt)
        mine = [r for r in records if r.subject == subject and not r.every_split]
        figures = rates(mine, threshold, frames)
        for label in ("image", "attempt"):
            for kind, error in (("live", "bpcer"), ("attack", "apcer")):
                total = int(figures[f"{kind}_{label}s"])  # type: ignore[call-overload]
                rate = figures[f"{error}_{label}"] or 0.0
                pooled[f"{error}_{label}"][0] += round(float(rate) * total)  # type: ignore[arg-type]
                pooled[f"{error}_{label}"][1] += total
    result: dict[str, object] = {
        "threshold_per_held_out_subject": chosen,
        "extra_attacks_accepted_at_lowest": sum(r.score >= min(chosen.values()) for r in extra)}
    for name, (errors, total) in pooled.items():
        result[name] = errors / total if total else None
        result[f"{name}_count"] = f"{errors}/{total}"
    return result
