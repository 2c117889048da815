"""Torch-free converter: official MiniFASNet ``.pth`` weights -> an equivalent ONNX graph.

The minivision-ai Silent-Face-Anti-Spoofing release ships its two passive anti-spoofing models
(MiniFASNetV2, crop scale 2.7, and MiniFASNetV1SE, crop scale 4.0) as PyTorch checkpoints.
They are pickled ``state_dict`` objects, either in PyTorch's legacy stream format (the official
files: five pickles back to back followed by the raw tensor storages) or in the newer zip
format (``<archive>/data.pkl`` plus ``<archive>/data/<key>``). Both are read here WITHOUT
torch, by a restricted unpickler that admits only the globals a state_dict needs
(``collections.OrderedDict``, ``torch._utils._rebuild_tensor_v2`` and the typed-storage
classes), each mapped to a small local stand-in; anything else (``os.system``, arbitrary
classes) is refused with ConversionError, so a hostile file cannot run code.

The graph is rebuilt from the parameter names and shapes (channel counts are read from the
weights, so any width of the architecture converts):

    conv1 (3x3 s2) -> conv2_dw (3x3 depthwise) -> conv_23 -> conv_3 (residual stage)
    -> conv_34 -> conv_4 -> conv_45 -> conv_5 -> conv_6_sep (1x1) -> conv_6_dw (KxK
    depthwise, no padding) -> flatten -> linear + BatchNorm1d -> prob (logits)

where a "depthwise block" is 1x1 conv + BN + PReLU, 3x3 depthwise conv + BN + PReLU, 1x1
projection + BN, with a residual add inside the stages; V1SE adds a squeeze-excitation module
(global average pool, 1x1 conv + BN + ReLU, 1x1 conv + BN + sigmoid, multiply) before the add
in the blocks that carry ``se_module`` weights. Every BatchNorm is folded into the preceding
convolution or linear layer (eps 1e-5, computed in float64). Input ``input`` float32
[N, 3, 16K, 16K] (80x80 for the official K=5), BGR 0..255; output ``logits`` [N, classes].

The output is byte-deterministic: same ``.pth`` -> same ONNX bytes (no timestamps, fixed node
and initializer order and names), so the model registry can pin its sha256.
"""

from __future__ import annotations

import io
import logging
import pickle
import struct
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnx
from onnx import TensorProto, helper, numpy_helper

from kiosk.errors import ConversionError

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
Array = npt.NDArray[Any]

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL = 1001
BN_EPSILON = 1e-5
OPSET = 13
PRODUCER = "kiosk.modelhub.convert_minifasnet"

_STORAGE_DTYPES: dict[str, np.dtype[Any]] = {
    "FloatStorage": np.dtype("<f4"),
    "DoubleStorage": np.dtype("<f8"),
    "HalfStorage": np.dtype("<f2"),
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
    "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"),
    "ByteStorage": np.dtype("u1"),
    "BoolStorage": np.dtype("?"),
}
# Stride-2 stages of the architecture; every other 3x3 convolution has stride 1.
_DOWNSAMPLING_BLOCKS = ("conv_23", "conv_34", "conv_45")
_STAGES = (
    ("conv_23", False), ("conv_3", True), ("conv_34", False), ("conv_4", True),
    ("conv_45", False), ("conv_5", True),
)


@dataclass(frozen=True)
class _StorageType:
    dtype: np.dtype[Any]


@dataclass(frozen=True)
class _StorageRef:
    key: str
    dtype: np.dtype[Any]
    numel: int


@dataclass(frozen=True)
class _TensorRef:
    """A tensor whose bytes are read after the pickle (legacy storages follow the pickle)."""

    storage: _StorageRef
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor(storage: _StorageRef, offset: int, shape: tuple[int, ...],
                    stride: tuple[int, ...], *_ignored: Any) -> _TensorRef:
    if not isinstance(storage, _StorageRef):
        raise ConversionError("malformed checkpoint: a tensor without a storage")
    return _TensorRef(storage, int(offset), tuple(shape), tuple(stride))


class _StateDictUnpickler(pickle.Unpickler):
    """Admits only what a plain tensor state_dict needs; refuses every other global."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if (module, name) in (("torch._utils", "_rebuild_tensor_v2"),
                              ("torch._utils", "_rebuild_tensor")):
            return _rebuild_tensor
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(_STORAGE_DTYPES[name])
        raise ConversionError(f"refusing to load global {module}.{name}: "
                              "not part of a tensor state_dict")

    def persistent_load(self, pid: Any) -> Any:
        if (not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage"
                or not isinstance(pid[1], _StorageType)):
            raise ConversionError(f"unsupported persistent id in checkpoint: {pid!r:.80}")
        if len(pid) > 5 and pid[5] is not None:
            raise ConversionError("storage views (legacy view_metadata) are not supported")
        return _StorageRef(str(pid[2]), pid[1].dtype, int(pid[4]))


def _unpickle(stream: io.BufferedIOBase | io.BytesIO) -> Any:
    try:
        return _StateDictUnpickler(stream).load()
    except ConversionError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            IndexError, KeyError) as exc:
        raise ConversionError(f"not a readable PyTorch checkpoint: {exc}") from exc


def _tensor_array(ref: _TensorRef, storage: Array) -> Array:
    if storage.size != ref.storage.numel:
        raise ConversionError(f"storage {ref.storage.key}: {storage.size} elements, "
                              f"expected {ref.storage.numel}")
    if len(ref.shape) != len(ref.stride):
        raise ConversionError(f"malformed tensor in storage {ref.storage.key}")
    last = ref.offset + sum((n - 1) * s for n, s in zip(ref.shape, ref.stride, strict=True)
                            if n > 0)
    if ref.offset < 0 or (0 not in ref.shape and last >= storage.size):
        raise ConversionError(f"tensor outside its storage {ref.storage.key}")
    item = storage.itemsize
    view = np.lib.stride_tricks.as_strided(
        storage[ref.offset:], shape=ref.shape, strides=[s * item for s in ref.stride])
    return np.array(view, dtype=storage.dtype.newbyteorder("="), copy=True)


def _materialise(state: Any, storages: dict[str, Array]) -> dict[str, Array]:
    if not isinstance(state, dict):
        raise ConversionError("checkpoint does not hold a state_dict")
    tensors: dict[str, Array] = {}
    for name, ref in state.items():
        if not isinstance(ref, _TensorRef):
            continue  # e.g. metadata entries; a weight is always a tensor
        if ref.storage.key not in storages:
            raise ConversionError(f"checkpoint lacks the storage of {name}")
        tensors[str(name)] = _tensor_array(ref, storages[ref.storage.key])
    return tensors


def _read_legacy(data: bytes) -> dict[str, Array]:
    stream = io.BytesIO(data)
    if _unpickle(stream) != LEGACY_MAGIC:
        raise ConversionError("not a PyTorch checkpoint (wrong magic number)")
    if _unpickle(stream) != LEGACY_PROTOCOL:
        raise ConversionError("unsupported PyTorch legacy protocol version")
    sys_info = _unpickle(stream)
    if not isinstance(sys_info, dict) or not sys_info.get("little_endian", False):
        raise ConversionError("checkpoint was written on a big-endian machine")
    state = _unpickle(stream)
    keys = _unpickle(stream)
    storages: dict[str, Array] = {}
    refs = {r.storage.key: r.storage for r in (state or {}).values() if isinstance(r, _TensorRef)}
    for key in keys if isinstance(keys, list) else []:
        header = stream.read(8)
        if len(header) != 8 or key not in refs:
            raise ConversionError("checkpoint truncated or inconsistent (storage table)")
        (numel,) = struct.unpack("<q", header)
        dtype = refs[key].dtype
        raw = stream.read(numel * dtype.itemsize)
        if len(raw) != numel * dtype.itemsize:
            raise ConversionError(f"checkpoint truncated in storage {key}")
        storages[key] = np.frombuffer(raw, dtype=dtype)
    return _materialise(state, storages)


def _read_zip(path: Path) -> dict[str, Array]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pickles = [n for n in names if n.endswith("/data.pkl")]
        if len(pickles) != 1:
            raise ConversionError(f"{path.name}: zip without exactly one data.pkl")
        prefix = pickles[0][: -len("data.pkl")]
        state = _unpickle(io.BytesIO(archive.read(pickles[0])))
        storages: dict[str, Array] = {}
        for ref in (state or {}).values() if isinstance(state, dict) else []:
            if isinstance(ref, _TensorRef) and ref.storage.key not in storages:
                member = f"{prefix}data/{ref.storage.key}"
                if member not in names:
                    raise ConversionError(f"{path.name}: missing storage {member}")
                storages[ref.storage.key] = np.frombuffer(archive.read(member),
                                                          dtype=ref.storage.dtype)
    return _materialise(state, storages)


def read_state_dict(path: Path) -> dict[str, Array]:
    """The tensors of a PyTorch ``state_dict`` file as numpy arrays, without torch.

    A leading ``module.`` (DataParallel) is removed from the names. Raises ConversionError.
    """
    try:
        if zipfile.is_zipfile(path):
            tensors = _read_zip(path)
        else:
            tensors = _read_legacy(path.read_bytes())
    except OSError as exc:
        raise ConversionError(f"cannot read {path}: {exc}") from exc
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ConversionError(f"{path.name}: damaged checkpoint: {exc}") from exc
    if not tensors:
        raise ConversionError(f"{path.name}: no tensors in the checkpoint")
    if all(name.startswith("module.") for name in tensors):
        tensors = {name[len("module."):]: value for name, value in tensors.items()}
    return tensors


class _GraphWriter:
    """Accumulates ONNX nodes and folded initializers with deterministic names."""

    def __init__(self, weights: dict[str, Array]) -> None:
        self.weights = weights
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.channels: dict[str, int] = {"input": 3}  # tensor name -> channel count

    def weight(self, name: str) -> Array:
        if name not in self.weights:
            raise ConversionError(f"not a MiniFASNet checkpoint: missing weight {name}")
        return self.weights[name].astype(np.float64)

    def constant(self, name: str, value: Array) -> str:
        self.initializers.append(numpy_helper.from_array(value.astype(np.float32), name))
        return name

    def node(self, op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def folded_bn(self, prefix: str) -> tuple[Array, Array]:
        """(scale, shift) of BatchNorm ``prefix`` in inference mode."""
        scale = self.weight(f"{prefix}.weight") / np.sqrt(
            self.weight(f"{prefix}.running_var") + BN_EPSILON)
        return scale, self.weight(f"{prefix}.bias") - self.weight(f"{prefix}.running_mean") * scale

    def conv_bn(self, x: str, conv: str, bn: str, stride: int, pad: int | None = None) -> str:
        kernel = self.weight(f"{conv}.weight")
        channels_in = self.channels[x]
        group = channels_in // kernel.shape[1]
        scale, shift = self.folded_bn(bn)
        size = kernel.shape[2]
        padding = (size - 1) // 2 if pad is None else pad
        out = self.node(
            "Conv", [x, self.constant(f"{conv}.weight", kernel * scale[:, None, None, None]),
                     self.constant(f"{conv}.bias", shift)], f"{conv}.out",
            group=group, kernel_shape=[size, size], pads=[padding] * 4, strides=[stride] * 2)
        self.channels[out] = kernel.shape[0]
        return out


def _conv_block(g: _GraphWriter, x: str, prefix: str, stride: int = 1,
                pad: int | None = None, prelu: bool = True) -> str:
    out = g.conv_bn(x, f"{prefix}.conv", f"{prefix}.bn", stride, pad)
    if not prelu:
        return out
    slope = g.weight(f"{prefix}.prelu.weight").reshape(-1, 1, 1)
    result = g.node("PRelu", [out, g.constant(f"{prefix}.prelu.weight", slope)],
                    f"{prefix}.prelu.out")
    g.channels[result] = g.channels[out]
    return result


def _squeeze_excite(g: _GraphWriter, x: str, prefix: str) -> str:
    pooled = g.node("GlobalAveragePool", [x], f"{prefix}.pool.out")
    g.channels[pooled] = g.channels[x]
    hidden = g.node("Relu", [g.conv_bn(pooled, f"{prefix}.fc1", f"{prefix}.bn1", 1)],
                    f"{prefix}.relu.out")
    g.channels[hidden] = g.channels[f"{prefix}.fc1.out"]
    gate = g.node("Sigmoid", [g.conv_bn(hidden, f"{prefix}.fc2", f"{prefix}.bn2", 1)],
                  f"{prefix}.sigmoid.out")
    out = g.node("Mul", [x, gate], f"{prefix}.out")
    g.channels[out] = g.channels[x]
    return out


def _depthwise_block(g: _GraphWriter, x: str, prefix: str, stride: int, residual: bool) -> str:
    expanded = _conv_block(g, x, f"{prefix}.conv")
    filtered = _conv_block(g, expanded, f"{prefix}.conv_dw", stride=stride)
    out = _conv_block(g, filtered, f"{prefix}.project", prelu=False)
    if f"{prefix}.se_module.fc1.weight" in g.weights:
        out = _squeeze_excite(g, out, f"{prefix}.se_module")
    if not residual:
        return out
    summed = g.node("Add", [x, out], f"{prefix}.add.out")
    g.channels[summed] = g.channels[out]
    return summed


def _classifier(g: _GraphWriter, x: str) -> str:
    flat = g.node("Flatten", [x], "flatten.out", axis=1)
    scale, shift = g.folded_bn("bn")
    embedding = g.node("Gemm", [flat, g.constant("linear.weight", g.weight("linear.weight")
                                                 * scale[:, None]),
                                g.constant("linear.bias", shift)], "linear.out", transB=1)
    return g.node("Gemm", [embedding, g.constant("prob.weight", g.weight("prob.weight"))],
                  "logits", transB=1)


def build_model(weights: dict[str, Array]) -> onnx.ModelProto:
    """The MiniFASNet ONNX graph (BatchNorm folded) for a state_dict's ``weights``."""
    g = _GraphWriter(weights)
    x = _conv_block(g, "input", "conv1", stride=2)
    x = _conv_block(g, x, "conv2_dw")
    for stage, residual in _STAGES:
        if residual:
            index = 0
            while f"{stage}.model.{index}.conv.conv.weight" in weights:
                x = _depthwise_block(g, x, f"{stage}.model.{index}", 1, True)
                index += 1
            if index == 0:
                raise ConversionError(f"not a MiniFASNet checkpoint: stage {stage} is empty")
        else:
            x = _depthwise_block(g, x, stage, 2 if stage in _DOWNSAMPLING_BLOCKS else 1, False)
    x = _conv_block(g, x, "conv_6_sep")
    x = _conv_block(g, x, "conv_6_dw", pad=0, prelu=False)
    _classifier(g, x)
    side = 16 * int(weights["conv_6_dw.conv.weight"].shape[2])
    classes = int(weights["prob.weight"].shape[0])
    variant = "MiniFASNetV1SE" if any(".se_module." in k for k in weights) else "MiniFASNetV2"
    graph = helper.make_graph(
        g.nodes, variant,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, side, side])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", classes])],
        initializer=g.initializers)
    model = helper.make_model(graph, producer_name=PRODUCER, producer_version="1",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8  # readable by onnxruntime >= 1.10
    onnx.checker.check_model(model)
    return model


def convert(inputs: list[Path], output: Path, progress: Progress | None = None) -> None:
    """Convert one official MiniFASNet ``.pth`` (V2 or V1SE) in ``inputs`` to ONNX ``output``.

    Runs on whatever thread calls it (the installer's worker); takes about a second.
    Raises ConversionError on a missing, unreadable, hostile or non-MiniFASNet file.
    """
    checkpoints = [p for p in inputs if p.suffix == ".pth"] or list(inputs)
    if len(checkpoints) != 1:
        raise ConversionError(f"expected one MiniFASNet .pth file, got {len(inputs)} inputs")
    if progress:
        progress("reading weights", 0.0)
    weights = read_state_dict(checkpoints[0])
    if progress:
        progress("building graph", 0.5)
    model = build_model(weights)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    partial.write_bytes(model.SerializeToString(deterministic=True))
    partial.replace(output)
    log.info("converted %s -> %s (%s)", checkpoints[0].name, output, model.graph.name)
    if progress:
        progress("done", 1.0)
