"""Face + code decisions of the frame pipeline on a real photo "video" (faceid.code_policy).

Colin Powell enrolled; his frames score between a 1:1 threshold put under his score and a
1:N threshold put above it, so face alone is not sure: CODE_NEEDED with the fused probe (in
"auto"), UNKNOWN in "face" mode; a stranger under the 1:1 threshold stays UNKNOWN.
"""

from __future__ import annotations

import numpy as np
import pytest

from faceid.code_policy import CodePolicy, VisionMode
from faceid.consensus import DecisionKind
from faceid.pipeline import FramePipeline
from tests.faceid.test_pipeline import POWELL, _run, pipeline_parts  # noqa: F401  (fixture)

pytestmark = [pytest.mark.shared]


def _decisions(pipeline: FramePipeline, frames):  # type: ignore[no-untyped-def]
    return [r.decision for r in _run(pipeline, frames) if r.decision is not None]


def test_an_unsure_face_asks_for_the_code_with_its_fused_probe(pipeline_parts) -> None:  # noqa: F811
    pack, gallery, genuine, stranger, between = pipeline_parts
    own = gallery.person_scores(pack.embed_detections(
        genuine[0], [pack.detector.detect(genuine[0])[0]])[0])[1][0]
    policy = CodePolicy(verify_threshold=between, mode=VisionMode.AUTO)
    pipeline = FramePipeline(pack, gallery, match_threshold=float(own) + 0.05, margin=0.0,
                             consensus_frames=3, min_face_px=60, code_policy=policy)
    decisions = _decisions(pipeline, genuine)
    assert [d.kind for d in decisions] == [DecisionKind.CODE_NEEDED]
    asked = decisions[0]
    assert asked.person_id is None and asked.resembled_id == POWELL
    assert asked.probe is not None and abs(float(np.linalg.norm(asked.probe)) - 1.0) < 1e-4
    assert gallery.verify(asked.probe, POWELL, between).accepted  # 1:1 after the code
    pipeline.reset()
    assert [d.kind for d in _decisions(pipeline, stranger)] == [DecisionKind.UNKNOWN]


def test_face_mode_never_asks_and_face_code_mode_always_asks(pipeline_parts) -> None:  # noqa: F811
    pack, gallery, genuine, _, between = pipeline_parts
    own = gallery.person_scores(pack.embed_detections(
        genuine[0], [pack.detector.detect(genuine[0])[0]])[0])[1][0]
    face_only = FramePipeline(pack, gallery, match_threshold=float(own) + 0.05, margin=0.0,
                              consensus_frames=3, min_face_px=60,
                              code_policy=CodePolicy(between, VisionMode.FACE))
    assert [d.kind for d in _decisions(face_only, genuine)] == [DecisionKind.UNKNOWN]
    always = FramePipeline(pack, gallery, match_threshold=between, margin=0.0,
                           consensus_frames=3, min_face_px=60,
                           code_policy=CodePolicy(between, VisionMode.FACE_CODE))
    decisions = _decisions(always, genuine)
    assert [d.kind for d in decisions] == [DecisionKind.CODE_NEEDED]  # a sure MATCH, asked
    assert decisions[0].resembled_id == POWELL
