"""The torch-free MiniFASNet converter: parity with the third-party ONNX export on real crops,
byte-determinism, and refusal of hostile or damaged checkpoints."""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import pytest

from faceid.detectors.yunet import YuNetDetector
from faceid.liveness import model_input
from kiosk.errors import ConversionError
from kiosk.modelhub.convert_minifasnet import (
    LEGACY_MAGIC,
    LEGACY_PROTOCOL,
    build_model,
    convert,
    read_state_dict,
)

MODELS = {"2.7_80x80_MiniFASNetV2": 2.7, "4_0_0_80x80_MiniFASNetV1SE": 4.0}
SPOOF_PHOTOS = ("sf_live_T1.jpg", "sf_print_F1.jpg", "sf_replay_F2.jpg")


def _session(path: Path) -> ort.InferenceSession:
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module")
def real_crops(shared_models: Path, faces_dev: Path) -> dict[float, list[np.ndarray]]:
    """Model inputs cut around the YuNet face of each spoof-folder photo, per crop scale."""
    detector = YuNetDetector(shared_models / "yunet" / "face_detection_yunet_2023mar.onnx")
    crops: dict[float, list[np.ndarray]] = {2.7: [], 4.0: []}
    for name in SPOOF_PHOTOS:
        image = cv2.imread(str(faces_dev / "spoof" / name))
        face = detector.detect(image)[0]
        for scale in crops:
            crops[scale].append(model_input(image, face.box, scale))
    return crops


@pytest.mark.parametrize("stem", sorted(MODELS))
def test_converted_model_matches_the_third_party_export(
        stem: str, tmp_path: Path, shared_models: Path,
        real_crops: dict[float, list[np.ndarray]]) -> None:
    produced = tmp_path / f"{stem}.onnx"
    convert([shared_models / "minifasnet" / "official_pth" / f"{stem}.pth"], produced)
    ours, theirs = _session(produced), _session(shared_models / "minifasnet" / f"{stem}.onnx")
    for tensor in real_crops[MODELS[stem]]:
        mine = ours.run(None, {"input": tensor})[0]
        reference = theirs.run(None, {"input": tensor})[0]
        assert mine.shape == (1, 3)
        np.testing.assert_allclose(mine, reference, atol=1e-4, rtol=0)
    # the three photos must not all give the same answer (a constant graph would "match" less)
    logits = [ours.run(None, {"input": t})[0][0] for t in real_crops[MODELS[stem]]]
    assert len({int(np.argmax(v)) for v in logits}) > 1


def test_batch_of_crops_runs_in_one_call(tmp_path: Path, shared_models: Path,
                                         real_crops: dict[float, list[np.ndarray]]) -> None:
    produced = tmp_path / "v2.onnx"
    convert([shared_models / "minifasnet" / "official_pth" / "2.7_80x80_MiniFASNetV2.pth"],
            produced)
    session = _session(produced)
    batch = np.concatenate(real_crops[2.7])
    together = session.run(None, {"input": batch})[0]
    one_by_one = np.concatenate([session.run(None, {"input": t})[0] for t in real_crops[2.7]])
    np.testing.assert_allclose(together, one_by_one, atol=1e-4)


def test_output_is_byte_deterministic(tmp_path: Path, shared_models: Path) -> None:
    source = shared_models / "minifasnet" / "official_pth" / "4_0_0_80x80_MiniFASNetV1SE.pth"
    steps: list[str] = []
    convert([source], tmp_path / "a.onnx", progress=lambda step, _: steps.append(step))
    convert([source], tmp_path / "b" / "b.onnx")
    digest = [hashlib.sha256((tmp_path / p).read_bytes()).hexdigest() for p in ("a.onnx",
                                                                                "b/b.onnx")]
    assert digest[0] == digest[1]
    assert steps[-1] == "done"
    assert not list(tmp_path.glob("*.part"))


def test_state_dict_is_read_without_torch(shared_models: Path) -> None:
    weights = read_state_dict(shared_models / "minifasnet" / "official_pth"
                              / "2.7_80x80_MiniFASNetV2.pth")
    assert weights["conv1.conv.weight"].shape == (32, 3, 3, 3)
    assert weights["prob.weight"].shape == (3, 128)
    assert weights["conv1.bn.running_var"].min() > 0
    assert not any(name.startswith("module.") for name in weights)


class _RunsShell:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch pwned-by-checkpoint",))


def _legacy_header() -> bytes:
    return b"".join(pickle.dumps(v, protocol=2) for v in
                    (LEGACY_MAGIC, LEGACY_PROTOCOL, {"little_endian": True}))


def test_hostile_pickle_is_refused_without_running_it(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    hostile = tmp_path / "evil.pth"
    hostile.write_bytes(_legacy_header() + pickle.dumps({"w": _RunsShell()}, protocol=2))
    with pytest.raises(ConversionError, match="refusing to load global"):
        convert([hostile], tmp_path / "out.onnx")
    assert not (tmp_path / "pwned-by-checkpoint").exists()
    assert not (tmp_path / "out.onnx").exists()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "missing"])
def test_damaged_checkpoints_raise_conversion_error(damage: str, tmp_path: Path,
                                                    shared_models: Path) -> None:
    official = (shared_models / "minifasnet" / "official_pth"
                / "2.7_80x80_MiniFASNetV2.pth").read_bytes()
    bad = tmp_path / "bad.pth"
    if damage == "truncated":
        bad.write_bytes(official[: len(official) - 5000])
    elif damage == "garbage":
        bad.write_bytes(bytes(range(256)) * 10)
    elif damage == "empty":
        bad.write_bytes(b"")
    with pytest.raises(ConversionError):
        convert([bad], tmp_path / "out.onnx")


def test_wrong_architecture_is_named(shared_models: Path) -> None:
    weights = read_state_dict(shared_models / "minifasnet" / "official_pth"
                              / "2.7_80x80_MiniFASNetV2.pth")
    del weights["conv_6_sep.prelu.weight"]
    with pytest.raises(ConversionError, match="conv_6_sep.prelu.weight"):
        build_model(weights)


def test_needs_exactly_one_checkpoint(tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="one MiniFASNet"):
        convert([tmp_path / "a.pth", tmp_path / "b.pth"], tmp_path / "out.onnx")


# Writes the newer zip checkpoint format (<archive>/data.pkl + <archive>/data/<key>) from the
# official weights, with stand-in `torch` modules that exist only inside this subprocess, so
# the zip reader is tested without torch (a one-off check with real torch 2.13 gave the same).
_WRITE_ZIP_CHECKPOINT = '''
import pickle, sys, types, zipfile
from collections import OrderedDict
from pathlib import Path
import numpy as np
from kiosk.modelhub.convert_minifasnet import read_state_dict

torch, utils = types.ModuleType("torch"), types.ModuleType("torch._utils")
class FloatStorage: pass
class LongStorage: pass
def _rebuild_tensor_v2(*args): pass
for owner, item in ((torch, FloatStorage), (torch, LongStorage), (utils, _rebuild_tensor_v2)):
    item.__module__ = owner.__name__
    setattr(owner, item.__name__, item)
sys.modules.update({"torch": torch, "torch._utils": utils})

class Storage:
    def __init__(self, key, array):
        self.key, self.array = key, array
class Tensor:
    def __init__(self, storage):
        self.storage = storage
    def __reduce__(self):
        a = self.storage.array
        stride = tuple(s // a.itemsize for s in a.strides)
        return (_rebuild_tensor_v2, (self.storage, 0, a.shape, stride, False, OrderedDict()))
class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            kind = FloatStorage if obj.array.dtype == np.float32 else LongStorage
            return ("storage", kind, obj.key, "cpu", obj.array.size)
        return None

weights = read_state_dict(Path(sys.argv[1]))
state = OrderedDict()
with zipfile.ZipFile(sys.argv[2], "w") as archive:
    for index, (name, array) in enumerate(weights.items()):
        storage = Storage(str(index), np.ascontiguousarray(array))
        archive.writestr(f"ckpt/data/{index}", storage.array.tobytes())
        state["module." + name] = Tensor(storage)
    buffer = __import__("io").BytesIO()
    Pickler(buffer, protocol=2).dump(state)
    archive.writestr("ckpt/data.pkl", buffer.getvalue())
'''


def test_zip_checkpoint_converts_to_the_same_bytes(tmp_path: Path, shared_models: Path) -> None:
    official = shared_models / "minifasnet" / "official_pth" / "4_0_0_80x80_MiniFASNetV1SE.pth"
    zipped = tmp_path / "zipped.pth"
    root = Path(__file__).resolve().parents[3]
    subprocess.run([sys.executable, "-c", _WRITE_ZIP_CHECKPOINT, str(official), str(zipped)],
                   check=True, cwd=root, env=dict(os.environ, PYTHONPATH=str(root)), timeout=60)
    assert zipfile.is_zipfile(zipped)
    convert([official], tmp_path / "from_legacy.onnx")
    convert([zipped], tmp_path / "from_zip.onnx")
    assert (tmp_path / "from_zip.onnx").read_bytes() == (tmp_path / "from_legacy.onnx").read_bytes()
