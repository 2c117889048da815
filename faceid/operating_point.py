"""The gallery-aware operating point: 1:N and 1:1 thresholds for THIS gallery.

A stranger is accepted (a false positive identification) when ANY of the gallery's
N people x k templates scores at or above the 1:N threshold t, so the expected FPIR is

    FPIR(t) = 1 - (1 - FMR(t)) ** (N * k)

with FMR(t) the per-comparison false match rate. FMR(t) is the largest 95% upper bound
(faceid.score_tails.fmr_upper) over the impostor tails available: each of the pack's
calibration sets, and the site's own (every pair of enrolled templates of two different
people) once it holds MIN_SITE_PAIRS pairs (about 70 people with 2 templates). The largest,
not a pool: a large Western set must not dilute the heavier tail of an East Asian one, and
the site's own sample can only make the threshold stricter (it is template against
template, never the live frames a stranger shows). A site may let its own sample stand alone
once it is large (``site_only_from`` pairs, setting ``vision.site_only_from_pairs``; off by
default): then the pack's small calibration sets no longer hold the threshold up.

- ``threshold_1to1``: the lowest grid threshold with FMR <= ``verify_fmr`` (default 1e-4),
  the face + code and PIN-confirmed path;
- ``threshold_1n``: the lowest grid threshold with FPIR <= ``target_fpir`` (default 1%), and
  never under ``threshold_1to1``; 1.0 when no threshold reaches the target (face alone cannot
  be safe for this gallery: face + code for everyone).
The margin and the multi-frame consensus cut FPIR further; they are not counted here, so the
stated FPIR is an upper bound. ``face_only_success`` is the share of the pack's genuine
calibration pairs (one photo against one photo, mean over sets) at or above ``threshold_1n``:
a lower estimate of a walk-up's chance, since the kiosk compares several frames with k
templates. Thresholds are cosine similarities. Pure: no Qt, no SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

import numpy as np
import numpy.typing as npt

from faceid.score_tails import PackCalibration, ScoreTail, cross_person_tail, fmr_upper

DEFAULT_TARGET_FPIR = 0.01
DEFAULT_VERIFY_FMR = 1e-4
MIN_SITE_PAIRS = 10_000  # the site's own sample counts from this many cross-person pairs on
GRID_STEP = 0.005
GRID = tuple(round(float(t), 3) for t in np.arange(0.0, 1.0 + GRID_STEP / 2, GRID_STEP))
METHOD = ("FPIR = 1-(1-FMR)^(N*k); FMR = max over the pack's calibration sets and the site's "
          "cross-person template scores (from 10,000 pairs) of a 95% upper bound: exact "
          "Poisson on exceedances up to each set's 100th highest score, above it an "
          "exponential tail with rate and scale at their 95% upper bounds")


@dataclass(frozen=True)
class OperatingPoint:
    """The thresholds chosen for one gallery, with every input they came from."""

    recognizer_id: str
    people: int
    templates: int
    target_fpir: float
    verify_fmr: float
    threshold_1n: float
    threshold_1to1: float
    fmr_at_1n: float  # per comparison, upper bound
    expected_fpir: float  # upper bound, before margin and consensus
    face_only_success: float | None
    site_pairs: int
    sources: tuple[str, ...]
    method: str = METHOD

    @property
    def templates_per_person(self) -> float:
        return self.templates / self.people if self.people else 0.0

    @property
    def face_alone_possible(self) -> bool:
        return self.threshold_1n < 1.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["sources"] = list(self.sources)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OperatingPoint:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        fields["sources"] = tuple(fields.get("sources", ()))
        return cls(**fields)

    def summary(self, language: str = "vi") -> str:
        """One line for doctor, logs and the web kiosk page."""
        success = ("?" if self.face_only_success is None
                   else f"{self.face_only_success:.0%}")
        if language == "en":
            return (f"{self.people:,} people enrolled: 1:N threshold {self.threshold_1n:.2f}, "
                    f"expected stranger acceptance <= {self.expected_fpir:.2%}, expected "
                    f"face-only success {success}; 1:1 threshold {self.threshold_1to1:.2f}")
        return (f"{self.people:,} người đã đăng ký: ngưỡng 1:N {self.threshold_1n:.2f}, tỉ lệ "
                f"nhận nhầm người lạ dự kiến <= {self.expected_fpir:.2%}, tỉ lệ nhận diện chỉ "
                f"bằng khuôn mặt dự kiến {success}; ngưỡng 1:1 {self.threshold_1to1:.2f}")


def expected_fpir(fmr: float, comparisons: int) -> float:
    """1 - (1 - fmr) ** comparisons, stable for tiny fmr."""
    if fmr >= 1.0:
        return 1.0
    return float(-np.expm1(comparisons * np.log1p(-fmr)))


def fmr_curve(tails: Sequence[ScoreTail]) -> npt.NDArray[np.float64]:
    """FMR upper bound at every GRID threshold: the largest over ``tails`` (1.0 if none)."""
    usable = [t for t in tails if t.pairs > 0]
    if not usable:
        return np.ones(len(GRID))
    return np.array([max(fmr_upper(t, threshold) for t in usable) for threshold in GRID])


def choose(calibration: PackCalibration, site: ScoreTail, people: int, templates: int,
           target_fpir: float = DEFAULT_TARGET_FPIR, verify_fmr: float = DEFAULT_VERIFY_FMR,
           site_only_from: int | None = None) -> OperatingPoint:
    """The operating point for ``people`` enrolled with ``templates`` templates in all.

    ``site_only_from`` (pairs; default None: never): from this many cross-person pairs the
    site's own sample replaces the pack's calibration sets instead of adding to them."""
    tails = [site, *calibration.tails] if site.pairs >= MIN_SITE_PAIRS else list(
        calibration.tails)
    if site_only_from is not None and site.pairs >= site_only_from:
        tails = [site]
    curve = fmr_curve(tails)
    comparisons = max(templates, 1)
    fpir = np.array([expected_fpir(f, comparisons) for f in curve])
    t_1to1 = _lowest(curve <= verify_fmr)
    t_1n = max(_lowest(fpir <= target_fpir), t_1to1)
    at = GRID.index(t_1n) if t_1n in GRID else len(GRID) - 1
    success = calibration.genuine_share_at(t_1n) if t_1n < 1.0 else 0.0
    return OperatingPoint(
        recognizer_id=calibration.recognizer_id, people=people, templates=templates,
        target_fpir=target_fpir, verify_fmr=verify_fmr, threshold_1n=t_1n,
        threshold_1to1=t_1to1, fmr_at_1n=float(curve[at]), expected_fpir=float(fpir[at]),
        face_only_success=success, site_pairs=site.pairs,
        sources=tuple(t.source for t in tails if t.pairs > 0))


def interim(previous: OperatingPoint, calibration: PackCalibration, people: int,
            templates: int) -> OperatingPoint:
    """The point deciding for a changed gallery (``people``, ``templates``) while its own is
    chosen off the inference thread (a quick bound, no cross-person pairs).

    ``previous`` itself while its FMR bound still keeps the expected FPIR within its target
    for the new number of comparisons (one more person: the old threshold keeps deciding, so
    a just-enrolled person is recognised at once). Otherwise the stricter of ``previous`` and
    the pack's calibration alone for the new gallery: a gallery that grew a lot (a large feed
    page) is never decided more loosely than either rule allows."""
    if expected_fpir(previous.fmr_at_1n, max(templates, 1)) <= previous.target_fpir:
        return previous
    fresh = choose(calibration, ScoreTail("site", 0, ()), people, templates,
                   previous.target_fpir, previous.verify_fmr)
    return fresh if fresh.threshold_1n >= previous.threshold_1n else previous


def _lowest(ok: npt.NDArray[np.bool_]) -> float:
    """The lowest grid threshold where ``ok`` holds from there up; 1.0 when none."""
    bad = np.flatnonzero(~ok)
    first = int(bad[-1]) + 1 if bad.size else 0
    return GRID[first] if first < len(GRID) else 1.0


def verification_threshold(calibration: PackCalibration, fallback: float,
                           verify_fmr: float = DEFAULT_VERIFY_FMR) -> float:
    """The 1:1 threshold (FMR <= ``verify_fmr``) from the pack's calibration sets alone: the
    enrolment duplicate guard's. ``fallback`` (the pack's match threshold) when the pack has
    no calibration."""
    if not calibration.tails:
        return fallback
    return _lowest(fmr_curve(calibration.tails) <= verify_fmr)


def for_gallery(calibration: PackCalibration, person_ids: Sequence[UUID],
                matrix: npt.ArrayLike, target_fpir: float = DEFAULT_TARGET_FPIR,
                verify_fmr: float = DEFAULT_VERIFY_FMR,
                site_only_from: int | None = None) -> OperatingPoint:
    """``choose`` for the templates of a gallery (``person_ids[i]`` owns row i, unit rows)."""
    site = cross_person_tail(person_ids, matrix, "site")
    return choose(calibration, site, len(set(person_ids)), len(person_ids), target_fpir,
                  verify_fmr, site_only_from)
