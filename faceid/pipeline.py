"""One frame in, one immutable result out: detect -> track -> quality -> align -> embed ->
match -> consensus.

Liveness (optional: ``liveness`` or the pack's): every frame the primary face passes the gate,
its P(real) goes into that track's faceid.liveness.LivenessCombiner (mean over the
track's recent frames, at least 3). A MATCH reached by consensus is emitted only when that
verdict is LIVE; when it is SPOOF a SPOOF decision is emitted instead (person_id None,
``resembled_id`` set, never a punch); while it is PENDING the match is held and re-checked on
the track's next frames. UNKNOWN decisions are gated the same way (a SPOOF with
``resembled_id`` None), so an attack with an unenrolled face reads "liveness failed" too.
With a ``code_policy`` (faceid.code_policy), a decision face alone is not sure of
becomes CODE_NEEDED (gated by liveness the same way) carrying the track's fused probe.
With ``fusion_frames`` > 1 each frame is matched as the unit mean of the track's last
``fusion_frames`` gated embeddings (multi-frame fusion: steadier genuine scores; on asian-dev
walk-ups of 3 photos it cut face-only FNIR from 69.8% to 46.7% with FPIR and
misidentification still 0, scripts/bench_identification.py --frames 3 [--fusion]).

The liveness score is computed on its own thread from the same detection while this thread
embeds and matches the face, so a frame costs the longer of the two, not their sum, where two
cores are free; ``liveness_min_frames`` frames are averaged.

Early decisions (``early_frames``, e.g. 2; None: off): a match counts as STRONG when its score
is at least STRONG_MATCH_MARGIN above the 1:N threshold and top-1 - top-2 is at least twice
the margin; ``early_frames`` strong frames in a row decide the MATCH, and ``early_frames``
frames of P(real) >= faceid.liveness.EARLY_LIVE_SCORE each decide LIVE, without waiting for
the full counts. Faces near a threshold still need every frame.

Only the PRIMARY face (the largest; the person nearest the kiosk) is recognised, so the cost
per frame is one embedding whatever the crowd behind; every face is still outlined. The
result's ``guidance`` is the primary face's quality issue (None when it passed), and
``decision`` is set on the frame where consensus is reached (faceid.consensus).

Runs on the inference worker thread; holds tracker and consensus state, so one instance
serves one camera stream. No Qt.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np

from faceid.code_policy import CodePolicy
from faceid.consensus import Consensus, Decision, DecisionKind
from faceid.liveness import (
    DEFAULT_THRESHOLD,
    BackgroundScore,
    LivenessCombiner,
    LivenessState,
    LivenessVerdict,
)
from faceid.matcher import Gallery, Match
from faceid.quality import MIN_FACE_PX, Quality, QualityIssue, assess_face
from faceid.tracking import IouTracker
from faceid.types import Detection, FloatArray, ImageBGR, LivenessModel

log = logging.getLogger(__name__)

STRONG_MATCH_MARGIN = 0.10  # cosine above the 1:N threshold for a match to count as strong


@dataclass(frozen=True)
class FaceResult:
    """One face in the frame. ``match`` is None when the face was not recognised this frame
    (not the primary face, or it failed the quality gate)."""

    box: tuple[float, float, float, float]
    track_id: int
    detection: Detection
    quality: Quality
    match: Match | None = None
    primary: bool = False

    @property
    def quality_ok(self) -> bool:
        return self.quality.ok


@dataclass(frozen=True)
class FrameResult:
    faces: tuple[FaceResult, ...]
    guidance: QualityIssue | None
    decision: Decision | None
    timestamp: datetime


class FramePipeline:
    """Stateful per-stream pipeline over a model pack and a gallery.

    Thresholds are cosine similarities (``match_threshold``, ``margin``); ``consensus_frames``
    agreeing frames make a MATCH decision, ``unknown_frames`` unmatched frames an UNKNOWN one;
    ``min_face_px`` is the quality gate's minimum face size in frame pixels.
    """

    def __init__(self, pack: Any, gallery: Gallery, match_threshold: float | None = None,
                 margin: float | None = None, consensus_frames: int = 3,
                 min_face_px: int = MIN_FACE_PX, unknown_frames: int = 5,
                 liveness: LivenessModel | None = None,
                 liveness_threshold: float = DEFAULT_THRESHOLD,
                 code_policy: CodePolicy | None = None, fusion_frames: int = 1,
                 early_frames: int | None = None, liveness_min_frames: int = 3) -> None:
        self.pack = pack
        self.gallery = gallery
        thresholds = getattr(pack, "thresholds", None)
        self.match_threshold = (match_threshold if match_threshold is not None
                                else float(getattr(thresholds, "match", gallery.match_threshold)))
        self.margin = (margin if margin is not None
                       else float(getattr(thresholds, "margin", gallery.margin)))
        self.min_face_px = min_face_px
        self.tracker = IouTracker()
        self.consensus = Consensus(consensus_frames, unknown_frames,
                                   early_frames=early_frames)
        self.early_frames = early_frames
        self.liveness_min_frames = liveness_min_frames
        self.liveness = liveness if liveness is not None else getattr(pack, "liveness", None)
        self.liveness_threshold = liveness_threshold
        self._combiners: dict[int, LivenessCombiner] = {}
        self._held: dict[int, Decision] = {}  # matches waiting for a liveness verdict
        # face + code (faceid.code_policy); None: face alone decides, as before
        self.code_policy = code_policy
        # multi-frame fusion: each frame is matched as the mean of the track's last
        # ``fusion_frames`` gated embeddings (1: the frame alone)
        self.fusion_frames = max(1, fusion_frames)
        self._recent: dict[int, deque[FloatArray]] = {}

    def process(self, frame: ImageBGR, now: datetime) -> FrameResult:
        """Run every stage on ``frame`` (H x W x 3 BGR) observed at ``now`` (UTC)."""
        detections = self.pack.detector.detect(frame)
        track_ids = self.tracker.update([d.box for d in detections])
        for closed in self.tracker.closed:
            self.consensus.forget(closed)
            self._recent.pop(closed, None)
            if self.code_policy is not None:
                self.code_policy.forget(closed)
            self._combiners.pop(closed, None)
            self._held.pop(closed, None)
        if not detections:
            return FrameResult((), None, None, now)
        primary = max(range(len(detections)),
                      key=lambda i: detections[i].box[2] * detections[i].box[3])
        faces = []
        decision = None
        for index, (detection, track_id) in enumerate(zip(detections, track_ids, strict=True)):
            quality = assess_face(frame, detection, self.min_face_px)
            match = None
            if index == primary and quality.ok:
                score = (BackgroundScore(self.liveness, frame, detection)
                         if self.liveness is not None else None)
                embedding = self._fused(track_id,
                                        self.pack.embed_detections(frame, [detection])[0])
                match = self.gallery.identify(embedding, self.match_threshold, self.margin)
                verdict = self._liveness_verdict(score, track_id)
                decided = self.consensus.observe(track_id, match, now, self._strong(match))
                if self.code_policy is not None:
                    self.code_policy.observe(track_id, embedding, match, self.match_threshold)
                    decided = self.code_policy.apply(track_id, decided)
                decision = self._gate_on_liveness(track_id, decided, verdict)
            faces.append(FaceResult(detection.box, track_id, detection, quality, match,
                                    index == primary))
        guidance = faces[primary].quality.reason
        if decision is not None:
            log.info("decision %s person=%s score=%.3f track=%d", decision.kind.name,
                     decision.person_id, decision.score, decision.track_id)
        return FrameResult(tuple(faces), guidance, decision, now)

    def _fused(self, track_id: int, embedding: FloatArray) -> FloatArray:
        """The unit mean of the track's last ``fusion_frames`` embeddings, this one included."""
        recent = self._recent.setdefault(track_id, deque(maxlen=self.fusion_frames))
        recent.append(np.asarray(embedding, dtype=np.float32))
        if len(recent) == 1:
            return recent[0]
        mean = np.mean(np.stack(recent), axis=0)
        fused: FloatArray = (mean / max(float(np.linalg.norm(mean)), 1e-6)).astype(np.float32)
        return fused

    def _strong(self, match: Match) -> bool:
        """An accepted match far from both thresholds (module docstring)."""
        return (match.accepted and match.score >= self.match_threshold + STRONG_MATCH_MARGIN
                and match.score - match.second_score >= 2 * self.margin)

    def _liveness_verdict(self, score: BackgroundScore | None,
                          track_id: int) -> LivenessVerdict | None:
        if score is None:
            return None
        combiner = self._combiners.get(track_id)
        if combiner is None:
            combiner = self._combiners[track_id] = LivenessCombiner(
                self.liveness_threshold, min_frames=self.liveness_min_frames,
                window=max(10, self.liveness_min_frames), early_frames=self.early_frames)
        return combiner.add(score.result())

    def _gate_on_liveness(self, track_id: int, decision: Decision | None,
                          verdict: LivenessVerdict | None) -> Decision | None:
        """The decision to emit this frame: decisions wait for the liveness verdict.

        MATCH and UNKNOWN alike: a photo or a screen is refused as a SPOOF whether or not it
        resembles an enrolled person (``resembled_id`` None then), so every presentation
        attack reads the same on the screen and is recorded as a refused attempt.
        """
        if verdict is None:
            return decision
        if decision is not None:
            self._held[track_id] = decision
        held = self._held.get(track_id)
        if held is None or verdict.state is LivenessState.PENDING:
            return None
        del self._held[track_id]
        if verdict.state is LivenessState.LIVE:
            return replace(held, liveness_score=verdict.mean_score)
        return replace(held, kind=DecisionKind.SPOOF, person_id=None, probe=None,
                       resembled_id=held.person_id or held.resembled_id,
                       liveness_score=verdict.mean_score)

    def retry_track(self, track_id: int) -> None:
        """Decide ``track_id`` again from its next frames only: its votes, fused embeddings,
        liveness scores and held decision are dropped; the track itself goes on."""
        self.consensus.forget(track_id)
        self._recent.pop(track_id, None)
        if self.code_policy is not None:
            self.code_policy.forget(track_id)
        self._combiners.pop(track_id, None)
        self._held.pop(track_id, None)

    def reset(self) -> None:
        """Forget tracks and votes (after the gallery changes or the camera restarts)."""
        self.tracker.reset()
        self.consensus.reset()
        self._recent.clear()
        if self.code_policy is not None:
            self.code_policy.reset()
        self._combiners.clear()
        self._held.clear()
