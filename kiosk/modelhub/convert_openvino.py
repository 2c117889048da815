"""OpenVINO-free converter: an OpenVINO IR (``.xml`` topology + ``.bin`` weights) -> ONNX.

Written for Intel's face-reidentification-retail-0095 and needs only numpy and onnx.

Supported: IR version 4 (the 2019 "legacy" layer set; ``<net version="4">``). Layer types:
Input, ScaleShift, Convolution (any group count, so depthwise too), PReLU (shared slope ->
LeakyRelu, per channel -> PRelu), Pooling (avg with exclude-pad, max), Activation (sigmoid,
relu, tanh), ReLU, Tile (left to broadcasting where it only feeds Eltwise), Eltwise (sum, mul,
max), Power. Weights may be FP16 or FP32 as each layer's ``precision`` says; they sit in the
``.bin`` at the byte ``offset``/``size`` the XML
gives (Convolution weights laid out [out, in/group, kh, kw]).

Not supported: IR v10/v11 (the opset layer set: Const/Convolution/GroupConvolution/Add/
Multiply/...), which Intel's current downloads use. Those raise ConversionError naming the
supported version, rather than producing a wrong graph.

Graph IO: input ``input`` float32 [N, 3, H, W] exactly as the IR's input (for 0095: BGR, raw
0..255 -- the model optimizer put the /255 into the first ScaleShift and swapped the first
convolution's channels for BGR); output ``embedding`` float32 [N, C] (the IR's single output
flattened). FP16 weights are widened to float32 by default (exact; ``float16_storage`` keeps
them float16 behind Cast nodes, same results, half the file), so the ONNX graph computes what the
IR computes, in float32.

Output is byte-deterministic: no timestamps; node and initializer names come from layer ids.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
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

SUPPORTED_IR_VERSIONS = ("4",)
OPSET = 13
IR_VERSION = 8  # readable by every onnxruntime >= 1.10
PRODUCER = "kiosk.modelhub.convert_openvino"
INPUT_NAME = "input"
OUTPUT_NAME = "embedding"
PRECISION_DTYPES: dict[str, np.dtype[Any]] = {"FP16": np.dtype("<f2"), "FP32": np.dtype("<f4")}
ACTIVATIONS = {"sigmoid": "Sigmoid", "relu": "Relu", "tanh": "Tanh"}
ELTWISE_OPS = {"sum": "Add", "mul": "Mul", "max": "Max"}


@dataclass
class IrLayer:
    """One ``<layer>`` of the XML: its attributes, ``<data>`` and weight blobs (offset, size)."""

    layer_id: str
    name: str
    kind: str
    precision: str
    data: dict[str, str]
    blobs: dict[str, tuple[int, int]]
    output_dims: list[list[int]]


@dataclass
class GraphBuilder:
    """Accumulates ONNX nodes and initializers in a fixed order (for byte-determinism)."""

    weights: bytes
    float16_storage: bool = False
    casts: list[onnx.NodeProto] = field(default_factory=list)
    nodes: list[onnx.NodeProto] = field(default_factory=list)
    initializers: list[onnx.TensorProto] = field(default_factory=list)

    def constant(self, name: str, value: Array) -> str:
        """An initializer; with ``float16_storage`` a float32 tensor that float16 holds exactly
        is stored as float16 plus a Cast back to float32 (half the file, same results)."""
        value = np.ascontiguousarray(value)
        if self.float16_storage and value.dtype == np.float32 and value.size > 1:
            half = value.astype(np.float16)
            if np.array_equal(half.astype(np.float32), value):
                self.initializers.append(numpy_helper.from_array(half, f"{name}_f16"))
                self.casts.append(helper.make_node("Cast", [f"{name}_f16"], [name],
                                                   name=f"{name}_cast", to=TensorProto.FLOAT))
                return name
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def node(self, op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def blob(self, layer: IrLayer, which: str) -> Array:
        """The layer's ``which`` blob ("weights", "biases") as float32."""
        if which not in layer.blobs:
            raise ConversionError(f"IR layer {layer.name!r} ({layer.kind}) has no {which} blob")
        offset, size = layer.blobs[which]
        dtype = PRECISION_DTYPES.get(layer.precision)
        if dtype is None:
            raise ConversionError(f"IR layer {layer.name!r}: unsupported precision "
                                  f"{layer.precision!r} (supported: FP16, FP32)")
        if offset < 0 or size <= 0 or offset + size > len(self.weights) or size % dtype.itemsize:
            raise ConversionError(f"IR layer {layer.name!r}: {which} blob at offset {offset} "
                                  f"size {size} lies outside the {len(self.weights)}-byte .bin")
        values = np.frombuffer(self.weights, dtype=dtype, count=size // dtype.itemsize,
                               offset=offset)
        widened: Array = values.astype(np.float32)
        return widened


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def _port_dims(port: ET.Element) -> list[int]:
    return [int(dim.text or "0") for dim in port.findall("dim")]


def parse_layers(root: ET.Element) -> list[IrLayer]:
    """The XML's layers in file order; ConversionError if the IR version is not supported."""
    if root.tag != "net":
        raise ConversionError(f"not an OpenVINO IR: root element is <{root.tag}>, not <net>")
    version = root.get("version", "?")
    if version not in SUPPORTED_IR_VERSIONS:
        raise ConversionError(
            f"OpenVINO IR version {version} is not supported; this converter reads IR version "
            f"{', '.join(SUPPORTED_IR_VERSIONS)} only (the legacy layer set: ScaleShift, "
            "Convolution, PReLU, Pooling, Eltwise, Tile, ...). Use an IR v4 release of the model.")
    layers = []
    for element in root.iterfind("layers/layer"):
        data = element.find("data")
        blobs = {}
        for blob in element.iterfind("blobs/*"):
            blobs[blob.tag] = (int(blob.get("offset", "-1")), int(blob.get("size", "0")))
        outputs = [_port_dims(port) for port in element.iterfind("output/port")]
        layers.append(IrLayer(
            layer_id=element.get("id", ""), name=element.get("name", ""),
            kind=element.get("type", ""), precision=element.get("precision", "FP32"),
            data=dict(data.attrib) if data is not None else {}, blobs=blobs,
            output_dims=outputs))
    if not layers:
        raise ConversionError("OpenVINO IR has no layers")
    return layers


def parse_edges(root: ET.Element) -> dict[str, list[tuple[int, str]]]:
    """For every layer id, its inputs as (to-port, from-layer id), sorted by port."""
    inputs: dict[str, list[tuple[int, str]]] = {}
    for edge in root.iterfind("edges/edge"):
        target = edge.get("to-layer", "")
        inputs.setdefault(target, []).append((int(edge.get("to-port", "0")),
                                              edge.get("from-layer", "")))
    for ports in inputs.values():
        ports.sort()
    return inputs


def _emit_convolution(builder: GraphBuilder, layer: IrLayer, source: str, out: str) -> str:
    data = layer.data
    out_channels = int(data["output"])
    group = int(data.get("group", "1"))
    kernel = _ints(data["kernel"])
    weights = builder.blob(layer, "weights")
    in_per_group = weights.size // (out_channels * kernel[0] * kernel[1])
    if in_per_group * out_channels * kernel[0] * kernel[1] != weights.size:
        raise ConversionError(f"IR convolution {layer.name!r}: {weights.size} weights do not "
                              f"fit output={out_channels} kernel={kernel}")
    inputs = [source, builder.constant(f"{out}_w", weights.reshape(
        out_channels, in_per_group, kernel[0], kernel[1]))]
    if "biases" in layer.blobs:
        inputs.append(builder.constant(f"{out}_b", builder.blob(layer, "biases")))
    pads = _ints(data.get("pads_begin", "0,0")) + _ints(data.get("pads_end", "0,0"))
    return builder.node("Conv", inputs, out, group=group, kernel_shape=kernel, pads=pads,
                        strides=_ints(data.get("strides", "1,1")),
                        dilations=_ints(data.get("dilations", "1,1")))


def _emit_pooling(builder: GraphBuilder, layer: IrLayer, source: str, out: str) -> str:
    data = layer.data
    if data.get("rounding_type", "floor") != "floor":
        raise ConversionError(f"IR pooling {layer.name!r}: only rounding_type=floor supported")
    attrs: dict[str, Any] = {
        "kernel_shape": _ints(data["kernel"]), "strides": _ints(data.get("strides", "1,1")),
        "pads": _ints(data.get("pads_begin", "0,0")) + _ints(data.get("pads_end", "0,0"))}
    method = data.get("pool-method", "max")
    if method == "avg":
        include_pad = 0 if data.get("exclude-pad", "false") == "true" else 1
        return builder.node("AveragePool", [source], out, count_include_pad=include_pad, **attrs)
    if method == "max":
        return builder.node("MaxPool", [source], out, **attrs)
    raise ConversionError(f"IR pooling {layer.name!r}: unsupported pool-method {method!r}")


def _emit_layer(builder: GraphBuilder, layer: IrLayer, sources: list[str]) -> str:
    """Append the ONNX nodes for one IR layer; returns the name of its output."""
    out = f"l{layer.layer_id}"
    kind, data = layer.kind, layer.data
    if kind == "Convolution":
        return _emit_convolution(builder, layer, sources[0], out)
    if kind == "Pooling":
        return _emit_pooling(builder, layer, sources[0], out)
    if kind == "ScaleShift":
        scale = builder.blob(layer, "weights").reshape(1, -1, 1, 1)
        scaled = builder.node("Mul", [sources[0], builder.constant(f"{out}_s", scale)],
                              f"{out}_mul")
        if "biases" not in layer.blobs:
            return builder.node("Identity", [scaled], out)
        shift = builder.blob(layer, "biases").reshape(1, -1, 1, 1)
        return builder.node("Add", [scaled, builder.constant(f"{out}_t", shift)], out)
    if kind == "PReLU":
        slope = builder.blob(layer, "weights")
        if slope.size == 1:
            # One shared slope is LeakyRelu, which ONNX Runtime fuses into the convolution:
            # measured 2-3x faster than a broadcast PRelu on 0095, bit-identical output.
            return builder.node("LeakyRelu", [sources[0]], out, alpha=float(slope[0]))
        return builder.node("PRelu", [sources[0], builder.constant(
            f"{out}_a", slope.reshape(-1, 1, 1))], out)
    if kind in ("Activation", "ReLU"):
        op = "Relu" if kind == "ReLU" else ACTIVATIONS.get(data.get("type", ""))
        if op is None:
            raise ConversionError(f"IR activation {layer.name!r}: unsupported type "
                                  f"{data.get('type')!r} (supported: {sorted(ACTIVATIONS)})")
        return builder.node(op, [sources[0]], out)
    if kind == "Tile":
        repeats = np.ones(len(layer.output_dims[0]), dtype=np.int64)
        repeats[int(data["axis"])] = int(data["tiles"])
        return builder.node("Tile", [sources[0], builder.constant(f"{out}_r", repeats)], out)
    if kind == "Eltwise":
        op = ELTWISE_OPS.get(data.get("operation", "sum"))
        if op is None or len(sources) != 2 or data.get("coeff"):
            raise ConversionError(f"IR eltwise {layer.name!r}: unsupported form {data} with "
                                  f"{len(sources)} inputs (supported: two-input sum/mul/max)")
        return builder.node(op, sources, out)
    if kind == "Power":
        if float(data.get("power", "1")) != 1.0:
            raise ConversionError(f"IR power {layer.name!r}: only power=1 is supported")
        factor = np.array(float(data.get("scale", "1")), dtype=np.float32)
        offset = np.array(float(data.get("shift", "0")), dtype=np.float32)
        scaled = builder.node("Mul", [sources[0], builder.constant(f"{out}_s", factor)],
                              f"{out}_mul")
        return builder.node("Add", [scaled, builder.constant(f"{out}_t", offset)], out)
    raise ConversionError(f"IR layer {layer.name!r}: unsupported layer type {kind!r}")


def broadcastable_tiles(layers: list[IrLayer], edges: dict[str, list[tuple[int, str]]]
                        ) -> set[str]:
    """Ids of Tile layers whose results only feed Eltwise layers (directly or through other
    such Tiles). ONNX's elementwise broadcasting does their work, so they need no node (the SE
    blocks of 0095 tile a [N, C, 1, 1] gate up to [N, C, H, W] only to multiply by it)."""
    kinds = {layer.layer_id: layer.kind for layer in layers}
    consumers: dict[str, list[str]] = {}
    for target, ports in edges.items():
        for _, source in ports:
            consumers.setdefault(source, []).append(target)
    skippable: set[str] = set()
    for layer in reversed(layers):  # consumers come later in a topological order
        users = consumers.get(layer.layer_id, [])
        if layer.kind == "Tile" and users and all(
                kinds.get(user) == "Eltwise" or user in skippable for user in users):
            skippable.add(layer.layer_id)
    return skippable


def build_model(xml_text: bytes, weights: bytes, progress: Progress | None = None,
                float16_storage: bool = False) -> onnx.ModelProto:
    """The ONNX model equivalent to an IR given as XML bytes and .bin bytes."""
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as exc:
        raise ConversionError(f"OpenVINO IR XML is not well-formed: {exc}") from exc
    layers = parse_layers(root)
    edges = parse_edges(root)
    builder = GraphBuilder(weights=weights, float16_storage=float16_storage)
    produced: dict[str, str] = {}
    consumed: set[str] = {src for ports in edges.values() for _, src in ports}
    skipped_tiles = broadcastable_tiles(layers, edges)
    input_dims: list[int] = []
    for index, layer in enumerate(layers):
        if layer.kind == "Input":
            if input_dims:
                raise ConversionError("IR has more than one Input layer; one is supported")
            input_dims = layer.output_dims[0]
            produced[layer.layer_id] = INPUT_NAME
            continue
        try:
            sources = [produced[src] for _, src in edges.get(layer.layer_id, [])]
        except KeyError as exc:
            raise ConversionError(f"IR layer {layer.name!r} uses a layer defined after it "
                                  "(layers are expected in topological order)") from exc
        if not sources:
            raise ConversionError(f"IR layer {layer.name!r} has no input edge")
        if layer.layer_id in skipped_tiles:
            produced[layer.layer_id] = sources[0]
        else:
            produced[layer.layer_id] = _emit_layer(builder, layer, sources)
        if progress is not None:
            progress("converting layers", (index + 1) / len(layers))
    outputs = [layer for layer in layers if layer.layer_id not in consumed]
    if len(outputs) != 1 or len(input_dims) != 4:
        raise ConversionError(f"IR must have one 4-D input and one output; found input "
                              f"{input_dims} and {len(outputs)} outputs")
    final_dims = outputs[0].output_dims[0]
    width = int(np.prod(final_dims[1:]))
    builder.node("Reshape", [produced[outputs[0].layer_id], builder.constant(
        "output_shape", np.array([-1, width], dtype=np.int64))], OUTPUT_NAME)
    graph = helper.make_graph(
        builder.casts + builder.nodes, "openvino_ir",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["N", *input_dims[1:]])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["N", width])],
        builder.initializers)
    model = helper.make_model(graph, producer_name=PRODUCER,
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    return model


def _split_inputs(inputs: list[Path]) -> tuple[Path, Path]:
    xml_paths = [p for p in inputs if p.suffix.lower() == ".xml"]
    bin_paths = [p for p in inputs if p.suffix.lower() == ".bin"]
    if len(xml_paths) != 1 or len(bin_paths) != 1:
        raise ConversionError("convert_openvino needs exactly one .xml and one .bin file, got "
                              f"{[p.name for p in inputs]}")
    for path in (xml_paths[0], bin_paths[0]):
        if not path.is_file():
            raise ConversionError(f"OpenVINO IR file not found: {path}")
    return xml_paths[0], bin_paths[0]


def convert(inputs: list[Path], output: Path, progress: Progress | None = None,
            float16_storage: bool = False) -> None:
    """Convert the IR (``inputs`` = its .xml and .bin, any order) to ONNX at ``output``.

    Weights are stored as float32 by default (the registry pins that output). With
    ``float16_storage`` the FP16 weights stay float16 in the file behind Cast nodes: the file
    halves (4.45 -> 2.24 MB for 0095) and outputs are bit-identical (FP16 -> FP32 is exact).

    Raises ConversionError on an unsupported IR version or layer, or inconsistent files. The
    written bytes depend only on the inputs (same inputs -> same sha256).
    """
    xml_path, bin_path = _split_inputs(inputs)
    model = build_model(xml_path.read_bytes(), bin_path.read_bytes(), progress, float16_storage)
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as exc:
        raise ConversionError(f"converted IR is not a valid ONNX model: {exc}") from exc
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(model.SerializeToString(deterministic=True))
    log.info("converted %s -> %s (%d nodes)", xml_path.name, output, len(model.graph.node))
