"""The door's answer to a decision: a punch and its greeting, a refusal, a second chance.

A face decision is acted on as its track's history calls it (kiosk.app.door_tracks): a MATCH
punches (after the head-turn challenge, where the site asks for it), CODE_NEEDED asks for the
employee code (kiosk.app.face_code), a refusal is recorded (kiosk.app.liveness_guard) and
shown, a liveness doubt gets a second chance. A PIN or badge result (kiosk.app.alt_checkin)
is counted, logged and signalled at the door the same way. Every punch is durable before its
greeting is shown or the door opens. Runs on the inference worker thread (the check-in
engine's, kiosk.app.checkin), which owns the mode: ``decide`` only says when a challenge began.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from faceid.snapshot import face_snapshot_jpeg
from faceid.types import ImageBGR
from kiosk.app.door_tracks import Call, TrackLedger
from kiosk.app.face_code import FaceCodeFlow
from kiosk.app.liveness_guard import LivenessGuard, RefusalReason
from kiosk.app.ports import (
    Analysis,
    AttendanceDesk,
    DecisionKind,
    DoorPort,
    FaceDecision,
    Recognizer,
)
from kiosk.app.state import (
    AltCheckinRefused,
    Greeting,
    Guidance,
    GuidanceKey,
    KioskState,
    LivenessFailed,
    NotRecognized,
)
from kiosk.camera import Frame
from kiosk.errors import EXPECTED_ERRORS

log = logging.getLogger(__name__)


@dataclass
class EngineCounters:
    """What the check-in engine did since it started (counts)."""

    frames_analysed: int = 0
    punches: int = 0
    repeats: int = 0
    unknown: int = 0
    spoofs: int = 0
    store_failures: int = 0


class DoorDecisions:
    """Punches, refusals and second chances for the check-in engine, counted in ``counters``."""

    def __init__(self, *, desk: AttendanceDesk, door: DoorPort | None, guard: LivenessGuard,
                 face_code: FaceCodeFlow, tracks: TrackLedger,
                 counters: EngineCounters) -> None:
        self._desk = desk
        self._door = door  # GPIO relay/buzzer/LED, when the site has them
        self._guard = guard
        self._face_code = face_code
        self._tracks = tracks
        self._counters = counters

    def guidance(self, analysis: Analysis, frame: Frame) -> Guidance:
        """The frame's guidance; on a liveness second chance, how to pass it."""
        key = analysis.guidance
        if key in (GuidanceKey.CHECKING, GuidanceKey.HOLD_STILL) and \
                self._tracks.second_chance(analysis.primary_track):
            key = GuidanceKey.LIVENESS_RETRY
        return Guidance(key, analysis.faces, analysis.frame_size, frame.monotonic_s,
                        analysis.primary_track)

    def follow_refusals(self, analysis: Analysis, frame: Frame,
                        out: list[KioskState]) -> None:
        """Every analysed frame: a refused face still in view is still the same attempt (the
        rate limit stays fresh); a face gone during its second chance is refused now."""
        standing = self._tracks.standing_refusal(analysis.primary_track)
        if standing is not None:
            self._guard.hold_cooldown(standing.reason, standing.resembled, frame.monotonic_s)
        for decision, image in self._tracks.lapsed(analysis.primary_track):
            self._guard.record_refusal(decision, RefusalReason.LIVENESS,
                                       frame.image if image is None else image,
                                       frame.captured_at, frame.monotonic_s)
            self.liveness_failed(decision, frame.captured_at, out)

    def decide(self, recognizer: Recognizer, decision: FaceDecision, analysis: Analysis,
               frame: Frame, guidance: Guidance, out: list[KioskState]) -> bool:
        """Act on a decision as its track's history calls it (kiosk.app.door_tracks).

        Returns True when a head-turn challenge began (the engine then enters CHALLENGE)."""
        judgement = self._tracks.judge(decision, recognizer.match_threshold, frame.image)
        call = judgement.call
        if call in (Call.RETRY, Call.SECOND_CHANCE, Call.REFUSE) and \
                decision.track_id is not None:
            recognizer.retry_track(decision.track_id)  # only fresh frames decide from now
        if call is Call.ACCEPT:
            return self._accept(decision, analysis, frame, out)
        if call is Call.REFUSE and judgement.refusal is not None:
            self._guard.record_refusal(decision, judgement.refusal, frame.image,
                                       frame.captured_at, frame.monotonic_s)
            if judgement.refusal is RefusalReason.LIVENESS:
                self.liveness_failed(decision, frame.captured_at, out)
            else:
                self._not_recognized(decision, frame.captured_at, out)
        elif call is Call.SECOND_CHANCE:
            log.info("decision: liveness doubt on track %s (liveness=%s): second chance",
                     decision.track_id, decision.liveness_score)
            out.append(replace(guidance, key=GuidanceKey.LIVENESS_RETRY))
        else:
            log.debug("decision %s on track %s: %s", decision.kind.value, decision.track_id,
                      call.value)
        return False

    def _accept(self, decision: FaceDecision, analysis: Analysis, frame: Frame,
                out: list[KioskState]) -> bool:
        """A MATCH punches (after the head-turn challenge, where the site asks for it: then
        True); CODE_NEEDED asks for the employee code."""
        at = frame.captured_at
        if decision.kind is DecisionKind.CODE_NEEDED:
            out.append(self._face_code.ask(decision, frame.image, at, frame.monotonic_s))
        elif decision.kind is DecisionKind.MATCH and decision.person_id is not None:
            if self._guard.wants_challenge():
                prompt = self._guard.start_challenge(decision, frame.image, analysis, at,
                                                     frame.monotonic_s)
                out.append(Guidance(prompt, analysis.faces, analysis.frame_size,
                                    frame.monotonic_s, analysis.primary_track))
                return True
            self.punch(decision, frame.image, at, out)
        return False

    def _not_recognized(self, decision: FaceDecision, at: datetime,
                        out: list[KioskState]) -> None:
        """Show the refusal and signal the door (the refused attempt is already recorded)."""
        self._counters.unknown += 1
        log.info("decision: not-recognized score=%.3f track=%s", decision.score,
                 decision.track_id)
        out.append(NotRecognized(at=at, track_id=decision.track_id))
        if self._door is not None:
            self._door.refused()

    def punch(self, decision: FaceDecision, image: ImageBGR, at: datetime,
              out: list[KioskState]) -> None:
        """Record the punch of a MATCH (durably, before the greeting is shown); the card
        shows the face decided on (``image``'s decision box) beside the enrolled chip."""
        if decision.person_id is None:
            return
        greeting = replace(self._desk.punch(decision.person_id, at),
                           live_face=_live_face(image, decision), track_id=decision.track_id)
        if greeting.repeat:
            self._counters.repeats += 1
        else:
            self._counters.punches += 1
        log.info("decision: %s person=%s name=%r score=%.3f verdict=%r punch=%s",
                 greeting.direction.value, greeting.person_id, greeting.person_name,
                 decision.score, greeting.verdict_text,
                 "repeat" if greeting.repeat else greeting.punch_id)
        out.append(greeting)
        if self._door is not None:
            self._door.checked_in()  # the punch is already committed
        if decision.rolling is not None and not greeting.repeat:
            self._desk.keep_rolling(decision.rolling)  # kiosk.app.rolling

    def liveness_failed(self, decision: FaceDecision, at: datetime,
                        out: list[KioskState]) -> None:
        """Show the refusal and signal the door (the refused attempt is already recorded)."""
        self._counters.spoofs += 1
        log.info("decision: liveness-failed score=%.3f liveness=%s", decision.score,
                 decision.liveness_score)
        out.append(LivenessFailed(at=at, track_id=decision.track_id))
        if self._door is not None:
            self._door.refused()

    def alt_outcome(self, outcome: Greeting | AltCheckinRefused,
                    out: list[KioskState]) -> None:
        """Count, log, signal the door and show a PIN/badge result, like a face decision."""
        out.append(outcome)
        if isinstance(outcome, AltCheckinRefused):
            log.info("decision: %s refused", outcome.reason.value)
            if self._door is not None:
                self._door.refused()
            return
        if outcome.repeat:
            self._counters.repeats += 1
        else:
            self._counters.punches += 1
        log.info("decision: %s person=%s by code punch=%s", outcome.direction.value,
                 outcome.person_id, "repeat" if outcome.repeat else outcome.punch_id)
        if self._door is not None:
            self._door.checked_in()


def _live_face(image: ImageBGR, decision: FaceDecision) -> bytes | None:
    """JPEG of the face decided on (faceid.snapshot: the box with a little context), for the
    confirmation card; None without a box. Never costs the greeting of a saved punch."""
    if decision.box is None:
        return None
    try:
        return face_snapshot_jpeg(image, decision.box)
    except EXPECTED_ERRORS as exc:
        log.warning("greeting without the live face: %s", exc)
        return None
