"""One enrolment started on the admin screen, from its first frame to its saved templates.

The check-in engine (kiosk.app.checkin) hands each frame of its ENROLLING mode to the session:
the guide (kiosk.app.enrol_capture: poses, liveness, still photos) is made on the first frame
with the recognizer's thresholds, reports its progress every frame, and once it is complete
the captured images are enrolled through the desk and the recognizer's gallery is rebuilt.
Runs on the inference worker thread.
"""

from __future__ import annotations

import logging

from faceid.types import ImageBGR
from kiosk.app.enrol_capture import GuidedCapture
from kiosk.app.ports import AttendanceDesk, Recognizer
from kiosk.app.requests import StartEnrollment
from kiosk.app.state import EnrollmentFinished, KioskState

log = logging.getLogger(__name__)


class EnrolSession:
    """The capture of one StartEnrollment request."""

    def __init__(self, request: StartEnrollment) -> None:
        self.request = request
        self._guide: GuidedCapture | None = None  # made on the first frame

    def skip_pose(self) -> None:
        """The person cannot reach the pose asked: drop it (once the capture has begun)."""
        if self._guide is not None:
            self._guide.skip_pose()

    def step(self, recognizer: Recognizer, image: ImageBGR, captured_s: float,
             out: list[KioskState]) -> GuidedCapture | None:
        """One frame (captured at ``captured_s``, monotonic s): its progress goes to ``out``.
        The guide once the capture has ended, complete or with a problem (for ``finish``)."""
        if self._guide is None:
            self._guide = GuidedCapture(self.request, recognizer.liveness_threshold,
                                        recognizer.min_face_px)
        guide = self._guide
        out.append(guide.step(image, recognizer.check_capture(image), captured_s))
        return guide if guide.problem or guide.complete else None

    def finish(self, guide: GuidedCapture, desk: AttendanceDesk,
               recognizer: Recognizer) -> EnrollmentFinished:
        """The ended capture's outcome: its problem, or the images enrolled (durably) and the
        gallery rebuilt (the recognizer's tracks are numbered anew)."""
        request = self.request
        if guide.problem:
            return EnrollmentFinished(request.person_id, request.new_person_name, 0,
                                      len(guide.refusals), ok=False, problem=guide.problem)
        finished = desk.enroll(request.person_id, request.new_person_name, guide.images,
                               request.consent_notice_version, request.collected_by,
                               confirmed_different=request.confirmed_different)
        if finished.ok:
            people = recognizer.reload_gallery(wait=False)  # its point: off this thread
            log.info("enrolled %s (%d templates); %d people in the gallery",
                     finished.person_name, finished.templates_saved, people)
        return finished
