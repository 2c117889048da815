"""When face alone is not sure: the decision becomes "ask for the employee code" (face + code).

``vision.mode``:
- ``auto`` (default): a track that reached no MATCH but whose best frame scored at or above
  the 1:1 verification threshold (and under the 1:N one), or that had two people within the
  margin, ends in CODE_NEEDED instead of UNKNOWN; a MATCH of a person marked as having a
  look-alike (``code_people``) also becomes CODE_NEEDED;
- ``face``: never ask (UNKNOWN as before);
- ``face_code``: every MATCH becomes CODE_NEEDED too (large galleries where face alone
  succeeds too rarely, or high-security sites).
A CODE_NEEDED decision carries the track's fused probe: the mean of its last KEEP_FRAMES
gated embeddings, re-normalised (several frames are better evidence than one), which the app
verifies 1:1 against the templates of the person whose code is typed. Thresholds are cosine.
Runs on the pipeline's (inference worker) thread.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import replace
from uuid import UUID

import numpy as np

from faceid.consensus import Decision, DecisionKind
from faceid.matcher import Match, MatchDecision
from faceid.types import FloatArray

KEEP_FRAMES = 5


class VisionMode(enum.Enum):
    AUTO = "auto"
    FACE = "face"
    FACE_CODE = "face_code"


class CodePolicy:
    """Per track: whether face alone was unsure, and its recent embeddings."""

    def __init__(self, verify_threshold: float | None, mode: VisionMode = VisionMode.AUTO,
                 code_people: frozenset[UUID] = frozenset()) -> None:
        self.verify_threshold = verify_threshold
        self.mode = mode
        self.code_people = code_people
        self._frames: dict[int, deque[FloatArray]] = {}
        self._unsure: dict[int, bool] = {}
        self._best: dict[int, tuple[float, UUID | None]] = {}  # best top-1 score, its person

    def observe(self, track_id: int, embedding: FloatArray, match: Match,
                match_threshold: float) -> None:
        """One gated frame of ``track_id`` and the matcher's answer for it."""
        self._frames.setdefault(track_id, deque(maxlen=KEEP_FRAMES)).append(
            np.asarray(embedding, dtype=np.float32))
        unsure = match.decision is MatchDecision.AMBIGUOUS or (
            self.verify_threshold is not None
            and self.verify_threshold <= match.score < match_threshold)
        self._unsure[track_id] = self._unsure.get(track_id, False) or unsure
        if match.score > self._best.get(track_id, (-2.0, None))[0]:
            self._best[track_id] = (match.score, match.best_candidate)

    def apply(self, track_id: int, decision: Decision | None) -> Decision | None:
        """``decision`` as the mode wants it (see the module docstring)."""
        if decision is None or self.mode is VisionMode.FACE or self.verify_threshold is None:
            return decision
        ask = (decision.kind is DecisionKind.UNKNOWN and self._unsure.get(track_id, False)) or (
            decision.kind is DecisionKind.MATCH and (
                self.mode is VisionMode.FACE_CODE or decision.person_id in self.code_people))
        if not ask:
            return decision
        resembled = decision.person_id or self._best.get(track_id, (0.0, None))[1]
        return replace(decision, kind=DecisionKind.CODE_NEEDED, person_id=None,
                       resembled_id=resembled, probe=self.fused(track_id))

    def fused(self, track_id: int) -> FloatArray | None:
        frames = self._frames.get(track_id)
        if not frames:
            return None
        mean = np.mean(np.stack(frames), axis=0)
        fused: FloatArray = (mean / max(float(np.linalg.norm(mean)), 1e-6)).astype(np.float32)
        return fused

    def forget(self, track_id: int) -> None:
        self._frames.pop(track_id, None)
        self._unsure.pop(track_id, None)
        self._best.pop(track_id, None)

    def reset(self) -> None:
        self._frames.clear()
        self._unsure.clear()
        self._best.clear()
