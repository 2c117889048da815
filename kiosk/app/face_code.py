"""Face + code: face alone was not sure, so the person types their employee code.

When the recognizer decides CODE_NEEDED (faceid.code_policy: the best score is above
the 1:1 verification threshold but under the 1:N one, two people are within the margin, a
marked look-alike, or ``vision.mode = face_code``), the engine keeps the decision's fused
probe and asks for the code on the touch keypad. The typed code names one active person; the
probe is verified 1:1 against that person's templates only (threshold: FMR 1e-4). A match
punches with source ``face_code`` through StoreDesk.punch (cooldown, verdict, greeting and
outbox as for a face); anything else is a refused attempt (recorded like a liveness refusal)
and counts as a wrong entry for that code, with the PIN keypad's lock (kiosk.app.alt_checkin:
PIN_LOCK_AFTER wrong entries lock the code for PIN_LOCK_FOR), so a stranger cannot walk the
list of codes. One answer per question; a question older than CODE_TIMEOUT_S expires.

The last characters are enough when they tell the candidates apart: the people the probe
scores at or above the 1:1 threshold with (``FaceDecision.candidates``). The keypad asks for
the shortest suffix (at least MIN_SUFFIX characters) on which their codes all differ and
says how many ("the last 2 digits"); a suffix names the candidate whose code ends with it,
the whole code still works. Only the face decides: the 1:1 verification is the same.
Runs on the inference worker thread.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from faceid.types import ImageBGR
from kiosk.app.alt_checkin import PIN_LOCK_AFTER, PIN_LOCK_FOR
from kiosk.app.liveness_guard import LivenessGuard, RefusalReason
from kiosk.app.ports import AttendanceDesk, FaceDecision, Recognizer
from kiosk.app.state import AltCheckinRefused, AltRefusal, CodeRequested, Greeting
from kiosk.store import PunchSource

log = logging.getLogger(__name__)

CODE_TIMEOUT_S = 30.0  # as long as the keypad stays open without a touch
MIN_SUFFIX = 2  # one character is typed by accident too easily


def suffix_length(codes: Sequence[str], minimum: int = MIN_SUFFIX) -> int | None:
    """The fewest last characters (>= ``minimum``) on which ``codes`` all differ; None when
    only whole codes do (or there is no code): then the whole code is asked for."""
    if not codes:
        return None
    longest = max(len(code) for code in codes)
    for length in range(minimum, longest):
        if len({code[-length:] for code in codes}) == len(codes):
            return length
    return None


@dataclass(frozen=True)
class _Question:
    decision: FaceDecision
    image: ImageBGR
    asked_at_s: float  # monotonic seconds
    codes: dict[str, UUID] = field(default_factory=dict)  # candidates' codes -> person
    digits: int | None = None  # the suffix length asked for (None: the whole code)


class FaceCodeFlow:
    """The one open "type your code" question of this kiosk, and its answer."""

    def __init__(self, desk: AttendanceDesk, guard: LivenessGuard | None,
                 timeout_s: float = CODE_TIMEOUT_S) -> None:
        self._desk = desk
        self._guard = guard
        self._timeout_s = timeout_s
        self._question: _Question | None = None

    @property
    def waiting(self) -> bool:
        return self._question is not None

    def ask(self, decision: FaceDecision, image: ImageBGR, at: datetime,
            now_s: float) -> CodeRequested:
        """Keep the decision's probe and ask for the code, or just enough of its end to
        tell the candidates apart (``now_s``: monotonic)."""
        codes = {}
        for person_id in decision.candidates:
            person = self._desk.store.biometrics.person(person_id)
            if person is not None and person.employee_code:
                codes[person.employee_code] = person_id
        digits = suffix_length(list(codes))
        self._question = _Question(decision, image, now_s, codes, digits)
        log.info("decision: face not sure (score %.3f): asking for the employee code (%s)",
                 decision.score, f"last {digits}" if digits else "whole")
        return CodeRequested(at=at, digits=digits)

    def _person_for(self, typed: str, question: _Question | None) -> tuple[UUID, str] | None:
        """The person ``typed`` names and their whole code: a candidate whose code ends
        with it (when a suffix was asked for), else the person with that whole code."""
        if question is not None and question.digits and len(typed) >= question.digits:
            ending = [(person, code) for code, person in question.codes.items()
                      if code.endswith(typed)]
            if len(ending) == 1:
                return ending[0]
        found = self._desk.store.alt_checkin.person_for_code(typed) if typed else None
        return (found[0].id, typed) if found is not None else None

    def cancel(self) -> None:
        self._question = None

    def answer(self, code: str, recognizer: Recognizer, at: datetime,
               now_s: float) -> Greeting | AltCheckinRefused:
        """Verify the kept probe against ``code``'s person; punch or refuse."""
        question, self._question = self._question, None
        found = self._person_for(code.strip(), question)
        code = found[1] if found is not None else code.strip()  # wrong entries: whole code
        credentials = self._desk.store.alt_checkin
        state = credentials.failures(code) if code else None
        if state is not None and state.locked_until is not None and state.locked_until > at:
            return AltCheckinRefused(AltRefusal.LOCKED, locked_until=state.locked_until)
        fresh = question is not None and now_s - question.asked_at_s <= self._timeout_s
        probe = question.decision.probe if question is not None else None
        if fresh and found is not None and probe is not None and recognizer.verify(
                probe, found[0]):
            credentials.clear_failures(code)
            return self._desk.punch(found[0], at, PunchSource.FACE_CODE)
        return self._refuse(question, code, found[0] if found else None, at, now_s)

    def _refuse(self, question: _Question | None, code: str, claimed: UUID | None,
                at: datetime, now_s: float) -> AltCheckinRefused:
        if question is not None and self._guard is not None:
            # recorded against the person whose code was typed (whom the attempt claimed)
            decision = replace(question.decision, person_id=claimed, resembled_id=None)
            self._guard.record_refusal(decision, RefusalReason.FACE_CODE_MISMATCH,
                                       question.image, at, now_s)
        if not code:
            return AltCheckinRefused(AltRefusal.FACE_CODE_MISMATCH)
        counted = self._desk.store.alt_checkin.record_failure(code, at, PIN_LOCK_AFTER,
                                                              PIN_LOCK_FOR)
        log.info("face + code refused for code %r (%d wrong in a row)", code, counted.failures)
        if counted.locked_until is not None:
            return AltCheckinRefused(AltRefusal.LOCKED, locked_until=counted.locked_until)
        return AltCheckinRefused(AltRefusal.FACE_CODE_MISMATCH,
                                 attempts_left=PIN_LOCK_AFTER - counted.failures)
