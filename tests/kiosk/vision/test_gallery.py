"""Issue 3's gallery test: 10 colour LFW identities enrolled from 5 photos each through the
kiosk's own enrollment code; their other 5 photos are identified correctly and the strangers of
faces-dev/people come back "unknown", by the kiosk's matcher.

Thresholds: the pack's own (registry) ones -- except for dlib, whose registry thresholds are
set for 1:1 only (models/README.md: at 0.97 it rejects most genuine attempts, by design). For
dlib the test follows the documented site flow instead: `kiosk calibrate`'s code proposes the
1:N threshold and margin from the enrollment photos, and those are used.
Measured here: yunet-intel0095 genuine probes score >= 0.525 (Arnold_Schwarzenegger_0008, a
frontal, sharp photo), strangers <= 0.371; yunet-dlib genuine >= 0.925, strangers <= 0.918
(calibrated 0.917 / 0.01: dlib is tight on this population, hence the preference for others).
"""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np

from kiosk.vision.calibration import LabelledEmbeddings, calibrate
from kiosk.vision.enrollment import enroll_images
from kiosk.vision.imageio import image_files, read_image
from kiosk.vision.matcher import Gallery, MatchDecision

ENROLL_PER_PERSON = 5


def _largest_face_embedding(pack, image):  # type: ignore[no-untyped-def]
    detections = pack.detector.detect(image)
    assert detections
    largest = max(detections, key=lambda d: d.box[2] * d.box[3])
    return pack.embed_detections(image, [largest])[0]


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
                               min_face_px=60)
        assert len(result.accepted) >= 3, (folder.name, result.rejected)
        enrolled.append((person, folder.name, result.embeddings))
        probes += [(person, p) for p in photos[ENROLL_PER_PERSON:]]
    labels = [name for _, name, rows in enrolled for _ in rows]
    threshold, margin = _thresholds(pack, labels, np.concatenate([r for _, _, r in enrolled]))
    gallery = Gallery(pack.recognizer_id, threshold, margin)
    for person, _, rows in enrolled:
        gallery.add(person, rows, recognizer_id=pack.recognizer_id)
    assert len(gallery.people) == 10 and len(probes) == 50
    wrong = []
    for person, path in probes:
        match = gallery.identify(_largest_face_embedding(pack, read_image(path)))
        if match.person_id != person:
            wrong.append((path.name, match))
    assert not wrong, (threshold, margin, wrong)
    strangers = image_files(faces_dev / "people")
    assert len(strangers) >= 9
    for path in strangers:
        match = gallery.identify(_largest_face_embedding(pack, read_image(path)))
        assert match.person_id is None, (path.name, threshold, margin, match)
        assert match.decision in (MatchDecision.BELOW_THRESHOLD, MatchDecision.AMBIGUOUS)
