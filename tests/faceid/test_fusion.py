"""Multi-frame fusion in the frame pipeline: each frame is matched as the unit mean of the
track's last embeddings (real photos of one person, real models)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from faceid.imageio import image_files, read_image
from faceid.pipeline import FramePipeline
from tests.faceid.test_pipeline import POWELL, _run, _video, pipeline_parts  # noqa: F401

pytestmark = [pytest.mark.shared]


def test_each_frame_is_matched_as_the_mean_of_the_last_three(pipeline_parts,  # noqa: F811
                                                             faces_dev: Path) -> None:
    pack, gallery, _, _, threshold = pipeline_parts
    photos = image_files(faces_dev / "lfw_color_10x10" / "Colin_Powell")[6:10]
    frames = [_video(read_image(p), 1)[0] for p in photos]  # four photos, same place
    singles = [pack.embed_detections(f, [max(pack.detector.detect(f),
                                             key=lambda d: d.box[2] * d.box[3])])[0]
               for f in frames]
    fused = FramePipeline(pack, gallery, match_threshold=threshold, margin=0.0,
                          consensus_frames=3, min_face_px=60, fusion_frames=3)
    alone = FramePipeline(pack, gallery, match_threshold=threshold, margin=0.0,
                          consensus_frames=3, min_face_px=60)
    fused_scores = [r.faces[0].match.score for r in _run(fused, frames)]
    alone_scores = [r.faces[0].match.score for r in _run(alone, frames)]
    for index in range(4):
        window = np.stack(singles[max(0, index - 2):index + 1]).mean(axis=0)
        expected = gallery.person_scores(window / np.linalg.norm(window))[1][0]
        assert fused_scores[index] == pytest.approx(float(expected), abs=1e-4)
        single = gallery.person_scores(singles[index])[1][0]
        assert alone_scores[index] == pytest.approx(float(single), abs=1e-4)
    assert fused_scores[0] == pytest.approx(alone_scores[0], abs=1e-6)
    assert fused_scores[2] != pytest.approx(alone_scores[2], abs=1e-4)
