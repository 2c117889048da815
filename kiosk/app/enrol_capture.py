"""Guided enrolment at the kiosk: the face in the framing oval, 3-5 poses, liveness per capture.

The admin starts an enrolment; the person looks at the large live preview, fits their face in
the oval and follows the pose asked ("Tư thế 2/4: quay nhẹ sang trái"). One frame is captured
per pose, automatically, when on ``POSE_HOLD_FRAMES`` (2) consecutive frames the face is in the
oval, passes the quality gate (sharp, lit, big enough: faceid.quality) and holds the pose. Each
capture is then checked:

- liveness: the mean P(real) (faceid.liveness, MiniFASNet) of the frames that held the pose
  must reach the kiosk's ``vision.liveness_threshold``; otherwise the capture is refused
  ("not_live") and the pose is asked again; after ``MAX_LIVENESS_REFUSALS`` (3) refusals the
  enrolment ends.
- near-identical: a capture whose 32 x 32 grey chip differs from an earlier capture's by under
  ``NEAR_IDENTICAL_GREY`` (2.0 grey levels, mean absolute difference) is refused
  ("same_as_before").

A person who cannot reach a pose is not kept waiting: once a pose has been asked for
``POSE_TIMEOUT_S`` (8 s of camera time, the frames' capture clock) without a capture, the
progress says ``slow_pose`` (the screen shows how to reach it) and, when skipping still leaves
at least ``MIN_POSES`` (3) captures to take, ``can_skip``: the screen then offers "Bỏ qua tư
thế này" and ``skip_pose`` drops the pose from the plan. The straight pose is never skipped:
it is the template check-ins match best.

A still photo held up to the camera cannot turn its head: when ``STILL_FRAMES`` (30) usable
frames go by on one pose while the estimated yaw and pitch stay within ``STILL_SPREAD_DEG``
(4 degrees), the enrolment ends with "no_pose_change". A real person asked to turn moves more
than that; a repeated still frame spreads 0 degrees. (How far the landmarks of a printed photo
moved by hand wander has not been measured; liveness is the check that refuses prints.)

Poses (degrees from faceid.quality.estimate_pose; positive yaw = nose towards the image's
right = the person's own left on the unmirrored camera image; positive pitch = nose down):
straight |yaw| <= 8 and |pitch| < 7 (no frame is both straight and nodding); slightly left /
right 10 <= |yaw| <= 28 on that side, |pitch| <= 15; slightly up / down 7 <= |pitch| <= 22
on that side with |yaw| <= 12 ("up or down" accepts either). The plan for N poses is
``POSE_PLANS[N]``.

The oval: centred at (0.5, 0.45) of the frame's width and height, radii 0.29 and 0.40 of the
frame's height (a face's shape whatever the aspect ratio; in a 640 x 480 frame 139 x 192 px).
The face is "in the oval" when its box centre lies in the inner half of the oval (same
centre, half the radii) and its box's shorter side is at least the kiosk's
``vision.min_face_px``; the progress says ``in_oval`` only for a face that also passes the
quality gate (the screen's green cue).

Runs on the inference worker thread; emits immutable states only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import cv2
import numpy as np

from faceid.types import ImageBGR
from kiosk.app.ports import CaptureCheck
from kiosk.app.requests import StartEnrollment
from kiosk.app.state import EnrollmentProgress, GuidanceKey

OVAL_CENTRE = (0.5, 0.45)  # fractions of the frame's width and height
OVAL_RADII = (0.29, 0.40)  # fractions of the frame's height
POSE_HOLD_FRAMES = 2
MAX_LIVENESS_REFUSALS = 3
NEAR_IDENTICAL_GREY = 2.0
STILL_FRAMES = 30
STILL_SPREAD_DEG = 4.0
MIN_POSES, MAX_POSES = 3, 5
POSE_TIMEOUT_S = 8.0


class Pose(enum.Enum):
    """One pose of the plan; the value is the screen-text key (``enroll.pose.<value>``)."""

    STRAIGHT = "straight"
    LEFT = "left"
    RIGHT = "right"
    UP_OR_DOWN = "up_or_down"
    UP = "up"
    DOWN = "down"


POSE_PLANS: dict[int, tuple[Pose, ...]] = {
    3: (Pose.STRAIGHT, Pose.LEFT, Pose.RIGHT),
    4: (Pose.STRAIGHT, Pose.LEFT, Pose.RIGHT, Pose.UP_OR_DOWN),
    5: (Pose.STRAIGHT, Pose.LEFT, Pose.RIGHT, Pose.UP, Pose.DOWN),
}


def pose_reached(pose: Pose, yaw_deg: float, pitch_deg: float) -> bool:
    """Whether the head pose (degrees, signs in the module docstring) is ``pose``."""
    turn, nod = abs(yaw_deg), abs(pitch_deg)
    if pose is Pose.STRAIGHT:
        return turn <= 8.0 and nod < 7.0
    if pose in (Pose.LEFT, Pose.RIGHT):
        side = yaw_deg > 0 if pose is Pose.LEFT else yaw_deg < 0
        return side and 10.0 <= turn <= 28.0 and nod <= 15.0
    side = {Pose.UP: pitch_deg < 0, Pose.DOWN: pitch_deg > 0}.get(pose, True)
    return side and 7.0 <= nod <= 22.0 and turn <= 12.0


def in_oval(box: tuple[float, float, float, float], frame_size: tuple[int, int],
            min_face_px: int) -> bool:
    """The face box's centre in the inner half of the oval and its shorter side big enough."""
    x, y, w, h = box
    width, height = frame_size
    if width <= 0 or height <= 0 or min(w, h) < min_face_px:
        return False
    dx = (x + w / 2 - OVAL_CENTRE[0] * width) / (0.5 * OVAL_RADII[0] * height)
    dy = (y + h / 2 - OVAL_CENTRE[1] * height) / (0.5 * OVAL_RADII[1] * height)
    return dx * dx + dy * dy <= 1.0


def _thumb(chip: ImageBGR) -> np.ndarray:
    grey = cv2.cvtColor(chip, cv2.COLOR_BGR2GRAY)
    return cv2.resize(grey, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)


@dataclass
class GuidedCapture:
    """The capture of one enrolment in progress (module docstring); ``step`` per frame."""

    request: StartEnrollment
    liveness_threshold: float
    min_face_px: int
    images: list[ImageBGR] = field(default_factory=list)
    thumbs: list[np.ndarray] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)  # reasons of refused captures
    problem: str = ""  # why the capture ended without enough poses ("" while it goes on)
    skipped: list[Pose] = field(default_factory=list)  # poses dropped after POSE_TIMEOUT_S
    _pose_since_s: float | None = None  # capture clock (s) when the current pose was asked
    _now_s: float = 0.0  # capture clock (s) of the latest frame
    _streak: list[float | None] = field(default_factory=list)  # P(real) of the held frames
    _poses_seen: list[tuple[float, float]] = field(default_factory=list)

    @property
    def plan(self) -> tuple[Pose, ...]:
        return POSE_PLANS[min(max(self.request.frames, MIN_POSES), MAX_POSES)]

    @property
    def target(self) -> int:
        """How many captures this enrolment takes: the plan less the skipped poses."""
        return len(self.plan) - len(self.skipped)

    @property
    def complete(self) -> bool:
        return len(self.images) >= self.target

    @property
    def current_pose(self) -> Pose:
        done = len(self.images) + len(self.skipped)
        return self.plan[min(done, len(self.plan) - 1)]

    @property
    def slow_pose(self) -> bool:
        """The current pose has been asked for ``POSE_TIMEOUT_S`` or longer."""
        since = self._pose_since_s
        return since is not None and self._now_s - since >= POSE_TIMEOUT_S

    @property
    def can_skip(self) -> bool:
        """The current pose may be skipped now: asked too long, not the straight pose, and
        at least ``MIN_POSES`` captures would still be taken."""
        return (self.slow_pose and self.current_pose is not Pose.STRAIGHT
                and self.target - 1 >= MIN_POSES)

    def skip_pose(self) -> bool:
        """Drop the current pose from the plan if ``can_skip``; whether it was dropped."""
        if not self.can_skip:
            return False
        self.skipped.append(self.current_pose)
        self._next_pose()
        return True

    def _next_pose(self) -> None:
        self._streak.clear()
        self._poses_seen.clear()
        self._pose_since_s = None

    def step(self, image: ImageBGR, check: CaptureCheck,
             now_s: float) -> EnrollmentProgress:
        """Take in one analysed frame captured at ``now_s`` (monotonic seconds); the progress
        to show (``complete``/``problem`` after)."""
        self._now_s = now_s
        if self._pose_since_s is None:
            self._pose_since_s = now_s
        framed = check.usable and check.box is not None and in_oval(
            check.box, check.frame_size, self.min_face_px)
        refused = ""
        guidance = check.guidance
        if framed:
            self._poses_seen.append((check.yaw_deg, check.pitch_deg))
            if pose_reached(self.current_pose, check.yaw_deg, check.pitch_deg):
                self._streak.append(check.liveness)
                if len(self._streak) >= POSE_HOLD_FRAMES:
                    refused = self._capture(image, check)
            else:
                self._streak.clear()
                guidance = GuidanceKey.HOLD_STILL
                self._check_still()
        else:
            self._streak.clear()
            if check.usable:
                guidance = GuidanceKey.CENTRE_FACE
        return self._progress(guidance, framed, refused, check)

    def _capture(self, image: ImageBGR, check: CaptureCheck) -> str:
        """Keep the frame for the current pose, or the reason it was refused."""
        scores = [score for score in self._streak if score is not None]
        self._streak.clear()
        if scores and float(np.mean(scores)) < self.liveness_threshold:
            return self._refuse("not_live")
        thumb = _thumb(check.chip) if check.chip is not None else None
        if thumb is not None and any(float(np.abs(thumb - t).mean()) < NEAR_IDENTICAL_GREY
                                     for t in self.thumbs):
            return self._refuse("same_as_before")
        self.images.append(image)
        if thumb is not None:
            self.thumbs.append(thumb)
        self._next_pose()
        return ""

    def _refuse(self, reason: str) -> str:
        self.refusals.append(reason)
        if self.refusals.count("not_live") >= MAX_LIVENESS_REFUSALS:
            self.problem = "not_live"
        return reason

    def _check_still(self) -> None:
        """A face that never changes pose (a photo held up) ends the capture."""
        if len(self._poses_seen) < STILL_FRAMES:
            return
        recent = np.array(self._poses_seen[-STILL_FRAMES:])
        spread = recent.max(axis=0) - recent.min(axis=0)
        if float(spread.max()) < STILL_SPREAD_DEG:
            self.problem = "no_pose_change"

    def _progress(self, guidance: GuidanceKey, framed: bool, refused: str,
                  check: CaptureCheck) -> EnrollmentProgress:
        request = self.request
        name = request.new_person_name or str(request.person_id)
        return EnrollmentProgress(name, len(self.images), self.target, guidance,
                                  check.chip, pose=self.current_pose.value,
                                  in_oval=framed, refused=refused,
                                  face_box=check.box, frame_size=check.frame_size,
                                  slow_pose=self.slow_pose and not self.complete,
                                  can_skip=self.can_skip and not self.complete)
