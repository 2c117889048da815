"""Consensus over frames and the IoU tracker: pure logic with explicit timestamps."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from faceid.consensus import Consensus, DecisionKind
from faceid.matcher import Match, MatchDecision
from faceid.tracking import IouTracker, iou

T0 = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
ALICE, BOB = uuid.uuid4(), uuid.uuid4()


def _accepted(person: uuid.UUID, score: float = 0.8) -> Match:
    return Match(person, score, 0.3, MatchDecision.ACCEPTED, person)


UNKNOWN = Match(None, 0.3, 0.2, MatchDecision.BELOW_THRESHOLD, BOB)


def _frames(start: int = 0):  # type: ignore[no-untyped-def]
    return (T0 + timedelta(milliseconds=100 * i) for i in range(start, start + 1000))


def test_match_needs_n_consecutive_agreeing_frames_once() -> None:
    consensus, clock = Consensus(required_frames=3), _frames()
    assert consensus.observe(1, _accepted(ALICE, 0.7), next(clock)) is None
    assert consensus.observe(1, _accepted(ALICE, 0.8), next(clock)) is None
    decision = consensus.observe(1, _accepted(ALICE, 0.9), next(clock))
    assert decision is not None and decision.kind is DecisionKind.MATCH
    assert decision.person_id == ALICE and decision.frames == 3
    assert abs(decision.score - 0.8) < 1e-9
    assert consensus.observe(1, _accepted(ALICE), next(clock)) is None  # not twice


def test_strong_frames_decide_early_and_doubtful_ones_wait() -> None:
    consensus, clock = Consensus(required_frames=3, early_frames=2), _frames()
    assert consensus.observe(1, _accepted(ALICE, 0.9), next(clock), strong=True) is None
    early = consensus.observe(1, _accepted(ALICE, 0.9), next(clock), strong=True)
    assert early is not None and early.person_id == ALICE and early.frames == 2
    # one doubtful frame breaks the strong run: the full count is needed again
    assert consensus.observe(2, _accepted(BOB), next(clock), strong=True) is None
    assert consensus.observe(2, _accepted(BOB), next(clock), strong=False) is None
    assert consensus.observe(2, _accepted(BOB), next(clock), strong=True) is not None
    assert consensus.observe(3, _accepted(BOB), next(clock), strong=True) is None
    assert consensus.observe(3, UNKNOWN, next(clock)) is None
    assert consensus.observe(3, _accepted(BOB), next(clock), strong=True) is None
    with pytest.raises(ValueError):
        Consensus(required_frames=3, early_frames=1)


def test_a_change_of_identity_or_an_unknown_frame_resets() -> None:
    consensus, clock = Consensus(required_frames=3), _frames()
    consensus.observe(1, _accepted(ALICE), next(clock))
    consensus.observe(1, _accepted(ALICE), next(clock))
    assert consensus.observe(1, _accepted(BOB), next(clock)) is None
    assert consensus.streak(1) == 1
    consensus.observe(1, _accepted(BOB), next(clock))
    assert consensus.observe(1, UNKNOWN, next(clock)) is None
    assert consensus.streak(1) == 0
    results = [consensus.observe(1, _accepted(BOB), next(clock)) for _ in range(3)]
    assert results[:2] == [None, None] and results[2] is not None
    assert results[2].person_id == BOB


def test_tracks_vote_separately_and_gaps_restart() -> None:
    consensus, clock = Consensus(required_frames=2, max_gap_s=1.0), _frames()
    now = next(clock)
    consensus.observe(1, _accepted(ALICE), now)
    assert consensus.observe(2, _accepted(ALICE), now) is None
    later = now + timedelta(seconds=5)
    assert consensus.observe(1, _accepted(ALICE), later) is None  # stale vote dropped
    decision = consensus.observe(1, _accepted(ALICE), later + timedelta(milliseconds=66))
    assert decision is not None and decision.track_id == 1


def test_unknown_is_emitted_once_after_m_frames() -> None:
    consensus, clock = Consensus(required_frames=3, unknown_frames=4), _frames()
    results = [consensus.observe(7, UNKNOWN, next(clock)) for _ in range(8)]
    emitted = [r for r in results if r is not None]
    assert len(emitted) == 1 and results[3] is emitted[0]
    assert emitted[0].kind is DecisionKind.UNKNOWN and emitted[0].person_id is None
    consensus.forget(7)
    again = [consensus.observe(7, UNKNOWN, next(clock)) for _ in range(4)]
    assert again[3] is not None


def test_tracker_follows_moving_boxes_and_closes_lost_ones() -> None:
    tracker = IouTracker(min_iou=0.3, max_missed=2)
    first = tracker.update([(100, 100, 80, 100), (400, 100, 80, 100)])
    assert len(set(first)) == 2
    moved = tracker.update([(408, 104, 80, 100), (106, 98, 80, 100)])
    assert moved == [first[1], first[0]]
    for _ in range(3):
        tracker.update([(108, 98, 80, 100)])
    assert tracker.closed == [] or first[1] in tracker.closed
    assert first[1] not in tracker.update([(900, 500, 50, 50)])
    assert iou((0, 0, 10, 10), (5, 0, 10, 10)) == 50 / 150
