"""convert_openvino on the real Intel 0095 IR v4: structure, determinism, bad input, accuracy.

No runtime here reads IR v4 (current OpenVINO dropped it), so the functional check is the
recognizer's accuracy on LFW-dev with YuNet landmarks: the full 5-fold figure is 99.00%
(models/README.md); the slow test below checks one fold, see its docstring for the bound.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np
import onnx
import pytest

from faceid.align import align_face
from faceid.detectors.yunet import YuNetDetector
from faceid.embedders.intel_reid import IntelReidEmbedder
from faceid.imageio import read_image
from faceid.registry import load_registry
from kiosk.errors import ConversionError
from kiosk.modelhub.convert_openvino import convert
from tests.conftest import need_shared

MODEL_ID = "intel-reid-0095"
IR_NAME = "face-reidentification-retail-0095"


def ir_files() -> list[Path]:
    folder = need_shared("models", "intel-face-reid-0095")
    return [folder / f"{IR_NAME}.xml", folder / f"{IR_NAME}.bin"]


def converted_intel(directory: Path) -> Path:
    output = directory / f"{IR_NAME}.onnx"
    convert(ir_files(), output)
    return output


@pytest.fixture(scope="module")
def onnx_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return converted_intel(tmp_path_factory.mktemp("intel"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_graph_mirrors_the_ir_layers(onnx_path: Path) -> None:
    model = onnx.load(str(onnx_path))
    ops = [node.op_type for node in model.graph.node]
    assert ops.count("Conv") == 80 and ops.count("LeakyRelu") == 48  # 48 shared-slope PReLUs
    assert ops.count("AveragePool") == 15 and ops.count("Sigmoid") == 15
    assert ops.count("Tile") == 0  # the 30 SE-gate Tiles are left to Mul's broadcasting
    depthwise = [n for n in model.graph.node if n.op_type == "Conv"
                 and any(a.name == "group" and a.i > 1 for a in n.attribute)]
    assert len(depthwise) == 17
    dims = model.graph.output[0].type.tensor_type.shape.dim
    assert [d.dim_value for d in dims[1:]] == [256]


def test_output_is_byte_deterministic_and_pinned(onnx_path: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.onnx"
    fractions: list[float] = []
    convert(list(reversed(ir_files())), again,
            progress=lambda label, fraction: fractions.append(fraction))
    assert sha256(again) == sha256(onnx_path)
    assert fractions and fractions[-1] == 1.0
    pinned = load_registry().model(MODEL_ID).convert
    assert pinned is not None and sha256(onnx_path) == pinned.sha256


def test_float16_storage_halves_the_file_and_changes_no_output(onnx_path: Path,
                                                               tmp_path: Path) -> None:
    import onnxruntime as ort

    half = tmp_path / "half.onnx"
    convert(ir_files(), half, float16_storage=True)
    assert half.stat().st_size < 0.55 * onnx_path.stat().st_size
    faces = np.random.default_rng(7).uniform(0, 255, (2, 3, 128, 128)).astype(np.float32)
    outputs = [ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(
        None, {"input": faces})[0] for path in (onnx_path, half)]
    assert np.abs(outputs[0]).max() > 0.1
    assert np.array_equal(outputs[0], outputs[1])


def test_rejects_unsupported_versions_and_bad_files(tmp_path: Path) -> None:
    xml_path, bin_path = ir_files()
    text = xml_path.read_text()
    cases = {
        "v10": (text.replace('version="4"', 'version="10"', 1), bin_path.read_bytes()),
        "short bin": (text, bin_path.read_bytes()[:1_000_000]),
        "bad xml": (text[:5000], bin_path.read_bytes()),
        "unknown layer": (text.replace('type="Tile"', 'type="Gather"', 1),
                          bin_path.read_bytes()),
    }
    messages = {}
    for label, (xml_text, weights) in cases.items():
        (tmp_path / "m.xml").write_text(xml_text)
        (tmp_path / "m.bin").write_bytes(weights)
        with pytest.raises(ConversionError) as caught:
            convert([tmp_path / "m.xml", tmp_path / "m.bin"], tmp_path / "out.onnx")
        messages[label] = str(caught.value)
    assert "version 10" in messages["v10"] and "version 4" in messages["v10"]
    assert "Gather" in messages["unknown layer"]
    with pytest.raises(ConversionError):
        convert([xml_path], tmp_path / "out.onnx")
    assert not (tmp_path / "out.onnx").exists()


@pytest.mark.slow
def test_embeddings_separate_people_on_lfw_colour(onnx_path: Path) -> None:
    """Each of 10 people's ~10 photos is nearest to one of that person's own: rank-1 over the
    ~100 YuNet faces was 0.98 when measured (2 misses); >= 0.95 leaves room for 3 more."""
    faces_dev = need_shared("datasets", "faces-dev")
    detector = YuNetDetector(need_shared("models", "yunet", "face_detection_yunet_2023mar.onnx"))
    embedder = IntelReidEmbedder(onnx_path)
    chips, labels = [], []
    for photo in sorted((faces_dev / "lfw_color_10x10").glob("*/*.jpg")):
        image = read_image(photo)
        faces = detector.detect(image)
        if faces:
            chips.append(align_face(image, faces[0].landmarks, embedder.template, 128))
            labels.append(photo.parent.name)
    vectors = embedder.embed(chips)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -2.0)
    nearest = similarity.argmax(axis=1)
    hits = np.mean([labels[i] == labels[j] for i, j in enumerate(nearest)])
    assert len(chips) >= 90 and hits >= 0.95, f"rank-1 {hits:.3f} over {len(chips)} photos"


def lfw_fold_similarities(embedder: IntelReidEmbedder, fold: int) -> tuple[np.ndarray,
                                                                           np.ndarray]:
    lfw = need_shared("datasets", "lfw-dev")
    detector = YuNetDetector(need_shared("models", "yunet", "face_detection_yunet_2023mar.onnx"))
    with open(lfw / "pairs.csv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if int(r["fold"]) == fold]
    cache: dict[str, np.ndarray] = {}

    def vector(relative: str) -> np.ndarray:
        if relative not in cache:
            image = read_image(lfw / relative)
            faces = detector.detect(image)
            centre = np.array(image.shape[1::-1]) / 2
            face = min(faces, key=lambda f: float(np.linalg.norm(
                np.array(f.box[:2]) + np.array(f.box[2:]) / 2 - centre)))
            chip = align_face(image, face.landmarks, embedder.template, 128)
            cache[relative] = embedder.embed([chip])[0]
        return cache[relative]

    sims = np.array([float(vector(r["path1"]) @ vector(r["path2"])) for r in rows])
    return sims, np.array([r["same"] == "1" for r in rows])


@pytest.mark.slow
def test_lfw_dev_fold_accuracy(onnx_path: Path) -> None:
    """LFW-dev fold 0 (600 pairs), threshold chosen on one half of the pairs and scored on the
    other (both ways, averaged). The full 5-fold figure is 99.00%; one fold of 600 pairs has a
    sampling spread of about sqrt(0.01 * 0.99 / 600) = 0.4 points, so >= 97.8% is 99.0 - 0.3
    minus 2.2 standard errors. Any real converter fault (swapped channels, wrong scale, a wrong
    layer) costs far more than that; so does normalising the input twice."""
    sims, same = lfw_fold_similarities(IntelReidEmbedder(onnx_path), fold=0)
    halves = (np.arange(len(sims)) % 2 == 0, np.arange(len(sims)) % 2 == 1)
    accuracies = []
    for train, test in (halves, halves[::-1]):
        threshold = max(np.unique(sims[train]),
                        key=lambda t: float(np.mean((sims[train] >= t) == same[train])))
        accuracies.append(float(np.mean((sims[test] >= threshold) == same[test])))
    accuracy = float(np.mean(accuracies))
    assert accuracy >= 0.978, f"LFW-dev fold 0 accuracy {accuracy:.4f}"
