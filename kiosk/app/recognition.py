"""Adapts the vision pipeline (faceid) to the engine's Recognizer port.

Runs on the inference worker thread: the pack's ONNX Runtime sessions, the gallery and the
frame pipeline (tracker + consensus state) all live there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

import numpy as np

from faceid.consensus import Decision
from faceid.consensus import DecisionKind as VisionDecisionKind
from faceid.pipeline import FaceResult, FrameResult
from faceid.types import FloatArray, ImageBGR
from kiosk.app.point_worker import PointWorker
from kiosk.app.ports import Analysis, CaptureCheck, DecisionKind, FaceDecision
from kiosk.app.rolling import RollingOffer, offer_for
from kiosk.app.state import FaceOutline, GuidanceKey
from kiosk.settings import VisionSettings

log = logging.getLogger(__name__)

TemplateLoader = Callable[[str], tuple[list[UUID], FloatArray]]
# equal values: the same templates and people
GallerySignature = Callable[[str], tuple[object, ...]]
# The chosen operating point (OperatingPoint.to_dict() plus "inputs": the gallery signature
# and the settings it was chosen for) is handed to the sink and read back at the next start.
PointSink = Callable[[dict[str, Any]], None]
PointSource = Callable[[], dict[str, Any] | None]

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

    def __init__(self, pack: Any, vision: VisionSettings, load_templates: TemplateLoader,
                 on_operating_point: PointSink | None = None,
                 signature: GallerySignature | None = None,
                 code_people: Callable[[], frozenset[UUID]] | None = None,
                 stored_point: PointSource | None = None) -> None:
        from faceid.score_tails import load_calibration

        self._pack = pack
        self._vision = vision
        self._load_templates = load_templates
        self._on_operating_point = on_operating_point
        self._signature = signature
        self._code_people = code_people
        self._stored_point = stored_point
        self._loaded_signature: object = None
        self._calibration = load_calibration(pack.recognizer_id)
        self.pack_name: str = pack.name
        self.operating_point: Any = None  # faceid.operating_point.OperatingPoint
        self._gallery: Any = None
        self._pipeline: Any = None
        # a changed gallery's point is chosen off this thread (kiosk.app.point_worker)
        self._points = PointWorker()
        self.reload_gallery()

    @property
    def pack_match_threshold(self) -> float:
        """The automatic 1:N threshold: the gallery-aware one (used unless the settings set
        ``vision.match_threshold``)."""
        if self.operating_point is not None:
            return float(self.operating_point.threshold_1n)
        return float(self._pack.thresholds.match)

    @property
    def match_threshold(self) -> float:
        """The 1:N threshold deciding now (cosine): the setting's, else the gallery-aware one."""
        return float(self._pipeline.match_threshold)

    def retry_track(self, track_id: int) -> None:
        """Decide ``track_id`` again from fresh frames (kiosk.app.door_tracks)."""
        self._pipeline.retry_track(track_id)

    def verify(self, probe: FloatArray, person_id: UUID) -> bool:
        """1:1 (face + code): ``probe`` against ``person_id``'s templates at the verification
        threshold; False when they have none here."""
        from kiosk.errors import GalleryError

        threshold = self._pipeline.code_policy.verify_threshold
        try:
            match = self._gallery.verify(probe, person_id, threshold)
        except GalleryError:
            return False
        log.info("face + code: 1:1 score %.3f against %s (threshold %.3f)", match.score,
                 person_id, threshold)
        return bool(match.accepted)

    def refresh_if_changed(self) -> bool:
        """Rebuild the gallery and its operating point when the store's templates or people
        changed (a feed page, an enrolment, an erasure); True when it did."""
        if self._signature is None:
            return False
        if self._signature(self._pack.recognizer_id) == self._loaded_signature:
            return False
        people = self.reload_gallery(wait=False)
        log.info("the gallery changed: reloaded, %d people", people)
        return True

    def use_vision(self, vision: VisionSettings) -> int:
        """Use changed thresholds from the next decision on (admin settings screen)."""
        self._vision = vision
        return self.reload_gallery()

    @property
    def recognizer_id(self) -> str:
        return str(self._pack.recognizer_id)

    def _point_inputs(self) -> dict[str, Any]:
        """What a stored operating point must have been chosen for to be reused."""
        signature = (self._signature(self._pack.recognizer_id) if self._signature is not None
                     else None)
        return {"gallery_signature": None if signature is None else list(signature),
                "target_fpir": self._vision.target_fpir, "verify_fmr": self._vision.verify_fmr,
                "site_only_from": self._vision.site_only_from_pairs}

    def _choose_point(self, person_ids: list[UUID], matrix: FloatArray, wait: bool) -> Any:
        """The gallery-aware operating point for these templates, passed to the sink; the
        stored one when it was chosen for this very gallery and these settings (a restart:
        at 5,000 people choosing takes seconds). Unless ``wait``, with a point already in
        use, that one (or a stricter quick bound: faceid.operating_point.interim) is returned
        and the new one is chosen off this thread (``_take_point`` applies it when ready)."""
        from faceid.operating_point import OperatingPoint, interim

        inputs = self._point_inputs()
        stored = self._stored_point() if self._stored_point is not None else None
        if stored is not None and inputs["gallery_signature"] is not None and \
                stored.get("inputs") == inputs and \
                stored.get("recognizer_id") == self._pack.recognizer_id:
            return OperatingPoint.from_dict(stored)
        if not wait and self.operating_point is not None:
            self._points.submit(lambda: self._compute_point(person_ids, matrix), inputs)
            return interim(self.operating_point, self._calibration, len(set(person_ids)),
                           len(person_ids))
        point = self._compute_point(person_ids, matrix)
        self._store_point(point, inputs)
        return point

    def _compute_point(self, person_ids: list[UUID], matrix: FloatArray) -> Any:
        """faceid.operating_point.for_gallery (pure; any thread)."""
        from faceid.operating_point import for_gallery

        return for_gallery(self._calibration, person_ids, matrix,
                           target_fpir=self._vision.target_fpir,
                           verify_fmr=self._vision.verify_fmr,
                           site_only_from=self._vision.site_only_from_pairs)

    def _store_point(self, point: Any, inputs: dict[str, Any]) -> None:
        log.info("operating point: %s", point.summary("en"))
        if self._on_operating_point is not None:
            self._on_operating_point({**point.to_dict(), "inputs": inputs})

    def _take_point(self) -> bool:
        """Use a point chosen off this thread once it is ready (between frames); True when
        one was taken. Its thresholds replace the old ones in place: tracks and votes stay."""
        ready = self._points.take()
        if ready is None:
            return False
        inputs, point = ready
        self.operating_point = point
        threshold = (self._vision.match_threshold if self._vision.match_threshold is not None
                     else point.threshold_1n)
        self._gallery.match_threshold = threshold
        self._pipeline.match_threshold = threshold
        self._pipeline.code_policy.verify_threshold = min(point.threshold_1to1, threshold)
        self._store_point(point, inputs)  # type: ignore[arg-type]  # the inputs dict
        return True

    def wait_for_point(self, timeout_s: float = 30.0) -> bool:
        """Wait for a point being chosen off this thread and use it; True when one was
        taken (doctor, tests, a CLI that needs the newest rule now)."""
        self._points.wait(timeout_s)
        return self._take_point()

    def close(self) -> None:
        """Wait for a point being chosen (the engine is closing)."""
        self._points.close()

    def reload_gallery(self, wait: bool = True) -> int:
        """Rebuild the gallery from the store's templates of this pack's recognizer, and
        choose its operating point (faceid.operating_point): its 1:N threshold decides
        unless ``vision.match_threshold`` is set. ``wait=False`` (a change the sync worker
        brought: feed pages, rolling templates): the point in use keeps deciding while the
        new one is chosen off this thread."""
        from faceid.code_policy import CodePolicy, VisionMode
        from faceid.matcher import Gallery
        from faceid.pipeline import FramePipeline

        thresholds = self._pack.thresholds
        if self._signature is not None:
            self._loaded_signature = self._signature(self._pack.recognizer_id)
        person_ids, matrix = self._load_templates(self._pack.recognizer_id)
        self.operating_point = self._choose_point(person_ids, matrix, wait)
        threshold = (self._vision.match_threshold if self._vision.match_threshold is not None
                     else self.operating_point.threshold_1n)
        margin = self._vision.margin if self._vision.margin is not None else float(
            thresholds.margin)
        gallery = Gallery(self._pack.recognizer_id, match_threshold=threshold, margin=margin,
                          index_off_thread=True)
        policy = CodePolicy(min(self.operating_point.threshold_1to1, threshold),
                            VisionMode(self._vision.mode),
                            self._code_people() if self._code_people else frozenset())
        rows_by_person: dict[UUID, list[int]] = {}
        for index, person_id in enumerate(person_ids):
            rows_by_person.setdefault(person_id, []).append(index)
        for person_id, rows in rows_by_person.items():
            gallery.add(person_id, matrix[rows])
        gallery.prepare()  # a large gallery's int8 index: built off this thread
        self._gallery = gallery
        self._pipeline = FramePipeline(self._pack, gallery, match_threshold=threshold,
                                       margin=margin,
                                       consensus_frames=self._vision.consensus_frames,
                                       min_face_px=self._vision.min_face_px,
                                       liveness_threshold=self._vision.liveness_threshold,
                                       code_policy=policy,
                                       fusion_frames=self._vision.fusion_frames,
                                       early_frames=self._vision.early_frames or None,
                                       liveness_min_frames=self._vision.liveness_min_frames)
        log.info("gallery: %d templates of %d people (%s)", len(person_ids),
                 len(rows_by_person), self._pack.recognizer_id)
        return len(rows_by_person)

    def analyse(self, image: ImageBGR, now: datetime) -> Analysis:
        self._take_point()
        result = self._pipeline.process(image, now)
        faces = tuple(FaceOutline((float(f.box[0]), float(f.box[1]), float(f.box[2]),
                                   float(f.box[3])), bool(f.quality_ok)) for f in result.faces)
        height, width = image.shape[:2]
        primary = next((f for f in result.faces if f.primary), None)
        landmarks = None
        if primary is not None:
            landmarks = tuple((float(x), float(y)) for x, y in primary.detection.landmarks)
        decision = _decision_of(result.decision, result.faces)
        if decision is not None and decision.kind is DecisionKind.MATCH:
            decision = replace(decision, rolling=self._rolling_offer(decision))
        elif decision is not None and decision.kind is DecisionKind.CODE_NEEDED:
            decision = replace(decision, candidates=self._candidates(decision.probe))
        return Analysis(guidance=_guidance_of(result), faces=faces, frame_size=(width, height),
                        decision=decision,
                        primary_track=None if primary is None else int(primary.track_id),
                        primary_landmarks=landmarks)

    def _rolling_offer(self, decision: FaceDecision) -> RollingOffer | None:
        """The MATCH's template for the rolling set, when kiosk.app.rolling allows it."""
        if decision.person_id is None or decision.track_id is None or \
                not self._vision.rolling_templates:
            return None
        return offer_for(self._vision, self._gallery, self.recognizer_id, decision.person_id,
                         self._pipeline.code_policy.fused(decision.track_id),
                         decision.liveness_score is not None, self.match_threshold,
                         float(self.operating_point.threshold_1to1))

    def _candidates(self, probe: FloatArray | None) -> tuple[UUID, ...]:
        """People ``probe`` scores at or above the 1:1 threshold with, best first: the
        face + code keypad asks for just enough of the code to tell them apart."""
        threshold = self._pipeline.code_policy.verify_threshold
        if probe is None or threshold is None:
            return ()
        people, scores = self._gallery.person_scores(probe)
        ranked = sorted(zip(np.asarray(scores).tolist(), people, strict=True),
                        key=lambda pair: -pair[0])
        return tuple(person for score, person in ranked if score >= threshold)

    def check_capture(self, image: ImageBGR) -> CaptureCheck:
        """One enrolment frame: the gate's verdict, pose and, when usable, P(real)."""
        from faceid.quality import assess_face

        detections = self._pack.detector.detect(image)
        height, width = image.shape[:2]
        if not detections:
            return CaptureCheck(False, GuidanceKey.NO_FACE, frame_size=(width, height))
        if len(detections) > 1:
            return CaptureCheck(False, GuidanceKey.ONE_AT_A_TIME, frame_size=(width, height))
        face = detections[0]
        quality = assess_face(image, face, self._vision.min_face_px)
        chip = self._pack.align(image, face.landmarks)
        box = (float(face.box[0]), float(face.box[1]), float(face.box[2]), float(face.box[3]))
        liveness = self._pack.liveness
        score = (float(liveness.real_probability(image, face))
                 if quality.ok and liveness is not None else None)
        return CaptureCheck(quality.ok, GuidanceKey.HOLD_STILL if quality.ok
                            else guidance_for(quality.reason), chip, box, (width, height),
                            quality.yaw_deg, quality.pitch_deg, score)

    @property
    def liveness_threshold(self) -> float:
        """The mean P(real) a face needs (``vision.liveness_threshold``)."""
        return float(self._vision.liveness_threshold)

    @property
    def min_face_px(self) -> int:
        """The quality gate's minimum face size (``vision.min_face_px``, box shorter side)."""
        return int(self._vision.min_face_px)


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
    elif decision.kind is VisionDecisionKind.CODE_NEEDED:
        kind = DecisionKind.CODE_NEEDED
    elif decision.person_id is None:
        kind = DecisionKind.UNKNOWN
    else:
        kind = DecisionKind.MATCH
    return FaceDecision(
        kind, decision.person_id if kind is DecisionKind.MATCH else None, float(decision.score),
        liveness_score=(None if decision.liveness_score is None
                        else float(decision.liveness_score)),
        resembled_id=(decision.resembled_id
                      if kind in (DecisionKind.SPOOF, DecisionKind.CODE_NEEDED) else None),
        frames=decision.frames, track_id=decision.track_id, box=box, probe=decision.probe)
