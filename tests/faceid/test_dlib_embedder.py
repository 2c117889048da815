"""DlibResnetEmbedder on real photos: YuNet landmarks -> dlib template -> converted ResNet."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from faceid.align import align_face
from faceid.detectors.yunet import YuNetDetector
from faceid.embedders.dlib_resnet import DlibResnetEmbedder
from faceid.types import Embedder
from kiosk.errors import VisionError
from kiosk.modelhub.convert_dlib import convert
from tests.conftest import need_shared
from tests.kiosk.modelhub.test_convert_dlib import fetch_dlib_dat

PEOPLE = ("Colin_Powell", "George_W_Bush", "Tony_Blair", "Vladimir_Putin")


@pytest.fixture(scope="module")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> DlibResnetEmbedder:
    model = tmp_path_factory.mktemp("dlib") / "dlib.onnx"
    convert([fetch_dlib_dat()], model)
    return DlibResnetEmbedder(model)


@pytest.fixture(scope="module")
def chips(embedder: DlibResnetEmbedder) -> dict[str, list[np.ndarray]]:
    """Three aligned chips of each of four colour-LFW people."""
    folder = need_shared("datasets", "faces-dev", "lfw_color_10x10")
    detector = YuNetDetector(need_shared("models", "yunet", "face_detection_yunet_2023mar.onnx"))
    result: dict[str, list[np.ndarray]] = {}
    for person in PEOPLE:
        result[person] = []
        for photo in sorted((folder / person).glob("*.jpg"))[:3]:
            image = cv2.imread(str(photo))
            face = max(detector.detect(image), key=lambda d: d.box[2] * d.box[3])
            result[person].append(align_face(image, face.landmarks, embedder.template, 150))
    return result


def test_satisfies_the_embedder_protocol(embedder: DlibResnetEmbedder) -> None:
    assert isinstance(embedder, Embedder)
    assert (embedder.recognizer_id, embedder.chip_size, embedder.dim) == ("dlib-resnet-v1", 150,
                                                                          128)
    assert embedder.template.shape == (5, 2) and embedder.template.dtype == np.float32
    assert embedder.embed([]).shape == (0, 128)


def test_same_person_scores_above_other_people(embedder: DlibResnetEmbedder,
                                               chips: dict[str, list[np.ndarray]]) -> None:
    rows = {p: embedder.embed(c) for p, c in chips.items()}
    for person, matrix in rows.items():
        assert matrix.dtype == np.float32
        assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
        genuine = (matrix @ matrix.T)[np.triu_indices(len(matrix), 1)]
        impostor = np.concatenate([(matrix @ rows[o].T).ravel() for o in rows if o != person])
        assert genuine.min() > impostor.max(), person


def test_flip_averaging_is_mirror_symmetric(embedder: DlibResnetEmbedder,
                                            chips: dict[str, list[np.ndarray]]) -> None:
    chip = chips[PEOPLE[0]][0]
    mirrored = np.ascontiguousarray(chip[:, ::-1])
    flipping = DlibResnetEmbedder(embedder.model_path, flip=True)
    single = DlibResnetEmbedder(embedder.model_path, flip=False)
    assert np.allclose(flipping.embed([chip]), flipping.embed([mirrored]), atol=1e-5)
    assert not np.allclose(single.embed([chip]), single.embed([mirrored]), atol=1e-3)


def test_rejects_chips_of_the_wrong_size(embedder: DlibResnetEmbedder) -> None:
    with pytest.raises(VisionError):
        embedder.embed([np.zeros((112, 112, 3), np.uint8)])
