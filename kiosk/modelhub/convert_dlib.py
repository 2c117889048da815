"""dlib-free converter: ``dlib_face_recognition_resnet_model_v1.dat`` -> an equivalent ONNX graph.

dlib saves a network as nested objects, outermost first: the loss layer (version, loss details,
then its subnetwork), each ``add_layer`` (version 2, its subnetwork, then its layer details,
three bool flags and three tensors), tag/skip wrappers (version 1, subnetwork only) and, at the
bottom, the ``add_layer`` holding the input layer (version 2 or 3). So the file is a run of
version numbers followed by the layers' details from the input upwards. Primitive encodings:

- integers: one byte ``size | 0x80 if negative``, then ``size`` little-endian bytes;
- strings: an integer length, then the bytes; bools: the characters '0' or '1';
- scalars (double/float): mantissa and exponent as two integers, value = m * 2**e;
- tensors: version 2, four integer dims (n, k, nr, nc), then raw little-endian float32 data;
  alias tensors (views into a layer's ``params``): version 1 and the four dims only.

The face-recognition network (dlib's ``anet_type``) is:
input 150x150 RGB, (pixel - channel mean) / 256 -> con 7x7/2 (32) -> affine -> relu ->
max_pool 3x3/2 -> 3 x res(32) -> res_down(64) + 3 x res(64) -> res_down(128) + 2 x res(128)
-> res_down(256) + 2 x res(256) -> res_down(256) -> global average -> fc_no_bias 128.
A residual block is tag1, con 3x3, affine, relu, con 3x3, affine, add_prev1, relu; the
downsampling block uses stride 2 in its first con and adds ``avg_pool 2x2/2`` of the block input
(tag2/skip1 in dlib). dlib's add of differently shaped tensors zero-pads the smaller one at the
end of each dimension (channels and the bottom/right), which the graph reproduces with Pad.
A ``bn_con`` layer (if a file carries one) is turned into affine with its running statistics.
Every affine is folded into the preceding convolution (computed in float64).

Graph IO: input ``input`` float32 [N, 3, 150, 150] NCHW, RGB order, raw 0..255 (exactly the
pixels dlib's input layer sees; the mean subtraction and /256 are inside the graph); output
``embedding`` float32 [N, 128], NOT normalised (norm close to 1, dlib's euclidean metric).

Output is byte-deterministic: no timestamps, fixed node and initializer names and order.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
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

OPSET = 13
IR_VERSION = 8  # old enough for every onnxruntime >= 1.10
PRODUCER = "kiosk.modelhub.convert_dlib"
INPUT_NAME = "input"
OUTPUT_NAME = "embedding"
INPUT_LAYER_NAME = b"input_rgb_image_sized"


@dataclass
class Layer:
    """One dlib layer's details: its kind ("con", "affine", ...) and what the graph needs."""

    kind: str
    arrays: dict[str, Array] = field(default_factory=dict)
    ints: dict[str, int] = field(default_factory=dict)


class _Reader:
    """Sequential reader of dlib's serialization primitives over an in-memory file."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def _take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise ConversionError(f"truncated dlib file: wanted {count} bytes at offset {self.pos}")
        chunk = self.data[self.pos:self.pos + count]
        self.pos += count
        return chunk

    def integer(self) -> int:
        head = self._take(1)[0]
        size = head & 0x0F
        if size == 0 or size > 8 or head & 0x70:
            raise ConversionError(f"not a dlib integer at offset {self.pos - 1} (byte {head:#x})")
        value = int.from_bytes(self._take(size), "little")
        return -value if head & 0x80 else value

    def string(self) -> str:
        length = self.integer()
        if length < 0 or length > 1000:
            raise ConversionError(f"implausible string length {length} at offset {self.pos}")
        return self._take(length).decode("latin-1")

    def boolean(self) -> bool:
        char = self._take(1)
        if char not in (b"0", b"1"):
            raise ConversionError(f"not a dlib bool at offset {self.pos - 1}")
        return char == b"1"

    def scalar(self) -> float:
        mantissa = self.integer()
        exponent = self.integer()
        return math.ldexp(float(mantissa), exponent)

    def _dims(self, version: int) -> tuple[int, int, int, int]:
        found = self.integer()
        if found != version:
            raise ConversionError(f"tensor version {found} (expected {version}) at {self.pos}")
        n, k, nr, nc = (self.integer() for _ in range(4))
        return n, k, nr, nc

    def tensor(self) -> Array:
        dims = self._dims(2)
        count = int(np.prod(dims))
        raw = self._take(4 * count)
        return np.frombuffer(raw, dtype="<f4").reshape(dims).astype(np.float32)

    def alias(self) -> tuple[int, int, int, int]:
        return self._dims(1)

    def starts_with_input_layer(self) -> bool:
        """True if the next bytes are the string naming dlib's sized RGB input layer."""
        marker = bytes([1, len(INPUT_LAYER_NAME)]) + INPUT_LAYER_NAME
        return self.data.startswith(marker, self.pos)


def _skip_doubles(reader: _Reader, count: int) -> None:
    for _ in range(count):
        reader.scalar()


def _split(params: Array, *shapes: tuple[int, ...]) -> list[Array]:
    """Cut a layer's flat ``params`` tensor into the alias-tensor views, in order."""
    flat = params.reshape(-1)
    parts, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        parts.append(flat[start:start + size].reshape(shape))
        start += size
    if start != flat.size:
        raise ConversionError(f"params hold {flat.size} values, layer views need {start}")
    return parts


def _read_con(reader: _Reader, version: str) -> Layer:
    params = reader.tensor()
    filters = reader.integer()
    nr, nc, stride_y, stride_x, pad_y, pad_x = (reader.integer() for _ in range(6))
    weight_dims, bias_dims = reader.alias(), reader.alias()
    _skip_doubles(reader, 4)
    use_bias = True
    if version in ("con_5", "con_6"):
        use_bias = reader.boolean()
    if version == "con_6" and reader.boolean():
        raise ConversionError("con layer with a fused relu is not supported")
    bias_shape = (filters,) if use_bias and np.prod(bias_dims) else (0,)
    weights, biases = _split(params, weight_dims, bias_shape)
    if not biases.size:
        biases = np.zeros(filters, np.float32)
    return Layer("con", {"weights": weights, "biases": biases.reshape(-1)},
                 {"stride_y": stride_y, "stride_x": stride_x, "pad_y": pad_y, "pad_x": pad_x,
                  "nr": nr, "nc": nc})


def _read_affine(reader: _Reader, version: str) -> Layer:
    params = reader.tensor()
    gamma_dims, beta_dims = reader.alias(), reader.alias()
    reader.integer()  # mode: conv or fc, irrelevant after a conv
    if version == "affine_2" and reader.boolean():
        raise ConversionError("disabled affine layer is not supported")
    gamma, beta = _split(params, gamma_dims, beta_dims)
    return Layer("affine", {"gamma": gamma.reshape(-1), "beta": beta.reshape(-1)})


def _read_bn(reader: _Reader) -> Layer:
    """A batch-norm layer, converted to the affine layer dlib itself would make of it."""
    params = reader.tensor()
    gamma_dims, beta_dims = reader.alias(), reader.alias()
    for _ in range(2):  # means, invstds of the last training batch: unused at inference
        reader.tensor()
    running_means, running_variances = reader.tensor(), reader.tensor()
    reader.integer()
    reader.integer()
    _skip_doubles(reader, 4)
    eps = reader.scalar()
    gamma, beta = _split(params, gamma_dims, beta_dims)
    scale = gamma.reshape(-1).astype(np.float64) / np.sqrt(
        running_variances.reshape(-1).astype(np.float64) + eps)
    shift = beta.reshape(-1) - scale * running_means.reshape(-1)
    return Layer("affine", {"gamma": scale.astype(np.float32), "beta": shift.astype(np.float32)})


def _read_pool(reader: _Reader, kind: str) -> Layer:
    nr, nc, stride_y, stride_x, pad_y, pad_x = (reader.integer() for _ in range(6))
    return Layer(kind, {}, {"nr": nr, "nc": nc, "stride_y": stride_y, "stride_x": stride_x,
                            "pad_y": pad_y, "pad_x": pad_x})


def _read_fc(reader: _Reader, version: str) -> Layer:
    outputs, inputs = reader.integer(), reader.integer()
    params = reader.tensor()
    weight_dims, bias_dims = reader.alias(), reader.alias()
    bias_mode = reader.integer()
    _skip_doubles(reader, 4)
    if version == "fc_3":
        reader.boolean()
    if bias_mode != 1 or np.prod(bias_dims):
        raise ConversionError("only dlib's fc_no_bias output layer is supported")
    if int(np.prod(weight_dims)) != inputs * outputs:
        raise ConversionError(f"fc weights {weight_dims} do not hold {inputs}x{outputs} values")
    (weights,) = _split(params, (inputs, outputs))
    return Layer("fc", {"weights": weights}, {"outputs": outputs})


def _read_details(reader: _Reader) -> Layer:
    """One layer's details, dispatched on the version string dlib writes first."""
    version = reader.string()
    if version in ("con_4", "con_5", "con_6"):
        return _read_con(reader, version)
    if version in ("affine_", "affine_2"):
        return _read_affine(reader, version)
    if version == "bn_con2":
        return _read_bn(reader)
    if version in ("relu_", "relu_2"):
        if version == "relu_2" and reader.boolean():
            raise ConversionError("disabled relu layer is not supported")
        return Layer("relu")
    if version == "add_prev_":
        return Layer("add_prev")
    if version in ("max_pool_2", "avg_pool_2"):
        return _read_pool(reader, version[:-2])
    if version in ("fc_2", "fc_3"):
        return _read_fc(reader, version)
    raise ConversionError(f"unsupported dlib layer {version!r} at offset {reader.pos}")


def _read_layer_tail(reader: _Reader, bottom_version: int | None = None) -> None:
    """The three bool flags and three cached tensors every add_layer writes after its details."""
    for _ in range(3):
        reader.boolean()
    for _ in range(3):
        reader.tensor()
    if bottom_version == 3:
        reader.integer()  # sample expansion factor


def parse_dat(data: bytes) -> tuple[tuple[float, float, float], list[Layer | None]]:
    """The input means (r, g, b) and the layers input-first; None marks a tag/skip wrapper."""
    reader = _Reader(data)
    if reader.integer() != 1:
        raise ConversionError("not a dlib network file (bad loss-layer version)")
    loss = reader.string()
    if not loss.startswith("loss_metric_"):
        raise ConversionError(f"expected dlib's loss_metric network, found {loss!r}")
    _skip_doubles(reader, 2 if loss == "loss_metric_2" else 0)
    versions: list[int] = []
    while not reader.starts_with_input_layer():
        versions.append(reader.integer())
        if len(versions) > 10000:
            raise ConversionError("no input layer found: not a supported dlib network")
    if not versions or versions[-1] not in (2, 3) or any(v not in (1, 2) for v in versions[:-1]):
        raise ConversionError(f"unexpected layer versions {sorted(set(versions))}")
    reader.string()
    means = (reader.scalar(), reader.scalar(), reader.scalar())
    rows, cols = reader.integer(), reader.integer()
    if (rows, cols) != (150, 150):
        raise ConversionError(f"expected a 150x150 input layer, found {rows}x{cols}")
    layers: list[Layer | None] = [_read_details(reader)]
    _read_layer_tail(reader, versions[-1])
    for version in reversed(versions[:-1]):
        if version == 1:
            layers.append(None)
            continue
        layers.append(_read_details(reader))
        _read_layer_tail(reader)
    if reader.pos != len(data):
        raise ConversionError(f"{len(data) - reader.pos} unexpected bytes after the network")
    return means, layers


class _GraphBuilder:
    """Builds ONNX nodes over statically known (C, H, W) shapes; the batch stays dynamic."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.shapes: dict[str, tuple[int, int, int]] = {}
        self._count = 0

    def name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}_{self._count}"

    def constant(self, prefix: str, value: Array) -> str:
        name = self.name(prefix)
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, inputs: list[str], shape: tuple[int, int, int],
             **attributes: Any) -> str:
        output = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attributes))
        self.shapes[output] = shape
        return output

    def conv(self, source: str, con: Layer, affine: Layer | None) -> str:
        weights = con.arrays["weights"].astype(np.float64)
        biases = con.arrays["biases"].astype(np.float64)
        if affine is not None:  # fold y = gamma * conv(x) + beta into the convolution
            gamma = affine.arrays["gamma"].astype(np.float64)
            weights = weights * gamma[:, None, None, None]
            biases = biases * gamma + affine.arrays["beta"]
        _, height, width = self.shapes[source]
        i = con.ints
        out_h = 1 + (height + 2 * i["pad_y"] - i["nr"]) // i["stride_y"]
        out_w = 1 + (width + 2 * i["pad_x"] - i["nc"]) // i["stride_x"]
        inputs = [source, self.constant("w", weights.astype(np.float32)),
                  self.constant("b", biases.astype(np.float32))]
        return self.node("Conv", inputs, (weights.shape[0], out_h, out_w),
                         kernel_shape=[i["nr"], i["nc"]], strides=[i["stride_y"], i["stride_x"]],
                         pads=[i["pad_y"], i["pad_x"], i["pad_y"], i["pad_x"]])

    def pool(self, source: str, pool: Layer) -> str:
        channels, height, width = self.shapes[source]
        i = pool.ints
        if i["nr"] == 0 and i["nc"] == 0:  # dlib's avg_pool_everything
            return self.node("GlobalAveragePool", [source], (channels, 1, 1))
        out_h = 1 + (height + 2 * i["pad_y"] - i["nr"]) // i["stride_y"]
        out_w = 1 + (width + 2 * i["pad_x"] - i["nc"]) // i["stride_x"]
        op = "MaxPool" if pool.kind == "max_pool" else "AveragePool"
        return self.node(op, [source], (channels, out_h, out_w),
                         kernel_shape=[i["nr"], i["nc"]], strides=[i["stride_y"], i["stride_x"]],
                         pads=[i["pad_y"], i["pad_x"], i["pad_y"], i["pad_x"]])

    def pad_to(self, source: str, shape: tuple[int, int, int]) -> str:
        have = self.shapes[source]
        if have == shape:
            return source
        extra = [0, shape[0] - have[0], shape[1] - have[1], shape[2] - have[2]]
        pads = self.constant("pads", np.array([0, 0, 0, 0] + extra, dtype=np.int64))
        return self.node("Pad", [source, pads], shape)

    def add(self, first: str, second: str) -> str:
        """dlib's add_prev: the smaller operand is zero-padded at the end of each dimension."""
        shape_a, shape_b = self.shapes[first], self.shapes[second]
        shape = (max(shape_a[0], shape_b[0]), max(shape_a[1], shape_b[1]),
                 max(shape_a[2], shape_b[2]))
        return self.node("Add", [self.pad_to(first, shape), self.pad_to(second, shape)], shape)


def _build_nodes(builder: _GraphBuilder, start: str, layers: list[Layer | None]) -> str:
    """Walk the layers input-first, resolving dlib's tag1/tag2/skip1 wrappers; the output name."""
    current, tags, skipped = start, {}, False
    index = 0
    while index < len(layers):
        layer = layers[index]
        following = layers[index + 1] if index + 1 < len(layers) else None
        if layer is None and following is None and index + 1 < len(layers):
            tags[2], current, skipped = current, tags[1], True  # tag2 then skip1
            index += 2
            continue
        if layer is None:
            tags[1] = current
        elif layer.kind == "con":
            fold = following if following is not None and following.kind == "affine" else None
            current = builder.conv(current, layer, fold)
            index += 1 if fold is not None else 0
        elif layer.kind == "affine":
            raise ConversionError("affine layer that does not follow a convolution")
        elif layer.kind == "relu":
            current = builder.node("Relu", [current], builder.shapes[current])
        elif layer.kind in ("max_pool", "avg_pool"):
            current = builder.pool(current, layer)
        elif layer.kind == "add_prev":
            tag = 2 if skipped else 1
            if tag not in tags:
                raise ConversionError("add_prev without a matching tag layer")
            current, skipped = builder.add(current, tags[tag]), False
        elif layer.kind == "fc":
            flat = builder.node("Flatten", [current], (int(np.prod(builder.shapes[current])), 1, 1))
            weights = builder.constant("fc", layer.arrays["weights"])
            current = builder.node("MatMul", [flat, weights], (layer.ints["outputs"], 1, 1))
        index += 1
    return current


def build_model(means: tuple[float, float, float], layers: list[Layer | None]) -> onnx.ModelProto:
    """The ONNX model for parsed dlib layers (see the module docstring for its IO)."""
    builder = _GraphBuilder()
    builder.shapes[INPUT_NAME] = (3, 150, 150)
    mean = builder.constant("mean", np.array(means, np.float32).reshape(1, 3, 1, 1))
    centred = builder.node("Sub", [INPUT_NAME, mean], (3, 150, 150))
    scale = builder.constant("scale", np.array(256.0, np.float32))
    normalised = builder.node("Div", [centred, scale], (3, 150, 150))
    last = _build_nodes(builder, normalised, layers)
    if builder.shapes[last] != (128, 1, 1):
        raise ConversionError(f"network output has shape {builder.shapes[last]}, expected 128")
    builder.nodes.append(helper.make_node("Identity", [last], [OUTPUT_NAME], name=OUTPUT_NAME))
    graph = helper.make_graph(
        builder.nodes, "dlib_face_recognition_resnet_model_v1",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["N", 3, 150, 150])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["N", 128])],
        builder.initializers)
    model = helper.make_model(graph, producer_name=PRODUCER, producer_version="1",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    model.doc_string = ("dlib face recognition ResNet v1 (CC0). Input input [N,3,150,150] "
                        "RGB 0..255; output embedding [N,128], dlib's raw descriptor.")
    onnx.checker.check_model(model)
    return model


def convert(inputs: list[Path], output: Path, progress: Progress | None = None) -> None:
    """Convert ``inputs[0]`` (the .dat, plain or .bz2) to ONNX at ``output``.

    Raises ConversionError on an unreadable or unsupported file. Runs on the caller's thread;
    takes about a second and ~150 MB of memory.
    """
    if len(inputs) != 1:
        raise ConversionError(f"convert_dlib takes one .dat file, got {len(inputs)}")
    source = inputs[0]
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ConversionError(f"cannot read {source}: {exc}") from exc
    if data[:3] == b"BZh":  # dlib.net distributes the same file bz2-compressed
        import bz2

        data = bz2.decompress(data)
    if progress is not None:
        progress("parsing dlib network", 0.1)
    means, layers = parse_dat(data)
    if progress is not None:
        progress("building ONNX graph", 0.5)
    model = build_model(means, layers)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(model.SerializeToString(deterministic=True))
    partial.replace(output)
    log.info("converted %s -> %s (%d nodes)", source.name, output, len(model.graph.node))
    if progress is not None:
        progress("done", 1.0)
