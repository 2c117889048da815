"""The Gallery's 1:N and 1:1 decisions, recognizer isolation, and the 100k pre-filter."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from faceid.matcher import Gallery, MatchDecision, normalise_rows
from faceid.search_index import QuantizedIndex
from kiosk.errors import GalleryError
from tests.conftest import need_shared


def _unit(rng: np.random.Generator, n: int, dim: int = 128) -> np.ndarray:
    return normalise_rows(rng.standard_normal((n, dim)))


def _towards(base: np.ndarray, other: np.ndarray, cosine: float) -> np.ndarray:
    """A unit vector with the given cosine to ``base`` (``other`` supplies the direction)."""
    ortho = other - (other @ base) * base
    ortho /= np.linalg.norm(ortho)
    return (cosine * base + np.sqrt(1 - cosine**2) * ortho).astype(np.float32)


def test_identify_accepts_rejects_and_reports_the_reason() -> None:
    rng = np.random.default_rng(1)
    alice, bob = uuid.uuid4(), uuid.uuid4()
    a, b, noise = _unit(rng, 3)
    gallery = Gallery("rec-1", match_threshold=0.6, margin=0.1)
    gallery.add(alice, np.stack([a, _towards(a, noise, 0.9)]))
    gallery.add(bob, b[None, :])
    match = gallery.identify(_towards(a, noise, 0.8))
    assert match.decision is MatchDecision.ACCEPTED and match.person_id == alice
    assert match.score == pytest.approx(max(0.8, float(_towards(a, noise, 0.8) @ gallery
                                                       .templates_of(alice)[1])), abs=1e-5)
    low = gallery.identify(_towards(a, _unit(rng, 1)[0], 0.4))
    assert low.person_id is None and low.decision is MatchDecision.BELOW_THRESHOLD
    assert low.best_candidate == alice
    # a probe half-way between two enrolled people is ambiguous, not a coin toss
    gallery.add(bob, (a + 0.02 * noise)[None, :] / np.linalg.norm(a + 0.02 * noise))
    ambiguous = gallery.identify(a)
    assert ambiguous.decision is MatchDecision.AMBIGUOUS and ambiguous.person_id is None
    assert ambiguous.score - ambiguous.second_score < 0.1


def test_second_score_is_another_persons() -> None:
    rng = np.random.default_rng(2)
    alice, bob = uuid.uuid4(), uuid.uuid4()
    a, b, noise = _unit(rng, 3)
    gallery = Gallery("rec-1", match_threshold=0.5, margin=0.05)
    gallery.add(alice, np.stack([a, _towards(a, noise, 0.99), _towards(a, noise, 0.98)]))
    gallery.add(bob, b)
    match = gallery.identify(a)
    assert match.accepted and match.second_score == pytest.approx(float(a @ b), abs=1e-5)


def test_verify_against_a_claimed_person() -> None:
    rng = np.random.default_rng(3)
    alice, bob, nobody = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    a, b = _unit(rng, 2)
    gallery = Gallery("rec-1", match_threshold=0.6)
    gallery.add(alice, a)
    gallery.add(bob, b)
    assert gallery.verify(a, alice).person_id == alice
    rejected = gallery.verify(a, bob)
    assert rejected.decision is MatchDecision.REJECTED and rejected.person_id is None
    with pytest.raises(GalleryError):
        gallery.verify(a, nobody)


def test_recognizers_and_dimensions_never_mix() -> None:
    gallery = Gallery("dlib-resnet-v1")
    gallery.add(uuid.uuid4(), np.ones(128, np.float32), recognizer_id="dlib-resnet-v1")
    with pytest.raises(GalleryError, match="intel-reid-0095"):
        gallery.add(uuid.uuid4(), np.ones(128, np.float32), recognizer_id="intel-reid-0095")
    with pytest.raises(GalleryError):
        gallery.add(uuid.uuid4(), np.ones(256, np.float32))
    with pytest.raises(GalleryError):
        gallery.identify(np.ones(256, np.float32))
    with pytest.raises(GalleryError):
        gallery.add(uuid.uuid4(), np.zeros(128, np.float32))


def test_empty_gallery_and_removal() -> None:
    gallery = Gallery("rec-1")
    assert gallery.identify(np.ones(8, np.float32)).decision is MatchDecision.EMPTY_GALLERY
    person = uuid.uuid4()
    gallery.add(person, np.ones((2, 8), np.float32))
    assert len(gallery) == 2 and gallery.people == [person]
    assert gallery.identify(np.ones(8, np.float32)).person_id == person
    assert gallery.remove(person) and not gallery.remove(person)
    assert gallery.identify(np.ones(8, np.float32)).decision is MatchDecision.EMPTY_GALLERY


@pytest.mark.parametrize("dim", [128, 256])
def test_100k_templates_identify_right(dim: int) -> None:
    """Right at 100k templates (the int8 pre-filter path); timing: scripts/bench_search.py."""
    rng = np.random.default_rng(4)
    templates = _unit(rng, 100_000, dim)
    people = [uuid.uuid4() for _ in range(20_000)]
    gallery = Gallery("rec-1", match_threshold=0.5, margin=0.05)
    for index, person in enumerate(people):
        gallery.add(person, templates[index * 5:(index + 1) * 5])
    noise = _unit(rng, 1, dim)[0]
    indices = range(0, 100_000, 1999)
    matches = [gallery.identify(_towards(templates[i], noise, 0.8)) for i in indices]
    assert gallery.prefiltered
    assert [m.person_id for m in matches] == [people[i // 5] for i in indices]


def test_index_built_off_thread_searches_exhaustively_until_ready() -> None:
    """With index_off_thread, prepare() builds the int8 index on the "gallery-index" thread;
    searches made meanwhile are exhaustive and right, and the index is used once ready; a
    change starts a new build and never adopts the old gallery's index."""
    rng = np.random.default_rng(8)
    templates = _unit(rng, 60_000, 256)
    people = [uuid.uuid4() for _ in range(12_000)]
    gallery = Gallery("rec-1", match_threshold=0.5, margin=0.05, index_off_thread=True)
    for index, person in enumerate(people):
        gallery.add(person, templates[index * 5:(index + 1) * 5])
    gallery.prepare()
    assert any(t.name == "gallery-index" for t in threading.enumerate())
    noise = _unit(rng, 1, 256)[0]
    assert gallery.identify(_towards(templates[7], noise, 0.8)).person_id == people[1]
    assert gallery.prefilter_answered == 0  # answered before the index was ready
    assert gallery.wait_for_index()
    assert gallery.identify(_towards(templates[12], noise, 0.8)).person_id == people[2]
    assert gallery.prefilter_answered == 1
    newcomer = uuid.uuid4()
    gallery.add(newcomer, templates[:1])
    gallery.prepare()
    assert gallery.wait_for_index()
    assert gallery.identify(templates[0]).decision is MatchDecision.AMBIGUOUS


def _real_embeddings(pack: Any, folder: Path, limit: int) -> np.ndarray:
    """Unit embeddings of the largest face of the first ``limit`` photos under ``folder``."""
    rows = []
    for path in sorted(folder.rglob("*.jpg"))[:limit]:
        image = cv2.imread(str(path))
        detections = pack.detector.detect(image) if image is not None else []
        if detections:
            face = max(detections, key=lambda d: d.box[2] * d.box[3])
            rows.append(pack.embed_detections(image, [face])[0])
    return normalise_rows(np.stack(rows))


@pytest.fixture(scope="module")
def real_gallery(recognition_pack: Any) -> tuple[np.ndarray, np.ndarray]:
    """(templates: 80 real embeddings of lfw-dev photos then 20,000 drawn with their second
    moment, probes: 80 real embeddings of other photos)."""
    real = _real_embeddings(recognition_pack, need_shared("datasets", "lfw-dev", "images"), 160)
    enrolled, probes = real[::2], real[1::2]
    rng = np.random.default_rng(7)
    moment = enrolled.T @ enrolled / len(enrolled) + 1e-4 * np.eye(real.shape[1])
    drawn = normalise_rows(rng.multivariate_normal(np.zeros(real.shape[1]), moment, 20_000))
    return np.concatenate([enrolled, drawn]), probes


def test_int8_bounds_hold_for_every_template(real_gallery: tuple[np.ndarray, np.ndarray]) -> None:
    """Every exact cosine lies within the index's bounds, on the rotated and shortened copy
    of real embeddings and on isotropic rows kept whole; and the bounds are tight."""
    templates, probes = real_gallery
    rng = np.random.default_rng(8)
    for matrix, shortened in ((templates, True), (_unit(rng, 20_000, templates.shape[1]), False)):
        index = QuantizedIndex(matrix)
        assert (index.dims_kept < matrix.shape[1]) is shortened
        for probe in probes[:20]:
            exact = matrix @ probe
            approximate, upper = index.approximate(probe)
            assert (exact <= upper).all()
            assert (exact >= 2 * approximate - upper).all()
            assert float(np.median(upper - approximate)) < 0.15


def test_prefiltered_search_equals_the_exhaustive_one_on_real_embeddings(
        recognition_pack: Any, real_gallery: tuple[np.ndarray, np.ndarray]) -> None:
    """Top-1, top-2 and both scores through the int8 bounds are the exhaustive search's, for
    real probes against real templates among 20,000 more drawn with their covariance."""
    templates, probes = real_gallery
    enrolled = templates[:len(probes)]
    fast, exhaustive = Gallery("rec-1"), Gallery("rec-1", prefilter_min_templates=10**9)
    for start in range(0, len(templates), 4):
        person = uuid.uuid4()
        fast.add(person, templates[start:start + 4])
        exhaustive.add(person, templates[start:start + 4])
    threshold = recognition_pack.thresholds.match
    for probe in np.concatenate([probes, enrolled[:20]]):
        quick = fast.identify(probe, threshold)
        exact = exhaustive.identify(probe, threshold)
        assert (quick.best_candidate, quick.decision) == (exact.best_candidate, exact.decision)
        assert quick.score == pytest.approx(exact.score, abs=1e-6)
        assert quick.second_score == pytest.approx(exact.second_score, abs=1e-6)
    assert fast.prefiltered and not exhaustive.prefiltered
    # the bounds leave few templates to re-score: the pre-filter answered, not the fallback
    assert fast.prefilter_answered == len(probes) + 20
