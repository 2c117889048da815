"""The Gallery's 1:N and 1:1 decisions, recognizer isolation, and speed at 100k templates."""

from __future__ import annotations

import time
import uuid

import numpy as np
import pytest

from faceid.matcher import Gallery, MatchDecision, normalise_rows
from kiosk.errors import GalleryError


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
def test_100k_templates_identify_fast_and_right(dim: int) -> None:
    rng = np.random.default_rng(4)
    templates = _unit(rng, 100_000, dim)
    people = [uuid.uuid4() for _ in range(20_000)]
    gallery = Gallery("rec-1", match_threshold=0.5, margin=0.05)
    for index, person in enumerate(people):
        gallery.add(person, templates[index * 5:(index + 1) * 5])
    noise = _unit(rng, 1, dim)[0]
    gallery.identify(templates[0])  # packs the matrix once
    indices = range(0, 100_000, 1999)
    probes = [_towards(templates[i], noise, 0.8) for i in indices]
    matrix = np.ascontiguousarray(templates)
    best = (float("inf"), float("inf"), float("inf"))
    for _ in range(3):  # the best of three rounds: this machine is shared with other jobs
        timings, bare, matches = [], [], []
        for probe in probes:
            start = time.perf_counter()
            matches.append(gallery.identify(probe))
            middle = time.perf_counter()
            matrix @ probe  # the physical floor: one pass over the template memory
            bare.append(time.perf_counter() - middle)
            timings.append(middle - start)
        assert [m.person_id for m in matches] == [people[i // 5] for i in indices]
        best = min(best, (float(np.percentile(timings, 95) * 1000),
                          float(np.percentile(timings, 50) * 1000),
                          float(np.percentile(bare, 50) * 1000)))
    p95_ms, p50_ms, bare_ms = best
    print(f"1:N over 100k x {dim}: p50 {p50_ms:.2f} ms, p95 {p95_ms:.2f} ms "
          f"(bare matrix-vector product p50 {bare_ms:.2f} ms)")
    # identify costs little more than reading the templates once (no per-template Python);
    # absolute figures depend on the machine's load: idle here 128-d p95 ~5 ms, 256-d ~8 ms
    assert p50_ms < 1.5 * bare_ms + 1.5
    assert p95_ms < 3.0 * bare_ms + 5.0
