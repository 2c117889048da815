"""FramePipeline over a short synthetic "video" made of a real photo shifted frame by frame."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from faceid.consensus import DecisionKind
from faceid.enrollment import enroll_images
from faceid.imageio import image_files, read_image
from faceid.matcher import Gallery
from faceid.pipeline import FramePipeline
from faceid.quality import QualityIssue

T0 = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
POWELL = uuid.uuid5(uuid.NAMESPACE_URL, "Colin_Powell")


def _video(image: np.ndarray, frames: int) -> list[np.ndarray]:
    """``frames`` copies of ``image`` on a 640x480 canvas, drifting 2 px right per frame."""
    canvas_h, canvas_w = 480, 640
    scale = min(canvas_w / image.shape[1], canvas_h / image.shape[0], 1.6)
    result = []
    for k in range(frames):
        matrix = np.float32([[scale, 0, 40 + 2 * k], [0, scale, 10]])
        result.append(cv2.warpAffine(image, matrix, (canvas_w, canvas_h),
                                     borderMode=cv2.BORDER_REPLICATE))
    return result


@pytest.fixture(scope="module")
def pipeline_parts(recognition_pack, faces_dev: Path):  # type: ignore[no-untyped-def]
    """(pack, gallery with Colin Powell enrolled, genuine frames, stranger frames, threshold).

    The pack's liveness models (if installed) are left out: these tests are about recognition
    and consensus; liveness gating has its own test below.
    """
    pack = dataclasses.replace(recognition_pack, liveness=None)
    photos = image_files(faces_dev / "lfw_color_10x10" / "Colin_Powell")
    enrolled = enroll_images(pack, [read_image(p) for p in photos[:4]], min_face_px=60)
    gallery = Gallery(pack.recognizer_id)
    gallery.add(POWELL, enrolled.embeddings, recognizer_id=pack.recognizer_id)
    genuine = _video(read_image(photos[6]), 8)
    stranger = _video(read_image(faces_dev / "people" / "clapton-2.jpg"), 8)

    def score(frame: np.ndarray) -> float:
        detection = pack.detector.detect(frame)[0]
        return float(gallery.person_scores(pack.embed_detections(frame, [detection])[0])[1][0])

    genuine_score, stranger_score = score(genuine[0]), score(stranger[0])
    assert genuine_score > stranger_score + 0.02
    # this test is about the frame flow: put the threshold between the two, whatever the model
    return pack, gallery, genuine, stranger, (genuine_score + stranger_score) / 2


def _run(pipeline: FramePipeline, frames: list[np.ndarray]):  # type: ignore[no-untyped-def]
    return [pipeline.process(f, T0 + timedelta(milliseconds=100 * i))
            for i, f in enumerate(frames)]


def test_match_decided_after_consensus_frames_only(pipeline_parts) -> None:  # type: ignore[no-untyped-def]
    pack, gallery, genuine, _, threshold = pipeline_parts
    pipeline = FramePipeline(pack, gallery, match_threshold=threshold, margin=0.0,
                             consensus_frames=3, min_face_px=60)
    results = _run(pipeline, genuine[:5])
    decisions = [r.decision for r in results]
    assert decisions[0] is None and decisions[1] is None
    assert decisions[2] is not None and decisions[2].kind is DecisionKind.MATCH
    assert decisions[2].person_id == POWELL and decisions[2].frames == 3
    assert decisions[3] is None and decisions[4] is None  # once per track and person
    assert len({r.faces[0].track_id for r in results}) == 1
    face = results[2].faces[0]
    assert face.primary and face.quality_ok and face.match is not None
    assert results[2].guidance is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        results[2].decision = None  # type: ignore[misc]


def test_stranger_gets_one_unknown_decision(pipeline_parts) -> None:  # type: ignore[no-untyped-def]
    pack, gallery, _, stranger, threshold = pipeline_parts
    pipeline = FramePipeline(pack, gallery, match_threshold=threshold, margin=0.0,
                             consensus_frames=3, min_face_px=60, unknown_frames=4)
    decisions = [r.decision for r in _run(pipeline, stranger[:7])]
    emitted = [d for d in decisions if d is not None]
    assert len(emitted) == 1 and decisions[3] is emitted[0]
    assert emitted[0].kind is DecisionKind.UNKNOWN and emitted[0].person_id is None


def test_guidance_without_decision_and_empty_frames(pipeline_parts) -> None:  # type: ignore[no-untyped-def]
    pack, gallery, genuine, _, threshold = pipeline_parts
    pipeline = FramePipeline(pack, gallery, match_threshold=threshold, margin=0.0,
                             consensus_frames=3, min_face_px=60)
    blurred = [cv2.GaussianBlur(f, (0, 0), 6) for f in genuine[:4]]
    results = _run(pipeline, blurred)
    assert all(r.guidance is QualityIssue.BLURRY and r.decision is None for r in results)
    assert all(r.faces and r.faces[0].match is None for r in results)
    empty = pipeline.process(np.zeros((480, 640, 3), np.uint8), T0)
    assert empty.faces == () and empty.guidance is None and empty.decision is None
    far = FramePipeline(pack, gallery, match_threshold=threshold, min_face_px=400)
    assert far.process(genuine[0], T0).guidance is QualityIssue.TOO_SMALL


def test_pipeline_module_never_imports_qt() -> None:
    code = ("import sys, faceid.pipeline, faceid.enrollment, "
            "faceid.calibration; sys.exit('PySide6' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.fixture(scope="module")
def liveness(vision_models_dir: Path):  # type: ignore[no-untyped-def]
    """MiniFASNet V2 + V1SE installed by the real installer (from ../shared/models)."""
    from faceid.liveness import MiniFasNetLiveness
    from faceid.registry import load_registry
    from kiosk.errors import KioskError
    from kiosk.modelhub.installer import Installer
    from tests.conftest import need_shared

    Installer(load_registry(), vision_models_dir, from_dir=need_shared("models")).install(
        ["minifasnet-v2", "minifasnet-v1se"])
    try:
        return MiniFasNetLiveness.from_models_dir(vision_models_dir)
    except KioskError as exc:
        pytest.fail(f"MiniFASNet could not be installed from ../shared/models: {exc}")


def test_match_waits_for_live_verdict_and_a_print_is_refused(
        recognition_pack, liveness, faces_dev: Path) -> None:  # type: ignore[no-untyped-def]
    pack = recognition_pack
    live = read_image(faces_dev / "spoof" / "sf_live_T1.jpg")
    printed = read_image(faces_dev / "spoof" / "sf_print_F1.jpg")
    person = uuid.uuid4()
    gallery = Gallery(pack.recognizer_id)
    gallery.add(person, enroll_images(pack, [live], min_face_px=60).embeddings)

    def run(image: np.ndarray) -> list:  # type: ignore[type-arg]
        # this test is about liveness gating: any similarity above -1 counts as a match
        pipeline = FramePipeline(pack, gallery, match_threshold=-1.0, margin=0.0,
                                 consensus_frames=2, min_face_px=60, liveness=liveness,
                                 liveness_threshold=0.7)
        frames = [np.roll(image, 2 * k, axis=1) for k in range(5)]
        return [r.decision for r in _run(pipeline, frames)]

    live_decisions = run(live)
    # consensus after 2 frames, but liveness needs 3 frames: the match is held until then
    assert live_decisions[:2] == [None, None] and live_decisions[2] is not None
    assert live_decisions[2].kind is DecisionKind.MATCH and live_decisions[2].person_id == person
    assert live_decisions[2].liveness_score is not None and live_decisions[2].liveness_score > 0.7
    assert live_decisions[3:] == [None, None]
    spoof = [d for d in run(printed) if d is not None]
    assert len(spoof) == 1 and spoof[0].kind is DecisionKind.SPOOF
    assert spoof[0].person_id is None and spoof[0].resembled_id == person
    assert spoof[0].liveness_score is not None and spoof[0].liveness_score < 0.7


def test_a_clear_live_face_is_decided_in_two_frames_and_a_print_still_in_three(
        recognition_pack, liveness, faces_dev: Path) -> None:  # type: ignore[no-untyped-def]
    """Early decisions: a strong match on a clearly live face needs 2 frames, not 3;
    the printed photo of the same person is still refused only after the full count."""
    pack = recognition_pack
    live = read_image(faces_dev / "spoof" / "sf_live_T1.jpg")
    printed = read_image(faces_dev / "spoof" / "sf_print_F1.jpg")
    person = uuid.uuid4()
    gallery = Gallery(pack.recognizer_id)
    gallery.add(person, enroll_images(pack, [live], min_face_px=60).embeddings)

    def run(image: np.ndarray, early_frames: int | None) -> list:  # type: ignore[type-arg]
        pipeline = FramePipeline(pack, gallery, match_threshold=0.3, margin=0.05,
                                 consensus_frames=3, min_face_px=60, liveness=liveness,
                                 early_frames=early_frames, liveness_min_frames=3,
                                 unknown_frames=3)
        frames = [np.roll(image, 2 * k, axis=1) for k in range(4)]
        return [r.decision for r in _run(pipeline, frames)]

    early = run(live, 2)
    assert early[0] is None and early[1] is not None and early[1].frames == 2
    assert early[1].kind is DecisionKind.MATCH and early[1].person_id == person
    assert early[1].liveness_score is not None and early[1].liveness_score >= 0.8
    assert run(live, None)[1] is None  # without early decisions: the third frame
    refused = run(printed, 2)
    assert refused[:2] == [None, None] and refused[2] is not None
    assert refused[2].kind is DecisionKind.SPOOF
