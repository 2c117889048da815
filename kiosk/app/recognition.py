"""Adapts the vision pipeline (faceid) to the engine's Recognizer port.

Runs on the inference worker thread: the pack's ONNX Runtime sessions, the gallery and the
frame pipeline (tracker + consensus state) all live there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from faceid.consensus import Decision
from faceid.consensus import DecisionKind as VisionDecisionKind
from faceid.pipeline import FaceResult, FrameResult
from faceid.types import FloatArray, ImageBGR
from kiosk.app.ports import Analysis, CaptureCheck, DecisionKind, FaceDecision
from kiosk.app.state import FaceOutline, GuidanceKey
from kiosk.settings import VisionSettings

log = logging.getLogger(__name__)

TemplateLoader = Callable[[str], tuple[list[UUID], FloatArray]]

# faceid.quality.QualityIssue values are mostly GuidanceKey values already; these are
# the names and values that differ.
_ISSUE_GUIDANCE = {
    "CENTRE_FACE_PARTIAL": GuidanceKey.CENTRE_FACE,
    "TOO_SMALL": GuidanceKey.MOVE_CLOSER,
    "TOO_DARK": GuidanceKey.TOO_DARK,
    "TOO_BRIGHT": GuidanceKey.TOO_BRIGHT,
    "BLURRY": GuidanceKey.HOLD_STILL,
    "EYES_HIDDEN": GuidanceKey.REMOVE_GLASSES,
    "TURNED": GuidanceKey.FACE_CAMERA,
    "OFF_CENTRE": GuidanceKey.CENTRE_FACE,
    "OFF_CENTER": GuidanceKey.CENTRE_FACE,
    "PARTIAL": GuidanceKey.CENTRE_FACE,
    "NO_FACE": GuidanceKey.NO_FACE,
    "SEVERAL_FACES": GuidanceKey.ONE_AT_A_TIME,
    "MULTIPLE_FACES": GuidanceKey.ONE_AT_A_TIME,
}


def guidance_for(issue: object) -> GuidanceKey:
    """The screen guidance for a vision quality issue (enum member, its name or value)."""
    if issue is None:
        return GuidanceKey.CHECKING
    value = str(getattr(issue, "value", issue))
    try:
        return GuidanceKey(value)
    except ValueError:
        pass
    for key in (value.upper(), str(getattr(issue, "name", "")).upper()):
        if key in _ISSUE_GUIDANCE:
            return _ISSUE_GUIDANCE[key]
    return GuidanceKey.HOLD_STILL


class PipelineRecognizer:
    """faceid FramePipeline + Gallery behind the Recognizer port."""

    def __init__(self, pack: Any, vision: VisionSettings, load_templates: TemplateLoader) -> None:
        self._pack = pack
        self._vision = vision
        self._load_templates = load_templates
        self.pack_name: str = pack.name
        self._gallery: Any = None
        self._pipeline: Any = None
        self.reload_gallery()

    @property
    def pack_match_threshold(self) -> float:
        """The pack's own match threshold (used unless the settings override it)."""
        return float(self._pack.thresholds.match)

    def use_vision(self, vision: VisionSettings) -> int:
        """Use changed thresholds from the next decision on (admin settings screen)."""
        self._vision = vision
        return self.reload_gallery()

    def reload_gallery(self) -> int:
        """Rebuild the gallery from the store's templates of this pack's recognizer."""
        from faceid.matcher import Gallery
        from faceid.pipeline import FramePipeline

        thresholds = self._pack.thresholds
        threshold = (self._vision.match_threshold if self._vision.match_threshold is not None
                     else float(thresholds.match))
        margin = self._vision.margin if self._vision.margin is not None else float(
            thresholds.margin)
        person_ids, matrix = self._load_templates(self._pack.recognizer_id)
        gallery = Gallery(self._pack.recognizer_id, match_threshold=threshold, margin=margin)
        rows_by_person: dict[UUID, list[int]] = {}
        for index, person_id in enumerate(person_ids):
            rows_by_person.setdefault(person_id, []).append(index)
        for person_id, rows in rows_by_person.items():
            gallery.add(person_id, matrix[rows])
        self._gallery = gallery
        self._pipeline = FramePipeline(self._pack, gallery, match_threshold=threshold,
                                       margin=margin,
                                       consensus_frames=self._vision.consensus_frames,
                                       min_face_px=self._vision.min_face_px,
                                       liveness_threshold=self._vision.liveness_threshold)
        log.info("gallery: %d templates of %d people (%s)", len(person_ids),
                 len(rows_by_person), self._pack.recognizer_id)
        return len(rows_by_person)

    def analyse(self, image: ImageBGR, now: datetime) -> Analysis:
        result = self._pipeline.process(image, now)
        faces = tuple(FaceOutline((float(f.box[0]), float(f.box[1]), float(f.box[2]),
                                   float(f.box[3])), bool(f.quality_ok)) for f in result.faces)
        height, width = image.shape[:2]
        primary = next((f for f in result.faces if f.primary), None)
        landmarks = None
        if primary is not None:
            landmarks = tuple((float(x), float(y)) for x, y in primary.detection.landmarks)
        return Analysis(guidance=_guidance_of(result), faces=faces, frame_size=(width, height),
                        decision=_decision_of(result.decision, result.faces),
                        primary_track=None if primary is None else int(primary.track_id),
                        primary_landmarks=landmarks)

    def check_capture(self, image: ImageBGR) -> CaptureCheck:
        from faceid.quality import assess_face

        detections = self._pack.detector.detect(image)
        if not detections:
            return CaptureCheck(False, GuidanceKey.NO_FACE)
        if len(detections) > 1:
            return CaptureCheck(False, GuidanceKey.ONE_AT_A_TIME)
        quality = assess_face(image, detections[0], self._vision.min_face_px)
        chip = self._pack.align(image, detections[0].landmarks)
        if not quality.ok:
            return CaptureCheck(False, guidance_for(quality.reason), chip)
        return CaptureCheck(True, GuidanceKey.HOLD_STILL, chip)


def _guidance_of(result: FrameResult) -> GuidanceKey:
    if not result.faces:
        return GuidanceKey.NO_FACE
    return guidance_for(result.guidance)


def _decision_of(decision: Decision | None,
                 faces: Sequence[FaceResult] = ()) -> FaceDecision | None:
    """The port's FaceDecision for a faceid Decision, with the deciding face's box."""
    if decision is None:
        return None
    box = next(((float(f.box[0]), float(f.box[1]), float(f.box[2]), float(f.box[3]))
                for f in faces if f.track_id == decision.track_id), None)
    if decision.kind is VisionDecisionKind.SPOOF:
        kind = DecisionKind.SPOOF
    elif decision.person_id is None:
        kind = DecisionKind.UNKNOWN
    else:
        kind = DecisionKind.MATCH
    return FaceDecision(
        kind, decision.person_id if kind is DecisionKind.MATCH else None, float(decision.score),
        liveness_score=(None if decision.liveness_score is None
                        else float(decision.liveness_score)),
        resembled_id=decision.resembled_id if kind is DecisionKind.SPOOF else None,
        frames=decision.frames, track_id=decision.track_id, box=box)
