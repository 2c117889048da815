"""One decision per tracked face: what the door does with each decision of a track.

The pipeline (faceid.pipeline) may reach several decisions on one tracked face while it stays
in view: "not recognized" after 5 unmatched frames, then a MATCH when later frames happen to
clear the 1:N threshold. At the door that reads as a stranger turned away at 0.45 s and
greeted as a colleague at 0.99 s. The rules here, per track id (faceid.tracking):

- a track refused once (stranger, ambiguous, liveness) is accepted only on FRESH, STRONGER
  evidence: a MATCH of new frames whose mean cosine score clears the raised bar
  ``max(threshold, refused score) + RETRY_FRACTION * (1 - threshold)`` (a quarter of the way
  from the threshold to a perfect match, in the recognizer's own units: 0.55 -> 0.66 for the
  Intel pack). The engine restarts the track's evidence at the refusal (votes, fused
  embeddings, liveness scores: ``Recognizer.retry_track``), so only frames seen after it
  count. A MATCH under the bar is dropped in silence and the track looks again
  (``Call.RETRY``); leaving and coming back makes a new track with no history;
- face + code (CODE_NEEDED) is not held back: the employee code typed is verified 1:1;
- every refusal is shown and recorded ONCE per track (``Call.REFUSE``); later refusals of the
  same track are dropped (``Call.IGNORE``). A refusal after an acceptance stands (someone
  else may have stepped into the same place within the tracker's 5 frames);
  while a refused face stays in view its refusal keeps the rate limit of refused attempts
  fresh (``standing_refusal``), so a stranger the tracker loses and finds again is not
  recorded twice;
- a liveness refusal first gets SECOND_CHANCES fresh tries with guidance ("face the camera,
  in good light") before it is a refusal (``Call.SECOND_CHANCE``); a face that leaves during
  its second chance (not the primary face for LAPSE_FRAMES analysed frames, beyond the
  tracker's 5 missed frames) is refused then (``lapsed``), so a phone shown briefly is still
  recorded.

Track ids restart when the recognizer rebuilds its pipeline (gallery change): the engine
calls ``forget_all`` then. At most MAX_TRACKS are remembered (ids only grow otherwise).
Pure logic; runs on the inference worker thread.
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from dataclasses import dataclass
from uuid import UUID

from faceid.types import ImageBGR
from kiosk.app.liveness_guard import RefusalReason
from kiosk.app.ports import DecisionKind, FaceDecision

RETRY_FRACTION = 0.25
LAPSE_FRAMES = 6  # analysed frames without the face: its second chance has lapsed
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
    refusal: RefusalReason | None = None
    resembled: UUID | None = None  # the identity the refused face resembled, if any
    liveness_tries: int = 0


@dataclass
class _SecondChance:
    """The liveness doubt a second chance was given for, and the frame it was seen on."""

    decision: FaceDecision
    image: ImageBGR | None
    unseen_frames: int = 0


@dataclass(frozen=True)
class StandingRefusal:
    """A refused face still in view: its reason and the identity it resembled (the refused
    attempt's rate-limit key, kept fresh while the face stays; kiosk.app.liveness_guard)."""

    reason: RefusalReason
    resembled: UUID | None


@dataclass(frozen=True)
class Judgement:
    call: Call
    refusal: RefusalReason | None = None  # set with REFUSE: the refused_attempt's reason


class TrackLedger:
    """The history of each track's decisions, and the call on its next one."""

    def __init__(self, max_tracks: int = MAX_TRACKS) -> None:
        self._max_tracks = max_tracks
        self._tracks: OrderedDict[int, _Track] = OrderedDict()
        self._second_chances: dict[int, _SecondChance] = {}

    def judge(self, decision: FaceDecision, threshold: float,
              image: ImageBGR | None = None) -> Judgement:
        """The call on ``decision`` (reached on ``image``) given its track's history;
        ``threshold`` is the 1:N cosine threshold deciding now. A decision without a track
        id is judged alone."""
        track = self._track(decision.track_id)
        if decision.track_id is not None:
            self._second_chances.pop(decision.track_id, None)  # this decision settles it
        if decision.kind is DecisionKind.CODE_NEEDED:  # the typed code decides (1:1)
            return Judgement(Call.ACCEPT)
        if decision.kind is DecisionKind.MATCH:
            if track.refused_score is not None and \
                    decision.score < self.bar(track.refused_score, threshold):
                return Judgement(Call.RETRY)
            track.accepted = True
            return Judgement(Call.ACCEPT)
        if track.refused_score is not None:
            return Judgement(Call.IGNORE)
        if decision.kind is DecisionKind.SPOOF:
            if track.liveness_tries < SECOND_CHANCES:
                track.liveness_tries += 1
                if decision.track_id is not None:
                    self._second_chances[decision.track_id] = _SecondChance(decision, image)
                return Judgement(Call.SECOND_CHANCE)
            refusal = RefusalReason.LIVENESS
        else:
            ambiguous = decision.score >= threshold  # a top-1 above it, but not by the margin
            refusal = RefusalReason.AMBIGUOUS if ambiguous else RefusalReason.STRANGER
        self._refuse(track, decision, refusal)
        return Judgement(Call.REFUSE, refusal)

    @staticmethod
    def _refuse(track: _Track, decision: FaceDecision, refusal: RefusalReason) -> None:
        track.refused_score, track.refusal = decision.score, refusal
        track.resembled = decision.resembled_id or decision.person_id

    def lapsed(self, primary_track: int | None) -> list[tuple[FaceDecision, ImageBGR | None]]:
        """Call once per analysed frame with its primary face's track: the second chances
        whose face has now been away LAPSE_FRAMES frames, refused (liveness) as of now."""
        lapsed = []
        for track_id, chance in list(self._second_chances.items()):
            chance.unseen_frames = 0 if track_id == primary_track else chance.unseen_frames + 1
            if chance.unseen_frames < LAPSE_FRAMES:
                continue
            del self._second_chances[track_id]
            self._refuse(self._track(track_id), chance.decision, RefusalReason.LIVENESS)
            lapsed.append((chance.decision, chance.image))
        return lapsed

    @staticmethod
    def bar(refused_score: float, threshold: float) -> float:
        """The mean cosine score a refused track's MATCH must reach (module docstring)."""
        return max(threshold, refused_score) + RETRY_FRACTION * (1.0 - threshold)

    def second_chance(self, track_id: int | None) -> bool:
        """Whether ``track_id`` is on its second chance (guidance shown, not yet decided)."""
        track = self._tracks.get(track_id) if track_id is not None else None
        return track is not None and track.liveness_tries > 0 and not track.accepted \
            and track.refused_score is None

    def standing_refusal(self, track_id: int | None) -> StandingRefusal | None:
        """The refusal of ``track_id`` when that face was refused (None otherwise)."""
        track = self._tracks.get(track_id) if track_id is not None else None
        if track is None or track.refusal is None:
            return None
        return StandingRefusal(track.refusal, track.resembled)

    def forget_all(self) -> None:
        """Track ids start again (the recognizer rebuilt its pipeline)."""
        self._tracks.clear()
        self._second_chances.clear()

    def _track(self, track_id: int | None) -> _Track:
        if track_id is None:
            return _Track()
        track = self._tracks.get(track_id)
        if track is None:
            track = self._tracks[track_id] = _Track()
            while len(self._tracks) > self._max_tracks:
                self._tracks.popitem(last=False)
        return track
