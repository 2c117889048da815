"""A pose nobody reaches does not hold the enrolment forever: after 8 s (the frames' capture
clock) the progress says so, and the pose may be skipped while 3 captures remain to take.

Real engine, models and store; frames are asian-dev kpop15 "Jihyo" photos on a 640x480 frame
(tests/kiosk/app/helpers.py: 004 straight, 018 her left, 019 her right, 027 chin up), fed as a
4 fps camera: each frame's capture time is 0.25 s after the previous one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from kiosk.app.checkin import CheckInEngine
from kiosk.app.enrol_capture import POSE_TIMEOUT_S
from kiosk.app.requests import SkipEnrollmentPose, StartEnrollment
from kiosk.app.runtime import KioskRuntime
from kiosk.app.state import EnrollmentFinished, EnrollmentProgress
from kiosk.camera import Frame
from kiosk.store import open_store
from tests.kiosk.app.helpers import jihyo_frame, kiosk_settings

pytestmark = [pytest.mark.shared]
FRAME_S = 0.25  # camera time between frames


class Feeder:
    """Feeds frames to a real engine on a camera clock; keeps (capture time, state) pairs."""

    def __init__(self, tmp_path: Path, installed_pack: tuple[str, Path]) -> None:
        pack, models_dir = installed_pack
        camera = tmp_path / "camera"  # not read: the test puts the frames itself
        camera.mkdir()
        settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(camera))
        self.runtime = KioskRuntime(settings)
        self.engine: CheckInEngine = self.runtime.build_engine()
        self.seq = 0
        self.states: list[tuple[float, object]] = []

    def feed(self, frames: list[np.ndarray]) -> list[EnrollmentProgress]:
        """One frame after another; the progress states they produced."""
        progress = []
        for image in frames:
            at_s = 1000.0 + self.seq * FRAME_S
            self.runtime.inference_frames.put(Frame(image, datetime.now(UTC), self.seq, at_s))
            self.seq += 1
            for state in self.engine.step(5.0):
                self.states.append((at_s, state))
                if isinstance(state, EnrollmentProgress):
                    progress.append(state)
        return progress

    def for_seconds(self, frames: list[np.ndarray], seconds: float) -> list[EnrollmentProgress]:
        """``frames`` in turn, repeated for ``seconds`` of camera time."""
        count = int(seconds / FRAME_S)
        return self.feed([frames[i % len(frames)] for i in range(count)])

    def finished(self) -> list[EnrollmentFinished]:
        return [s for _, s in self.states if isinstance(s, EnrollmentFinished)]


@pytest.fixture
def feeder(tmp_path: Path, installed_pack: tuple[str, Path]):  # type: ignore[no-untyped-def]
    fed = Feeder(tmp_path, installed_pack)
    yield fed
    fed.engine.close()


def _stuck_frames() -> list[np.ndarray]:
    """Straight and chin up in turn: the head moves (not a still photo) but never turns."""
    return [jihyo_frame("004"), jihyo_frame("027")]


def test_a_pose_not_reached_in_8_s_may_be_skipped_and_3_captures_enrol(
        feeder: Feeder, tmp_path: Path) -> None:
    feeder.engine.submit(StartEnrollment(None, "Jihyo", "notice-1", frames=4))
    feeder.feed([jihyo_frame("004")] * 3)  # straight: captured
    early = feeder.for_seconds(_stuck_frames(), POSE_TIMEOUT_S - 1.0)
    assert {p.pose for p in early} == {"left"} and early[-1].captured == 1
    assert not any(p.slow_pose or p.can_skip for p in early)
    late = feeder.for_seconds(_stuck_frames(), 2.0)
    assert late[-1].pose == "left" and late[-1].slow_pose and late[-1].can_skip
    assert late[-1].target == 4 and not feeder.finished()

    feeder.engine.submit(SkipEnrollmentPose())
    after = feeder.feed([jihyo_frame("019")] * 3 + [jihyo_frame("027")] * 3)
    assert after[0].pose == "right" and after[0].target == 3
    assert not after[0].slow_pose and not after[0].can_skip  # the next pose's clock restarts
    [finished] = feeder.finished()
    assert finished.ok and finished.templates_saved == 3, finished
    store = open_store(tmp_path / "kiosk.sqlite3")
    try:
        [person] = store.biometrics.people()
        assert len(store.biometrics.chips_for(person.id)) == 3
    finally:
        store.close()


def test_no_skip_below_three_captures_but_the_guidance_still_shows(feeder: Feeder) -> None:
    feeder.engine.submit(StartEnrollment(None, "Jihyo", "notice-1", frames=3))
    feeder.feed([jihyo_frame("004")] * 3)
    stuck = feeder.for_seconds(_stuck_frames(), POSE_TIMEOUT_S + 1.0)
    assert stuck[-1].pose == "left" and stuck[-1].slow_pose and not stuck[-1].can_skip
    feeder.engine.submit(SkipEnrollmentPose())  # refused: 3 captures are the minimum
    more = feeder.feed(_stuck_frames())
    assert more[-1].pose == "left" and more[-1].target == 3 and more[-1].captured == 1
    assert not feeder.finished()


def test_the_straight_pose_is_never_skipped(feeder: Feeder) -> None:
    feeder.engine.submit(StartEnrollment(None, "Jihyo", "notice-1", frames=5))
    turning = [jihyo_frame("018"), jihyo_frame("019")]  # her left, her right: never straight
    stuck = feeder.for_seconds(turning, POSE_TIMEOUT_S + 1.0)
    assert stuck[-1].pose == "straight" and stuck[-1].slow_pose and not stuck[-1].can_skip
    feeder.engine.submit(SkipEnrollmentPose())
    assert feeder.feed(turning)[-1].pose == "straight"
