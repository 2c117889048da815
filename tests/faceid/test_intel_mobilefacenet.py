"""IntelReidEmbedder and MobileFaceNetEmbedder on models converted by the project's converters.

Real models (converted here from the IR in ../shared and the npm .tflite), real photos from
faces-dev, YuNet landmarks and faceid.align.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from faceid.align import align_face
from faceid.detectors.yunet import YuNetDetector
from faceid.embedders.intel_reid import IntelReidEmbedder
from faceid.embedders.mobilefacenet import MobileFaceNetEmbedder
from faceid.imageio import read_image
from faceid.types import Embedder
from kiosk.errors import VisionError
from tests.conftest import need_shared
from tests.kiosk.modelhub.test_convert_openvino import converted_intel
from tests.kiosk.modelhub.test_convert_tflite import converted_mobilefacenet

SAME_PEOPLE = ("biden", "clapton", "lennon", "obama")


@pytest.fixture(scope="module", params=["intel", "mobilefacenet"])
def embedder(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> IntelReidEmbedder | MobileFaceNetEmbedder:
    directory = tmp_path_factory.mktemp(request.param)
    if request.param == "intel":
        return IntelReidEmbedder(converted_intel(directory))
    return MobileFaceNetEmbedder(converted_mobilefacenet(directory))


@pytest.fixture(scope="module")
def people_chips(embedder: IntelReidEmbedder | MobileFaceNetEmbedder
                 ) -> dict[str, np.ndarray]:
    """Aligned chips of the faces-dev people photos that come in pairs (name-1, name-2)."""
    faces_dev = need_shared("datasets", "faces-dev")
    detector = YuNetDetector(need_shared("models", "yunet", "face_detection_yunet_2023mar.onnx"))
    chips = {}
    for person, number in itertools.product(SAME_PEOPLE, (1, 2)):
        image = read_image(faces_dev / "people" / f"{person}-{number}.jpg")
        faces = detector.detect(image)
        assert faces, f"YuNet found no face in {person}-{number}.jpg"
        chips[f"{person}-{number}"] = align_face(image, faces[0].landmarks, embedder.template,
                                                 embedder.chip_size)
    return chips


def test_satisfies_the_embedder_contract(embedder: Embedder) -> None:
    assert isinstance(embedder, Embedder)
    expected = {"intel-reid-0095": (128, 256), "sirius-mobilefacenet": (112, 192)}
    assert (embedder.chip_size, embedder.dim) == expected[embedder.recognizer_id]
    template = embedder.template  # type: ignore[attr-defined]
    assert template.shape == (5, 2) and template.dtype == np.float32
    assert (template > 0).all() and (template < embedder.chip_size).all()
    centre = embedder.chip_size / 2
    assert abs(template[0, 0] + template[1, 0] - 2 * centre) < 1.0  # eyes symmetric
    assert template[0, 1] < template[2, 1] < template[3, 1]  # eyes, nose, mouth downwards


def test_embeddings_are_unit_rows_and_mirror_invariant(
        embedder: IntelReidEmbedder | MobileFaceNetEmbedder,
        people_chips: dict[str, np.ndarray]) -> None:
    chips = list(people_chips.values())
    rows = embedder.embed(chips)
    assert rows.shape == (len(chips), embedder.dim) and rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    mirrored = embedder.embed([np.ascontiguousarray(c[:, ::-1]) for c in chips])
    assert np.abs(mirrored - rows).max() < 1e-4  # face + mirror is symmetric by design
    single = embedder.embed(chips[:1])
    assert np.abs(single[0] - rows[0]).max() < 1e-4  # batching does not change a row
    assert embedder.embed([]).shape == (0, embedder.dim)


def test_same_person_scores_above_different_people(
        embedder: IntelReidEmbedder | MobileFaceNetEmbedder,
        people_chips: dict[str, np.ndarray]) -> None:
    names = list(people_chips)
    rows = dict(zip(names, embedder.embed(list(people_chips.values())), strict=True))
    genuine = [float(rows[f"{p}-1"] @ rows[f"{p}-2"]) for p in SAME_PEOPLE]
    impostor = [float(rows[a] @ rows[b]) for a, b in itertools.combinations(names, 2)
                if a.split("-")[0] != b.split("-")[0]]
    assert min(genuine) > max(impostor), f"genuine {genuine}, worst impostor {max(impostor)}"


def test_rejects_chips_of_the_wrong_size(
        embedder: IntelReidEmbedder | MobileFaceNetEmbedder) -> None:
    with pytest.raises(VisionError):
        embedder.embed([np.zeros((150, 150, 3), dtype=np.uint8)])


def test_missing_model_file_is_a_model_error(tmp_path: Path) -> None:
    from kiosk.errors import ModelMissingError

    for embedder_class in (IntelReidEmbedder, MobileFaceNetEmbedder):
        with pytest.raises(ModelMissingError):
            embedder_class(tmp_path / "absent.onnx")
