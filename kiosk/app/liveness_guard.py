"""Refused attempts and the active head-turn challenge, for the check-in engine.

Refused attempts: every attempt the kiosk refuses (a presentation attack, a live stranger,
a face too close to two people) becomes one durable ``refused_attempt`` event in the store's
outbox (synced to the server's ``kiosk_events``): person_id = the enrolled identity the face
resembled (None: nobody), data = {"reason": "liveness" | "active_challenge" | "stranger" |
"ambiguous" | "face_code_mismatch", "liveness_score", "match_score", "threshold",
"frames"} ("threshold" is the liveness threshold). Once per attempt: the engine refuses a
tracked face once (kiosk.app.door_tracks), and a face that flickers
out of the tracker and back within REFUSAL_COOLDOWN_S seconds (same reason, same resembled
identity) is not recorded twice. A JPEG of the face region rides along only when the site set
``vision.liveness_snapshots`` (faceid.snapshot); the store seals it at rest.

Active challenge (``vision.active_liveness``, high-security sites): after a passive pass and a
match, the person is asked to turn their head left then right (faceid.active_liveness,
5 landmarks; a blink cannot be seen with 5 points). Only frames of the SAME tracked face
count; the punch is recorded when the challenge passes, and a time-out
(``vision.active_liveness_timeout_s`` on the frames' capture clock) is a refused attempt with
reason "active_challenge". A still photo cannot pass: its landmarks do not move.

Runs on the inference worker thread (the store connection belongs to it).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

import numpy as np

from faceid.active_liveness import ChallengeState, HeadTurnChallenge, TurnDirection
from faceid.snapshot import face_snapshot_jpeg
from faceid.types import ImageBGR
from kiosk.app.ports import Analysis, AttendanceDesk, FaceDecision
from kiosk.app.state import GuidanceKey
from kiosk.errors import EXPECTED_ERRORS

log = logging.getLogger(__name__)

EVENT_KIND = "refused_attempt"
REFUSAL_COOLDOWN_S = 10.0
_PROMPTS = {TurnDirection.LEFT: GuidanceKey.TURN_LEFT, TurnDirection.RIGHT: GuidanceKey.TURN_RIGHT}


class RefusalReason(enum.Enum):
    LIVENESS = "liveness"  # the passive check (MiniFASNet) said photo or screen
    ACTIVE_CHALLENGE = "active_challenge"  # the head-turn challenge timed out
    FACE_CODE_MISMATCH = "face_code_mismatch"  # the face is not the typed code's person
    STRANGER = "stranger"  # a live face nobody enrolled is close enough to
    AMBIGUOUS = "ambiguous"  # above the 1:N threshold, but two people too close to tell



# refusals whose best match score means something without a resembled identity
_SCORED_ALONE = (RefusalReason.STRANGER, RefusalReason.AMBIGUOUS)


class ChallengePhase(enum.Enum):
    PROMPT = "prompt"  # still waiting: show ``guidance``
    PASSED = "passed"  # punch ``decision`` now
    FAILED = "failed"  # refused (already recorded)


@dataclass(frozen=True)
class ChallengeStep:
    phase: ChallengePhase
    decision: FaceDecision
    guidance: GuidanceKey = GuidanceKey.HOLD_STILL


@dataclass
class _Challenge:
    decision: FaceDecision
    check: HeadTurnChallenge
    image: ImageBGR  # the deciding frame, for a snapshot if the challenge fails
    frames: int = 0


class LivenessGuard:
    """Records refused attempts and runs the active challenge over the desk's store."""

    def __init__(self, desk: AttendanceDesk) -> None:
        self._desk = desk
        self._last_refusal: dict[tuple[str, Any], float] = {}
        self._challenge: _Challenge | None = None

    @property
    def challenging(self) -> bool:
        return self._challenge is not None

    def record_refusal(self, decision: FaceDecision, reason: RefusalReason, image: ImageBGR,
                       at: datetime, now_s: float) -> bool:
        """Record one refused attempt unless it repeats the last one (module doc); returns
        whether an event was written. ``now_s`` is the frame's monotonic capture time."""
        person = decision.resembled_id or decision.person_id
        key = (reason.value, person)
        last = self._last_refusal.get(key)
        self._last_refusal[key] = now_s
        if last is not None and now_s - last < REFUSAL_COOLDOWN_S:
            return False
        vision = self._desk.settings.vision
        data = {"reason": reason.value,
                "liveness_score": _rounded(decision.liveness_score),
                "match_score": _rounded(decision.score) if person is not None
                or reason in _SCORED_ALONE else None,
                "threshold": vision.liveness_threshold, "frames": decision.frames}
        snapshot = self._snapshot(image, decision) if vision.liveness_snapshots else None
        event = self._desk.store.events.record(EVENT_KIND, data, person_id=person,
                                              occurred_at=at, attachment=snapshot)
        log.info("refused attempt %s: reason=%s resembled=%s liveness=%s match=%.3f "
                 "snapshot=%s", event.id, reason.value, person, data["liveness_score"],
                 decision.score, snapshot is not None)
        return True

    def hold_cooldown(self, reason: RefusalReason, person: UUID | None, now_s: float) -> None:
        """A refused face is still in view (frame captured at ``now_s``, monotonic): the same
        refusal is not recorded again until it has been gone REFUSAL_COOLDOWN_S seconds."""
        self._last_refusal[(reason.value, person)] = now_s

    @staticmethod
    def _snapshot(image: ImageBGR, decision: FaceDecision) -> bytes | None:
        if decision.box is None:
            return None
        try:
            return face_snapshot_jpeg(image, decision.box)
        except EXPECTED_ERRORS as exc:  # evidence is a bonus: the refusal is recorded anyway
            log.warning("refused attempt without snapshot: %s", exc)
            return None

    # -- the active challenge ------------------------------------------------------------
    def wants_challenge(self) -> bool:
        return bool(self._desk.settings.vision.active_liveness)

    def start_challenge(self, decision: FaceDecision, image: ImageBGR,
                        analysis: Analysis, at: datetime, now_s: float) -> GuidanceKey:
        """Hold ``decision`` (a MATCH that passed the passive check) until the head turns."""
        vision = self._desk.settings.vision
        check = HeadTurnChallenge(min_yaw_deg=vision.active_liveness_min_yaw_deg,
                                  timeout_s=vision.active_liveness_timeout_s)
        self._challenge = _Challenge(decision, check, image)
        log.info("active challenge for person=%s track=%s", decision.person_id,
                 decision.track_id)
        return self.challenge_step(analysis, at, now_s).guidance

    def challenge_step(self, analysis: Analysis, at: datetime, now_s: float) -> ChallengeStep:
        """Feed one analysed frame captured at ``at`` (UTC; ``now_s`` monotonic seconds);
        the challenge ends on PASSED or FAILED (recorded as a refused attempt)."""
        challenge = self._challenge
        if challenge is None:
            raise RuntimeError("challenge_step without a challenge in progress")
        check = challenge.check
        same_face = (analysis.primary_track == challenge.decision.track_id
                     and analysis.primary_landmarks is not None)
        if same_face:
            challenge.frames += 1
            state = check.update(np.asarray(analysis.primary_landmarks, dtype=np.float64), now_s)
        else:  # another face, or none: only the clock moves on
            state = check.update(np.full((5, 2), np.nan), now_s)
        if state is ChallengeState.PENDING:
            prompt = check.prompt()
            return ChallengeStep(ChallengePhase.PROMPT, challenge.decision,
                                 _PROMPTS[prompt] if prompt else GuidanceKey.HOLD_STILL)
        self._challenge = None
        yaws = [round(yaw, 1) for _, yaw in check.yaw_history]
        if state is ChallengeState.PASSED:
            log.info("active challenge passed: yaw %s", yaws)
            return ChallengeStep(ChallengePhase.PASSED, challenge.decision)
        log.info("active challenge timed out: yaw %s", yaws)
        refused = replace(challenge.decision, resembled_id=challenge.decision.person_id,
                          frames=challenge.decision.frames + challenge.frames)
        self.record_refusal(refused, RefusalReason.ACTIVE_CHALLENGE, challenge.image, at,
                            now_s)
        return ChallengeStep(ChallengePhase.FAILED, refused)

    def cancel_challenge(self) -> None:
        """Forget a challenge in progress (admin mode, PIN keypad)."""
        self._challenge = None



def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)
