"""One decision per tracked face: what the door does with each decision of a track.

The pipeline (faceid.pipeline) may reach several decisions on one tracked face while it stays
in view: "not recognized" after 5 unmatched frames, then a MATCH when later frames happen to
clear the 1:N threshold. At the door that reads as a stranger turned away at 0.45 s and
greeted as a colleague at 0.99 s. The rules here, per track id (faceid.tracking):

- a track refused once (stranger, ambiguous, liveness) is accepted only on FRESH, STRONGER
  evidence: a MATCH of new frames whose mean cosine score clears the raised bar
  ``max(threshold, refused score) + RETRY_FRACTION * (1 - threshold)`` (a quarter of the way
  from the threshold to a perfect match, in the recognizer's own units: 0.55 -> 0.66 for the
  Intel pack). A MATCH under the bar is dropped in silence and the track looks again
  (``Call.RETRY``); leaving and coming back makes a new track with no history;
- face + code (CODE_NEEDED) is not held back: the employee code typed is verified 1:1;
- every refusal is shown and recorded ONCE per track (``Call.REFUSE``); later refusals of the
  same track are dropped (``Call.IGNORE``); a track that was accepted is not refused after;
- a liveness refusal first gets SECOND_CHANCES fresh tries with guidance ("face the camera,
  in good light") before it is a refusal (``Call.SECOND_CHANCE``).

Track ids restart when the recognizer rebuilds its pipeline (gallery change): the engine
calls ``forget_all`` then. At most MAX_TRACKS are remembered (ids only grow otherwise).
Pure logic; runs on the inference worker thread.
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from dataclasses import dataclass

from kiosk.app.liveness_guard import RefusalReason
from kiosk.app.ports import DecisionKind, FaceDecision

RETRY_FRACTION = 0.25
SECOND_CHANCES = 1  # liveness: fresh tries with guidance before a refusal
MAX_TRACKS = 256


class Call(enum.Enum):
    ACCEPT = "accept"  # punch (or ask for the employee code: CODE_NEEDED)
    REFUSE = "refuse"  # show the refusal and record it: the track's one refusal
    SECOND_CHANCE = "second_chance"  # liveness: look again with guidance, nothing recorded
    RETRY = "retry"  # a MATCH under the raised bar: dropped, the track looks again
    IGNORE = "ignore"  # the track was already decided: nothing to show or record


@dataclass
class _Track:
    accepted: bool = False
    refused_score: float | None = None  # the refused decision's score; None: not refused
    liveness_tries: int = 0


@dataclass(frozen=True)
class Judgement:
    call: Call
    refusal: RefusalReason | None = None  # set with REFUSE: the refused_attempt's reason


class TrackLedger:
    """The history of each track's decisions, and the call on its next one."""

    def __init__(self, max_tracks: int = MAX_TRACKS) -> None:
        self._max_tracks = max_tracks
        self._tracks: OrderedDict[int, _Track] = OrderedDict()

    def judge(self, decision: FaceDecision, threshold: float) -> Judgement:
        """The call on ``decision`` given its track's history; ``threshold`` is the 1:N
        cosine threshold deciding now. A decision without a track id is judged alone."""
        track = self._track(decision.track_id)
        if decision.kind is DecisionKind.CODE_NEEDED:  # the typed code decides (1:1)
            return Judgement(Call.ACCEPT)
        if decision.kind is DecisionKind.MATCH:
            if track.refused_score is not None and \
                    decision.score < self.bar(track.refused_score, threshold):
                return Judgement(Call.RETRY)
            track.accepted = True
            return Judgement(Call.ACCEPT)
        if track.accepted or track.refused_score is not None:
            return Judgement(Call.IGNORE)
        if decision.kind is DecisionKind.SPOOF:
            if track.liveness_tries < SECOND_CHANCES:
                track.liveness_tries += 1
                return Judgement(Call.SECOND_CHANCE)
            refusal = RefusalReason.LIVENESS
        else:
            ambiguous = decision.score >= threshold  # a top-1 above it, but not by the margin
            refusal = RefusalReason.AMBIGUOUS if ambiguous else RefusalReason.STRANGER
        track.refused_score = decision.score
        return Judgement(Call.REFUSE, refusal)

    @staticmethod
    def bar(refused_score: float, threshold: float) -> float:
        """The mean cosine score a refused track's MATCH must reach (module docstring)."""
        return max(threshold, refused_score) + RETRY_FRACTION * (1.0 - threshold)

    def second_chance(self, track_id: int | None) -> bool:
        """Whether ``track_id`` is on its second chance (guidance shown, not yet decided)."""
        track = self._tracks.get(track_id) if track_id is not None else None
        return track is not None and track.liveness_tries > 0 and not track.accepted \
            and track.refused_score is None

    def forget_all(self) -> None:
        """Track ids start again (the recognizer rebuilt its pipeline)."""
        self._tracks.clear()

    def _track(self, track_id: int | None) -> _Track:
        if track_id is None:
            return _Track()
        track = self._tracks.get(track_id)
        if track is None:
            track = self._tracks[track_id] = _Track()
            while len(self._tracks) > self._max_tracks:
                self._tracks.popitem(last=False)
        return track
