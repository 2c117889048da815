"""Issue 3's gallery test: 10 colour LFW identities enrolled from 5 photos each through the
kiosk's own enrollment code; their other 5 photos are identified correctly and the strangers of
faces-dev/people come back "unknown", by the kiosk's matcher.

Thresholds: the pack's own (registry) ones -- except for dlib, whose registry thresholds are
set for 1:1 only (models/README.md: at 0.97 it rejects most genuine attempts, by design). For
dlib the test follows the documented site flow instead: `kiosk calibrate`'s code proposes the
1:N threshold and margin from the enrollment photos, and those are used.
Probes go through the quality gate first, as at the kiosk. Measured here: yunet-intel0095
genuine probes that pass the gate score >= 0.55 (the one in sunglasses, gated, 0.525),
strangers <= 0.371; yunet-dlib genuine >= 0.925, strangers <= 0.918
(calibrated 0.917 / 0.01: dlib is tight on this population, hence the preference for others).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np

from faceid.calibration import LabelledEmbeddings, calibrate
from faceid.enrollment import enroll_images
from faceid.imageio import image_files, read_image
from faceid.matcher import Gallery, MatchDecision
from faceid.quality import QualityIssue, assess_face

ENROLL_PER_PERSON = 5
MIN_FACE_PX = 60  # LFW faces are 80-110 px


def _gated_embedding(pack, image):  # type: ignore[no-untyped-def]
    """(embedding, None) for the largest face, or (None, reason) when the gate refuses it --
    as the kiosk does: it asks the person to fix the problem instead of guessing."""
    detections = pack.detector.detect(image)
    assert detections
    largest = max(detections, key=lambda d: d.box[2] * d.box[3])
    quality = assess_face(image, largest, MIN_FACE_PX)
    if not quality.ok:
        return None, quality.reason
    return pack.embed_detections(image, [largest])[0], None


def _thresholds(pack, labels: list[str], rows: np.ndarray) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    if "dlib" not in pack.recognizer_id:
        return pack.thresholds.match, pack.thresholds.margin
    data = LabelledEmbeddings(labels, [Path(label) for label in labels], rows)
    report = calibrate(data, pack.recognizer_id, target_far=1e-3)
    return report.threshold_1toN, report.margin


def test_enroll_ten_identify_the_rest_and_refuse_strangers(recognition_pack,  # type: ignore[no-untyped-def]
                                                           faces_dev: Path) -> None:
    pack = recognition_pack
    enrolled: list[tuple[uuid.UUID, str, np.ndarray]] = []
    probes: list[tuple[uuid.UUID, Path]] = []
    for folder in sorted(p for p in (faces_dev / "lfw_color_10x10").iterdir() if p.is_dir()):
        person = uuid.uuid5(uuid.NAMESPACE_URL, folder.name)
        photos = image_files(folder)
        result = enroll_images(pack, [read_image(p) for p in photos[:ENROLL_PER_PERSON]],
                               min_face_px=MIN_FACE_PX)
        assert len(result.accepted) >= 3, (folder.name, result.rejected)
        enrolled.append((person, folder.name, result.embeddings))
        probes += [(person, p) for p in photos[ENROLL_PER_PERSON:]]
    labels = [name for _, name, rows in enrolled for _ in rows]
    threshold, margin = _thresholds(pack, labels, np.concatenate([r for _, _, r in enrolled]))
    gallery = Gallery(pack.recognizer_id, threshold, margin)
    for person, _, rows in enrolled:
        gallery.add(person, rows, recognizer_id=pack.recognizer_id)
    assert len(gallery.people) == 10 and len(probes) == 50
    wrong, gated = [], []
    for person, path in probes:
        embedding, reason = _gated_embedding(pack, read_image(path))
        if embedding is None:
            gated.append((path.name, reason))
            continue
        match = gallery.identify(embedding)
        if match.person_id != person:
            wrong.append((path.name, match))
    assert not wrong, (threshold, margin, wrong)
    # Arnold_Schwarzenegger_0008 wears dark sunglasses: the kiosk asks to remove them; the
    # gate also turns away Jacques_Chirac_0007 (soft, "hold still"); nothing else
    assert ("Arnold_Schwarzenegger_0008.jpg", QualityIssue.EYES_HIDDEN) in gated
    assert len(gated) <= 2, gated
    strangers = image_files(faces_dev / "people")
    assert len(strangers) >= 9
    for path in strangers:
        embedding, reason = _gated_embedding(pack, read_image(path))
        assert embedding is not None, (path.name, reason)
        match = gallery.identify(embedding)
        assert match.person_id is None, (path.name, threshold, margin, match)
        assert match.decision in (MatchDecision.BELOW_THRESHOLD, MatchDecision.AMBIGUOUS)
