"""decode_image refuses oversized and lying images with ImageDecodeError, never an OpenCV
exception, and refuses a PNG decompression bomb from its header, before inflating it."""

from __future__ import annotations

import struct
import time
import zlib

import cv2
import numpy as np
import pytest

from faceid.imageio import decode_image
from kiosk.errors import ImageDecodeError


def _png(width: int, height: int, idat: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def test_png_header_over_opencv_limit_is_a_decode_error() -> None:
    lying = _png(100_000, 100_000, zlib.compress(b"\x00" * 65))
    with pytest.raises(ImageDecodeError, match="10000000000 pixels is over"):
        decode_image(lying, "chip", max_pixels=1024 * 1024)


def test_png_bomb_is_refused_before_inflating() -> None:
    rows = zlib.compress(b"\x00" * (8001 * 8000), 9)  # 64 Mpixel of zeros in ~60 KiB
    bomb = _png(8000, 8000, rows)
    began = time.perf_counter()
    with pytest.raises(ImageDecodeError, match="64000000 pixels is over"):
        decode_image(bomb, "chip", max_pixels=1024 * 1024)
    assert time.perf_counter() - began < 0.05  # read from the header, nothing decoded


def test_small_png_still_decodes() -> None:
    pixels = np.random.default_rng(3).integers(0, 255, (112, 112, 3), dtype=np.uint8)
    image = decode_image(cv2.imencode(".png", pixels)[1].tobytes(), "chip")
    assert image.shape == (112, 112, 3) and np.array_equal(image, pixels)
