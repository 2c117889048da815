"""Decisions over several frames: no punch from a single frame.

Per tracked face (track id from faceid.tracking):
- a MATCH decision is emitted when the matcher accepted the SAME person in ``required_frames``
  consecutive observed frames (settings.vision.consensus_frames, default 3); another identity
  or an unknown frame restarts the count; it is emitted once per track and person; with
  ``early_frames`` (e.g. 2) it is emitted sooner when that many consecutive frames of the
  person were STRONG (the caller says so: a score well above the threshold and a wide
  margin), so clear faces are greeted a frame earlier and doubtful ones still need all;
- an UNKNOWN decision is emitted once per track after ``unknown_frames`` consecutive frames
  with no accepted match (default 5);
- frames where the face failed the quality gate are not observations: they neither count nor
  reset (a blink must not undo two good frames), but a gap longer than ``max_gap_s`` seconds
  between observations (default 3.0) restarts the count. Leaving is mostly caught by the
  tracker (a lost track is forgotten); the gap is a backstop and must stay well above the
  frame time of a loaded device (about 1 s per frame was seen here under heavy load).

Pure logic: the caller passes timezone-aware UTC timestamps. Runs on the pipeline's thread.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from faceid.matcher import Match
from faceid.types import FloatArray


class DecisionKind(enum.Enum):
    MATCH = "match"
    UNKNOWN = "unknown"
    SPOOF = "spoof"  # consensus reached, but the liveness verdict says presentation attack
    CODE_NEEDED = "code_needed"  # face alone is not sure: ask for the employee code (1:1)


@dataclass(frozen=True)
class Decision:
    """What the kiosk acts on. ``score`` is the mean cosine score of the agreeing frames
    (for UNKNOWN: the best top-1 score seen, whoever it was)."""

    kind: DecisionKind
    person_id: UUID | None
    score: float
    track_id: int
    frames: int
    decided_at: datetime
    liveness_score: float | None = None  # mean P(real) when a liveness model took part
    resembled_id: UUID | None = None  # SPOOF: the identity the attack resembled (for audit)
    # CODE_NEEDED: the track's fused probe (mean of its recent embeddings, unit length), to
    # verify 1:1 against the person whose code is typed
    probe: FloatArray | None = None


@dataclass
class _TrackState:
    candidate: UUID | None = None
    scores: list[float] = field(default_factory=list)
    unknown_frames: int = 0
    best_unknown_score: float = -1.0
    last_seen: datetime | None = None
    strong_run: int = 0  # consecutive strong frames of the current candidate
    emitted_people: set[UUID] = field(default_factory=set)
    unknown_emitted: bool = False


class Consensus:
    """Per-track vote counting; see the module docstring for the rules and defaults."""

    def __init__(self, required_frames: int = 3, unknown_frames: int = 5,
                 max_gap_s: float = 3.0, early_frames: int | None = None) -> None:
        if required_frames < 1 or unknown_frames < 1:
            raise ValueError("required_frames and unknown_frames must be at least 1")
        if early_frames is not None and early_frames < 2:
            raise ValueError("early_frames must be at least 2 (no decision from one frame)")
        self.required_frames = required_frames
        self.early_frames = early_frames
        self.unknown_frames = unknown_frames
        self.max_gap_s = max_gap_s
        self._tracks: dict[int, _TrackState] = {}

    def observe(self, track_id: int, match: Match, now: datetime,
                strong: bool = False) -> Decision | None:
        """Record one gated frame's match for ``track_id``; a Decision when one is reached.
        ``strong``: this accepted match is far from the thresholds (counts for early_frames)."""
        state = self._tracks.setdefault(track_id, _TrackState())
        if state.last_seen is not None and (now - state.last_seen).total_seconds() > self.max_gap_s:
            state.candidate, state.scores, state.unknown_frames = None, [], 0
            state.strong_run = 0
        state.last_seen = now
        if match.accepted and match.person_id is not None:
            return self._observe_accepted(track_id, state, match.person_id, match.score, now,
                                          strong)
        state.candidate, state.scores, state.strong_run = None, [], 0
        state.unknown_frames += 1
        state.best_unknown_score = max(state.best_unknown_score, match.score)
        if state.unknown_frames >= self.unknown_frames and not state.unknown_emitted:
            state.unknown_emitted = True
            return Decision(DecisionKind.UNKNOWN, None, state.best_unknown_score, track_id,
                            state.unknown_frames, now)
        return None

    def _observe_accepted(self, track_id: int, state: _TrackState, person_id: UUID,
                          score: float, now: datetime, strong: bool) -> Decision | None:
        state.unknown_frames = 0
        if state.candidate != person_id:
            state.candidate, state.scores, state.strong_run = person_id, [], 0
        state.scores.append(score)
        state.strong_run = state.strong_run + 1 if strong else 0
        early = self.early_frames is not None and state.strong_run >= self.early_frames
        if (len(state.scores) >= self.required_frames or early) and \
                person_id not in state.emitted_people:
            state.emitted_people.add(person_id)
            recent = state.scores[-self.required_frames:]
            return Decision(DecisionKind.MATCH, person_id, sum(recent) / len(recent), track_id,
                            len(recent), now)
        return None

    def streak(self, track_id: int) -> int:
        """Consecutive agreeing frames so far for the track's current candidate."""
        state = self._tracks.get(track_id)
        return len(state.scores) if state else 0

    def forget(self, track_id: int) -> None:
        """The tracker closed this track: drop its state."""
        self._tracks.pop(track_id, None)

    def reset(self) -> None:
        self._tracks.clear()
