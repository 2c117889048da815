"""A minimal, dependency-free reader of TFLite model files (FlatBuffers, schema "TFL3").

Only what a float32 converter needs: the model's operator codes, its first subgraph's tensors,
operators (with their builtin options tables) and the constant buffers. Field numbers follow
tensorflow/lite/schema/schema.fbs (each table field's index in its vtable).

FlatBuffers layout, in short: a little-endian buffer; a table starts with an int32 offset back
to its vtable (uint16 vtable size, uint16 table size, then one uint16 offset per field, 0 =
absent -> the schema default); reference fields (tables, vectors, strings) hold a uint32
offset relative to the field's own position; a vector is a uint32 length then its elements.
Every read is bounds-checked; corrupt input raises ConversionError, never IndexError.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kiosk.errors import ConversionError

FILE_IDENTIFIER = b"TFL3"

# TensorType enum -> numpy dtype (the types a float model's constants use).
TENSOR_DTYPES: dict[int, np.dtype[Any]] = {
    0: np.dtype("<f4"), 1: np.dtype("<f2"), 2: np.dtype("<i4"), 3: np.dtype("u1"),
    4: np.dtype("<i8"), 9: np.dtype("i1")}


class Table:
    """One FlatBuffers table at byte ``pos`` of ``buf``."""

    def __init__(self, buf: bytes, pos: int) -> None:
        self.buf = buf
        self.pos = pos
        vtable = pos - self._unpack("<i", pos)
        self._vtable = vtable
        self._vtable_size = self._unpack("<H", vtable)

    def _unpack(self, fmt: str, pos: int) -> Any:
        size = struct.calcsize(fmt)
        if pos < 0 or pos + size > len(self.buf):
            raise ConversionError(f"TFLite file is truncated or corrupt (read at byte {pos})")
        return struct.unpack_from(fmt, self.buf, pos)[0]

    def _field(self, index: int) -> int:
        """Absolute position of field ``index``, or 0 when the field is absent."""
        entry = 4 + 2 * index
        if entry >= self._vtable_size:
            return 0
        offset = self._unpack("<H", self._vtable + entry)
        return self.pos + offset if offset else 0

    def scalar(self, index: int, fmt: str, default: Any = 0) -> Any:
        pos = self._field(index)
        return self._unpack(fmt, pos) if pos else default

    def _target(self, index: int) -> int:
        pos = self._field(index)
        return pos + self._unpack("<I", pos) if pos else 0

    def table(self, index: int) -> Table | None:
        target = self._target(index)
        return Table(self.buf, target) if target else None

    def _vector(self, index: int) -> tuple[int, int]:
        """(position of the first element, length) of vector field ``index``; (0, 0) if absent."""
        target = self._target(index)
        if not target:
            return 0, 0
        return target + 4, self._unpack("<I", target)

    def tables(self, index: int) -> list[Table]:
        start, length = self._vector(index)
        positions = [start + 4 * i for i in range(length)]
        return [Table(self.buf, p + self._unpack("<I", p)) for p in positions]

    def ints(self, index: int) -> list[int]:
        start, length = self._vector(index)
        if start + 4 * length > len(self.buf):
            raise ConversionError("TFLite file is truncated or corrupt (int vector)")
        return [int(v) for v in struct.unpack_from(f"<{length}i", self.buf, start)]

    def raw_bytes(self, index: int) -> bytes:
        start, length = self._vector(index)
        if start + length > len(self.buf):
            raise ConversionError("TFLite file is truncated or corrupt (byte vector)")
        return self.buf[start:start + length]

    def string(self, index: int) -> str:
        return self.raw_bytes(index).decode("utf-8", errors="replace")


@dataclass(frozen=True)
class TfliteTensor:
    """A tensor of the subgraph: shape, numpy dtype, constant data (None if computed)."""

    index: int
    name: str
    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    data: npt.NDArray[Any] | None


@dataclass(frozen=True)
class TfliteOperator:
    """An operator: builtin code, tensor indices (-1 = optional input absent), options table."""

    builtin_code: int
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    options: Table | None


@dataclass(frozen=True)
class TfliteGraph:
    """The first subgraph of a TFLite model, ready for conversion."""

    tensors: list[TfliteTensor]
    inputs: list[int]
    outputs: list[int]
    operators: list[TfliteOperator]


def _operator_codes(model: Table) -> list[int]:
    codes = []
    for code in model.tables(1):
        deprecated = code.scalar(0, "<b", 0)
        builtin = code.scalar(3, "<i", 0)
        codes.append(max(int(deprecated), int(builtin)))  # the schema's documented rule
    return codes


def _tensor(index: int, table: Table, buffers: list[Table]) -> TfliteTensor:
    type_code = table.scalar(1, "<b", 0)
    dtype = TENSOR_DTYPES.get(type_code)
    if dtype is None:
        raise ConversionError(f"TFLite tensor {index}: unsupported tensor type {type_code}")
    shape = tuple(table.ints(0))
    buffer_index = table.scalar(2, "<I", 0)
    data = None
    if 0 < buffer_index < len(buffers):
        raw = buffers[buffer_index].raw_bytes(0)
        if raw:
            count = int(np.prod(shape)) if shape else 1
            if len(raw) != count * dtype.itemsize:
                raise ConversionError(f"TFLite tensor {index}: {len(raw)} data bytes do not fit "
                                      f"shape {shape} of {dtype}")
            data = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    return TfliteTensor(index=index, name=table.string(3), shape=shape, dtype=dtype, data=data)


def read_model(buf: bytes) -> TfliteGraph:
    """Parse a TFLite flatbuffer; ConversionError if it is not one or has no subgraph."""
    if len(buf) < 8 or buf[4:8] != FILE_IDENTIFIER:
        raise ConversionError("not a TFLite model (file identifier 'TFL3' missing)")
    model = Table(buf, struct.unpack_from("<I", buf, 0)[0])
    codes = _operator_codes(model)
    subgraphs = model.tables(2)
    if not subgraphs:
        raise ConversionError("TFLite model has no subgraph")
    buffers = model.tables(4)
    graph = subgraphs[0]
    tensors = [_tensor(i, t, buffers) for i, t in enumerate(graph.tables(0))]
    operators = []
    for op in graph.tables(3):
        opcode_index = op.scalar(0, "<I", 0)
        if opcode_index >= len(codes):
            raise ConversionError(f"TFLite operator uses unknown opcode index {opcode_index}")
        operators.append(TfliteOperator(builtin_code=codes[opcode_index],
                                        inputs=tuple(op.ints(1)), outputs=tuple(op.ints(2)),
                                        options=op.table(4)))
    return TfliteGraph(tensors=tensors, inputs=graph.ints(1), outputs=graph.ints(2),
                       operators=operators)
