"""A tiny deterministic converter for installer tests: output = the inputs' bytes in order.

It has the converters' interface (``convert(inputs, output, progress=None)``) so the
installer's conversion path (input naming, produced-sha256 checks, install.json) can be tested
before and independently of the real model converters.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kiosk.errors import ConversionError


def convert(inputs: list[Path], output: Path,
            progress: Callable[[str, float], None] | None = None) -> None:
    if [p.suffix for p in inputs] != [".xml", ".bin"]:
        raise ConversionError(f"expected an .xml and a .bin, got {[p.name for p in inputs]}")
    output.write_bytes(b"".join(p.read_bytes() for p in inputs))
    if progress is not None:
        progress("concat", 1.0)
