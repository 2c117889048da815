"""Optional active liveness for high-security sites: a head-turn challenge from 5 landmarks.

The kiosk asks the person to turn their head to one side and then the other; the challenge
passes when the estimated yaw swings past ``min_yaw_deg`` in each requested direction, in
order, within ``timeout_s`` seconds of the first frame. Pure logic over landmark sequences
(faceid.types order: subject's right eye, left eye, nose tip, right and left mouth
corners, image pixels); no model of its own, so it costs nothing per frame.

Why a head turn and not a blink: a blink needs eyelid contours, and the detectors' five points
carry none. Why it resists a printed photo: the yaw estimate is the nose tip's offset from the
eye midpoint divided by the eye distance; on a flat picture both shrink together when the
picture is tilted or turned, so the ratio stays at the picture's own value and cannot swing
both ways. A replayed video of the person turning their head does pass: combine with the
passive check (faceid.liveness), never replace it.

Directions are the subject's own: LEFT = the person turns towards their left shoulder, which
moves the nose tip towards their left eye (towards the image's right side in an unmirrored
camera frame). Estimated yaw is positive to the subject's left.

Use (worker thread, one challenge per tracked face; not thread-safe):

    challenge = HeadTurnChallenge()                   # LEFT then RIGHT, 20 deg, 6 s
    state = challenge.update(detection.landmarks, now_s)   # every frame with the face
    challenge.prompt()    # TurnDirection the UI should ask for next, or None when done
    # state: ChallengeState.PENDING / PASSED / FAILED (timed out)
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence

import numpy as np

from faceid.errors import VisionError
from faceid.types import FloatArray

# Depth of the nose tip in front of the eye plane as a fraction of the eye distance: an
# anthropometric average (nose projection ~35 mm, eye distance ~63 mm); it only sets the
# mapping from the image ratio to degrees, not the direction.
NOSE_DEPTH_RATIO = 0.55
MIN_EYE_DISTANCE_PX = 8.0


class TurnDirection(enum.Enum):
    LEFT = "left"  # the subject's left
    RIGHT = "right"


class ChallengeState(enum.Enum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


def estimate_yaw_deg(landmarks: FloatArray) -> float:
    """Head yaw in degrees from 5 landmarks; positive = turned to the subject's left.

    The nose tip's offset from the eye midpoint along the eye axis, over the eye distance,
    is tan(yaw) * NOSE_DEPTH_RATIO for a head turning about its vertical axis. Roll is removed
    by measuring along the eye axis. Raises VisionError for malformed or degenerate points.
    """
    points = np.asarray(landmarks, dtype=np.float64)
    if points.shape != (5, 2) or not np.all(np.isfinite(points)):
        raise VisionError(f"expected (5, 2) finite landmarks, got shape {points.shape}")
    right_eye, left_eye, nose = points[0], points[1], points[2]
    eye_axis = left_eye - right_eye
    eye_distance = float(np.hypot(*eye_axis))
    if eye_distance < MIN_EYE_DISTANCE_PX:
        raise VisionError(f"eyes {eye_distance:.1f} px apart: face too small for a yaw estimate")
    offset = float(np.dot(nose - (left_eye + right_eye) / 2, eye_axis / eye_distance))
    return math.degrees(math.atan(offset / eye_distance / NOSE_DEPTH_RATIO))


class HeadTurnChallenge:
    """Turn the head to each of ``directions`` in order, past ``min_yaw_deg``, in ``timeout_s``.

    Times are seconds on any monotonic clock (the frame capture times). A frame whose
    landmarks are degenerate is ignored. After PASSED or FAILED the state no longer changes.
    """

    def __init__(self, directions: Sequence[TurnDirection] = (TurnDirection.LEFT,
                                                              TurnDirection.RIGHT),
                 min_yaw_deg: float = 20.0, timeout_s: float = 6.0) -> None:
        if not directions or not 5.0 <= min_yaw_deg <= 60.0 or timeout_s <= 0:
            raise VisionError(f"bad head-turn challenge: directions={directions}, "
                              f"min_yaw_deg={min_yaw_deg}, timeout_s={timeout_s}")
        self.directions = tuple(directions)
        self.min_yaw_deg = min_yaw_deg
        self.timeout_s = timeout_s
        self._next = 0
        self._started_s: float | None = None
        self._state = ChallengeState.PENDING
        self.yaw_history: list[tuple[float, float]] = []  # (time s, yaw deg), for logs

    @property
    def state(self) -> ChallengeState:
        return self._state

    def prompt(self) -> TurnDirection | None:
        """The direction to ask for now; None once the challenge is over."""
        if self._state is not ChallengeState.PENDING:
            return None
        return self.directions[self._next]

    def update(self, landmarks: FloatArray, now_s: float) -> ChallengeState:
        """Feed one frame's landmarks captured at ``now_s``; returns the state after it."""
        if self._state is not ChallengeState.PENDING:
            return self._state
        if self._started_s is None:
            self._started_s = now_s
        if now_s - self._started_s > self.timeout_s:
            self._state = ChallengeState.FAILED
            return self._state
        try:
            yaw = estimate_yaw_deg(landmarks)
        except VisionError:
            return self._state
        self.yaw_history.append((now_s, yaw))
        wanted = self.directions[self._next]
        signed = yaw if wanted is TurnDirection.LEFT else -yaw
        if signed >= self.min_yaw_deg:
            self._next += 1
            if self._next == len(self.directions):
                self._state = ChallengeState.PASSED
        return self._state
