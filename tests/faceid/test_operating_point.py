"""The gallery-aware operating point on real photos and the shipped pack calibration.

Faces: asian-dev (East Asian sets) and lfw-dev identities as extra gallery people
("fillers"), embedded with the real default pack. The calibration tails are the shipped
models/score_tails.toml, measured by scripts/fit_score_tails.py.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from faceid.operating_point import (
    DEFAULT_TARGET_FPIR,
    OperatingPoint,
    choose,
    expected_fpir,
    for_gallery,
    interim,
)
from faceid.score_tails import (
    FIT_TOP,
    ScoreTail,
    cross_person_tail,
    fmr_upper,
    load_calibration,
    pearson_dispersion,
    rate_upper_bound,
    tail_of_scores,
)
from tests.conftest import need_shared
from tests.faceid.conftest import read

pytestmark = [pytest.mark.shared]

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")


@pytest.fixture(scope="module")
def default_pack(vision_models_dir: Path):  # type: ignore[no-untyped-def]
    """The pack "auto" resolves to, with its shipped calibration (skip when it has none)."""
    from faceid.packs import load_pack

    pack = load_pack("auto", vision_models_dir, threads=1)
    if not load_calibration(pack.recognizer_id).tails:
        pytest.skip(f"no calibration tails shipped for {pack.recognizer_id}")
    return pack


def embed_identities(pack, folders: list[Path], per_person: int) -> tuple[list[uuid.UUID],
                                                                          np.ndarray]:
    """The largest face of each identity's first ``per_person`` images: (owner, rows)."""
    owners, rows = [], []
    for folder in folders:
        person = uuid.uuid5(uuid.NAMESPACE_URL, folder.name)
        images = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        for path in images[:per_person]:
            image = read(path)
            detections = pack.detector.detect(image)
            if detections:
                largest = max(detections, key=lambda d: d.box[2] * d.box[3])
                rows.append(pack.embed_detections(image, [largest])[0])
                owners.append(person)
    return owners, np.stack(rows).astype(np.float32)


def identity_folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir())


def test_poisson_upper_bounds_match_the_chi_square_tables() -> None:
    # One-sided 95%: 0 events -> 2.996, 10 events -> 16.96 (chi2(0.95; 2k+2) / 2).
    assert rate_upper_bound(0, 1_000_000) == pytest.approx(2.9957e-6, rel=1e-3)
    assert rate_upper_bound(10, 1_000) == pytest.approx(16.96e-3, rel=1e-3)


def test_expected_fpir_compounds_the_comparisons() -> None:
    assert expected_fpir(1e-4, 10_000) == pytest.approx(1 - (1 - 1e-4) ** 10_000)
    assert expected_fpir(1e-9, 1) == pytest.approx(1e-9)
    assert expected_fpir(1.0, 5) == 1.0


def test_the_fmr_bound_holds_on_held_out_east_asian_impostor_pairs(default_pack) -> None:
    """Fitted on the impostor pairs of one half of kpop15's identities, the 95% bound must not
    be exceeded by the pairs of the other half (each way round), wherever the bound is in the
    tail (FMR <= 1e-2) and the held-out pairs resolve the rate.

    The fitted tail carries its quasi-Poisson dispersion, as the shipped ones do: without it
    one half's bound is exceeded by the other half (pairs sharing two people are not
    independent trials)."""
    folders = identity_folders(need_shared("datasets", "asian-dev", "kpop15"))
    owners, rows = embed_identities(default_pack, folders, per_person=60)
    names = sorted(set(owners), key=str)
    checked = 0
    for parity in (0, 1):
        fit_half = {p for i, p in enumerate(names) if i % 2 == parity}
        pick = np.array([o in fit_half for o in owners])
        fit_owners = [str(o) for o in owners if o in fit_half]
        fit = cross_person_tail(fit_owners, rows[pick], "fit")
        fit = replace(fit, dispersion=pearson_dispersion(
            fit_owners, rows[pick] @ rows[pick].T, fit.top[FIT_TOP - 1]))
        held = cross_person_tail([o for o in owners if o not in fit_half], rows[~pick], "held")
        assert fit.pairs > 5_000 and held.pairs > 5_000
        for threshold in np.arange(0.40, 0.70, 0.01):
            bound = fmr_upper(fit, float(threshold))
            exceeding = held.exceedances(float(threshold)) or 0
            if bound <= 1e-2 and exceeding >= 1:
                checked += 1
                assert exceeding / held.pairs <= bound, (parity, threshold)
    assert checked >= 5


def test_threshold_rises_as_fillers_join_the_gallery(default_pack) -> None:
    """20 East Asian people, then with 150 and 400 lfw-dev people enrolled as well: the 1:N
    threshold climbs, the stated FPIR stays within the target, and the site's own
    cross-person sample is used once it is large enough."""
    asian = identity_folders(need_shared("datasets", "asian-dev", "asianfaces_cn"))[:20]
    fillers = identity_folders(need_shared("datasets", "lfw-dev", "images"))[:400]
    site_owners, site_rows = embed_identities(default_pack, asian, per_person=2)
    filler_owners, filler_rows = embed_identities(default_pack, fillers, per_person=2)
    calibration = load_calibration(default_pack.recognizer_id)
    points: list[OperatingPoint] = []
    for extra in (0, 150, 400):
        joined = {uuid.uuid5(uuid.NAMESPACE_URL, f.name) for f in fillers[:extra]}
        keep = np.array([o in joined for o in filler_owners])
        owners = site_owners + [o for o in filler_owners if o in joined]
        points.append(for_gallery(calibration, owners,
                                  np.concatenate([site_rows, filler_rows[keep]])))
    thresholds = [p.threshold_1n for p in points]
    assert thresholds[0] < thresholds[1] < thresholds[2], thresholds
    assert all(p.expected_fpir <= DEFAULT_TARGET_FPIR for p in points)
    assert all(p.threshold_1to1 <= p.threshold_1n for p in points)
    assert "site" not in points[0].sources and "site" in points[2].sources
    assert points[0].people == 20 and points[2].people == 420
    assert points[2].face_only_success is not None and points[0].face_only_success is not None
    assert points[2].face_only_success < points[0].face_only_success


def test_a_heavier_site_tail_makes_the_threshold_stricter_never_looser(default_pack) -> None:
    calibration = load_calibration(default_pack.recognizer_id)
    quiet = tail_of_scores(np.linspace(-0.2, 0.2, 50_000), "site")
    loud = tail_of_scores(np.concatenate([np.linspace(-0.2, 0.2, 50_000),
                                          np.full(50, 0.75)]), "site")
    base = choose(calibration, ScoreTail("site", 0, ()), 500, 1000)
    assert choose(calibration, quiet, 500, 1000).threshold_1n == base.threshold_1n
    assert choose(calibration, loud, 500, 1000).threshold_1n > base.threshold_1n


def test_the_point_round_trips_and_reads_in_both_languages(default_pack) -> None:
    calibration = load_calibration(default_pack.recognizer_id)
    point = choose(calibration, ScoreTail("site", 0, ()), 4812, 9624)
    again = OperatingPoint.from_dict(point.to_dict())
    assert again == point
    assert point.summary("en").startswith("4,812 people enrolled: 1:N threshold ")
    assert "người đã đăng ký" in point.summary("vi")
    assert math.isfinite(point.fmr_at_1n) and point.expected_fpir <= DEFAULT_TARGET_FPIR


def test_the_interim_point_keeps_the_old_rule_for_a_step_and_tightens_for_a_leap(
        default_pack) -> None:
    """While a changed gallery's point is chosen off the inference thread: one more person
    keeps the old threshold (the newcomer is recognised at once); a gallery grown a hundred
    times is decided at least as strictly as the pack's calibration allows for its size."""
    calibration = load_calibration(default_pack.recognizer_id)
    empty = ScoreTail("site", 0, ())
    small = choose(calibration, empty, 20, 40)
    assert interim(small, calibration, 21, 42) is small
    leap = interim(small, calibration, 2_000, 4_000)
    assert leap.threshold_1n == choose(calibration, empty, 2_000, 4_000).threshold_1n
    assert leap.threshold_1n > small.threshold_1n
    assert leap.expected_fpir <= DEFAULT_TARGET_FPIR and leap.people == 2_000
    assert expected_fpir(small.fmr_at_1n, 4_000) > DEFAULT_TARGET_FPIR
