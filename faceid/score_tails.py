"""Impostor score tails: the high end of many different-person cosine scores, and FMR(t) from it.

A ``ScoreTail`` keeps how many impostor pairs were scored (``pairs``) and only the highest of
their scores (``top``, descending, at most ``KEEP_TOP``): enough to count exceedances at any
threshold above the lowest kept score, in a few kilobytes, whatever the number of pairs.

Pairs of photos of the same two people are not independent trials (one look-alike pair of
people gives many high scores), so each tail carries a quasi-Poisson ``dispersion``
(``pearson_dispersion``, measured at the tail's FIT_TOP-th score): counts and pairs are
divided by it before the bounds below, which widens them accordingly.

Sources: the pack's calibration photos (``models/score_tails.toml``, written by
``scripts/fit_score_tails.py`` from labelled datasets, never typed by hand) and a site's own
enrolled templates (``cross_person_tail``: every pair of templates of two different people;
same camera, same population, and it grows with the gallery).

FMR(t) (false match rate: share of impostor comparisons scoring >= t) is given as an upper
bound at ``CONFIDENCE`` (95%):
- up to the ``FIT_TOP``-th highest score: the exact Poisson bound on the observed exceedance
  count at t (k of ``pairs``);
- above it: an exponential tail (peaks-over-threshold with shape 0) fitted to the highest
  ``FIT_TOP`` scores, its rate at that score and its scale both at their 95% upper bounds.
  Cosine impostor scores have lighter-than-exponential tails, so extrapolating exponentially
  overstates FMR: conservative by construction, and it reaches FMR far below 1 / pairs,
  which counting alone (at best 3 / pairs with none seen) cannot.
Pure numpy and math; no Qt, no SQL. Runs on the calling (worker or script) thread.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import numpy as np
import numpy.typing as npt

from faceid.errors import VisionError

KEEP_TOP = 2000  # scores kept per tail (resolves FMR down to 2000 / pairs exactly)
FIT_TOP = 100  # highest scores the exponential extrapolation is fitted to
MIN_FIT = 10  # fewer kept scores than this: no extrapolation, the Poisson bound only
CONFIDENCE = 0.95
BLOCK_ROWS = 1024  # rows of the template matrix scored at once (memory: rows x templates)


@dataclass(frozen=True)
class ScoreTail:
    """``pairs`` impostor pairs scored; ``top``: their highest cosine scores, descending."""

    source: str
    pairs: int
    top: tuple[float, ...]
    dispersion: float = 1.0  # >= 1: how much pairs sharing two people vary together

    @property
    def effective_pairs(self) -> float:
        return self.pairs / self.dispersion

    @property
    def complete(self) -> bool:
        """Every score is kept (small samples): counts are exact at any threshold."""
        return len(self.top) >= self.pairs

    def exceedances(self, threshold: float) -> int | None:
        """Scores >= ``threshold``; None when the threshold is under the kept tail."""
        if not self.top:
            return 0
        if threshold < self.top[-1] and not self.complete:
            return None
        return int(np.searchsorted(-np.asarray(self.top), -threshold, side="right"))

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "pairs": self.pairs, "dispersion": self.dispersion,
                "top": [round(s, 5) for s in self.top]}


def tail_of_scores(scores: npt.ArrayLike, source: str, keep: int = KEEP_TOP) -> ScoreTail:
    """The tail of an array of impostor scores (cosine)."""
    values = np.asarray(scores, dtype=np.float64).ravel()
    top = np.sort(values)[::-1][:keep]
    return ScoreTail(source, int(values.size), tuple(float(s) for s in top))


def cross_person_tail(person_ids: Sequence[UUID | str], matrix: npt.ArrayLike, source: str = "site",
                      keep: int = KEEP_TOP) -> ScoreTail:
    """Tail of the scores between every two templates of DIFFERENT people (unit rows).

    ``person_ids[i]`` owns row i. Scored in blocks of BLOCK_ROWS rows, keeping the top
    ``keep`` per block, so memory stays about BLOCK_ROWS x templates floats. About 1 s for
    10,000 templates of 256 values on one core here.
    """
    rows = np.asarray(matrix, dtype=np.float32)
    if rows.shape[0] < 2:
        return ScoreTail(source, 0, ())
    _, owner = np.unique(np.asarray([str(p) for p in person_ids]), return_inverse=True)
    kept: list[npt.NDArray[np.float32]] = []
    pairs = 0
    for start in range(0, rows.shape[0], BLOCK_ROWS):
        block = rows[start:start + BLOCK_ROWS] @ rows.T
        index = np.arange(start, start + block.shape[0])[:, None]
        valid = (np.arange(rows.shape[0])[None, :] > index) & (
            owner[None, :] != owner[start:start + block.shape[0], None])
        scores = block[valid]
        pairs += int(scores.size)
        if scores.size > keep:
            scores = np.partition(scores, scores.size - keep)[-keep:]
        kept.append(scores)
    merged = tail_of_scores(np.concatenate(kept), source, keep)
    return ScoreTail(source, pairs, merged.top)


def poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean), summed in log space (numpy, k up to about 10^5)."""
    if mean <= 0.0:
        return 1.0
    i = np.arange(k + 1, dtype=np.float64)
    terms = i * math.log(mean) - mean - _log_factorials(k)
    peak = float(terms.max())
    return min(1.0, math.exp(peak) * float(np.exp(terms - peak).sum()))


@functools.lru_cache(maxsize=8)
def _log_factorials_upto(n: int) -> npt.NDArray[np.float64]:
    return np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, n + 1, dtype=np.float64)))])


def _log_factorials(k: int) -> npt.NDArray[np.float64]:
    """log(i!) for i = 0..k (from a cached table grown in powers of two)."""
    size = 1 << max(10, (k + 1).bit_length())
    return _log_factorials_upto(size)[:k + 1]


@functools.lru_cache(maxsize=65536)
def _solve_mean(k: int, target_cdf: float) -> float:
    """The Poisson mean at which P(X <= k) equals ``target_cdf`` (bisection; cached)."""
    low, high = 0.0, float(k + 10 + 10 * math.sqrt(k + 1))
    while poisson_cdf(k, high) > target_cdf:
        high *= 2.0
    for _ in range(60):
        middle = (low + high) / 2.0
        if poisson_cdf(k, middle) > target_cdf:
            low = middle
        else:
            high = middle
    return high


def rate_upper_bound(events: int, trials: int, confidence: float = CONFIDENCE) -> float:
    """One-sided upper bound on a rare-event rate (exact Poisson; 3.0 / trials for 0 events)."""
    if trials <= 0:
        return 1.0
    return min(1.0, _solve_mean(events, 1.0 - confidence) / trials)


def scale_upper_bound(excesses: npt.ArrayLike, confidence: float = CONFIDENCE) -> float:
    """Upper bound on an exponential scale from its excesses (sum/scale ~ Gamma(m, 1))."""
    values = np.asarray(excesses, dtype=np.float64)
    m = int(values.size)
    gamma_low = _solve_mean(m - 1, confidence)  # P(Gamma(m) <= x) = 1 - confidence
    return float(values.sum()) / max(gamma_low, 1e-12)


def fmr_upper(tail: ScoreTail, threshold: float, confidence: float = CONFIDENCE) -> float:
    """FMR at ``threshold`` (cosine), upper bound at ``confidence`` (module docstring).

    Counts and pairs are divided by the tail's ``dispersion`` first (quasi-Poisson): pairs of
    images of the same two people are not independent trials."""
    if tail.pairs <= 0:
        return 1.0
    count = tail.exceedances(threshold)
    if count is None:
        return 1.0  # below the kept tail: more than KEEP_TOP exceed, far above any target
    phi = max(tail.dispersion, 1.0)
    fitted = min(len(tail.top), FIT_TOP)
    base = float(tail.top[fitted - 1]) if fitted else 1.0
    if fitted < MIN_FIT or threshold <= base:
        return _scaled_rate_bound(count, tail.pairs, phi, confidence)
    top = np.asarray(tail.top[:fitted])
    excesses = top - base
    effective = max(2, math.ceil(fitted / phi))  # as many independent excesses as this
    scale = scale_upper_bound(np.full(effective, excesses.mean()), confidence)
    at_base = _scaled_rate_bound(fitted, tail.pairs, phi, confidence)
    return min(1.0, at_base * math.exp(-(threshold - base) / max(scale, 1e-9)))


def _scaled_rate_bound(events: int, trials: int, phi: float, confidence: float) -> float:
    return rate_upper_bound(math.ceil(events / phi), max(1, int(trials / phi)), confidence)


def pearson_dispersion(labels: Sequence[str], similarity: npt.NDArray[np.float32],
                       threshold: float) -> float:
    """Quasi-Poisson dispersion (>= 1) of exceedances of ``threshold`` over blocks of pairs
    that share the same two identities: sum((count - expected)^2 / expected) / (blocks - 1)."""
    names, owner = np.unique(np.asarray(labels), return_inverse=True)
    upper = np.triu(np.ones(similarity.shape, dtype=bool), k=1) & (owner[:, None] != owner)
    first, second = np.minimum(owner[:, None], owner), np.maximum(owner[:, None], owner)
    block = (first * len(names) + second)[upper]
    hits = (similarity[upper] >= threshold).astype(np.float64)
    sizes = np.bincount(block, minlength=len(names) ** 2).astype(np.float64)
    counts = np.bincount(block, weights=hits, minlength=len(names) ** 2)
    used = sizes > 0
    rate = counts[used].sum() / sizes[used].sum()
    expected = sizes[used] * rate
    if rate <= 0.0 or used.sum() < 2:
        return 1.0
    chi2 = float(((counts[used] - expected) ** 2 / expected).sum())
    return max(1.0, chi2 / (int(used.sum()) - 1))


@dataclass(frozen=True)
class PackCalibration:
    """One recognizer's calibration samples: impostor tails and genuine score quantiles."""

    recognizer_id: str
    tails: tuple[ScoreTail, ...]
    genuine_quantiles: dict[str, tuple[float, ...]]  # source -> 101 quantiles (0..100 %)

    def genuine_share_at(self, threshold: float) -> float | None:
        """Mean over sources of the share of genuine pairs scoring >= threshold."""
        shares = [float(1.0 - np.interp(threshold, q, np.linspace(0.0, 1.0, len(q))))
                  if threshold <= q[-1] else 0.0
                  for q in self.genuine_quantiles.values() if q]
        return sum(shares) / len(shares) if shares else None


def score_tails_path() -> Path:
    """The shipped ``models/score_tails.toml``."""
    from models import registry_path

    return registry_path().parent / "score_tails.toml"


def load_calibration(recognizer_id: str, path: Path | None = None) -> PackCalibration:
    """The pack calibration of ``recognizer_id``; empty (no sources) when none was fitted."""
    try:
        data = tomllib.loads((path or score_tails_path()).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return PackCalibration(recognizer_id, (), {})
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise VisionError(f"cannot read the pack score tails: {exc}") from exc
    entry = data.get("recognizers", {}).get(recognizer_id, {})
    tails, genuine = [], {}
    for name, source in sorted(entry.get("sources", {}).items()):
        tails.append(ScoreTail(name, int(source["impostor_pairs"]),
                               tuple(float(s) for s in source["impostor_top"]),
                               float(source.get("dispersion", 1.0))))
        genuine[name] = tuple(float(s) for s in source.get("genuine_quantiles", ()))
    return PackCalibration(recognizer_id, tuple(tails), genuine)
