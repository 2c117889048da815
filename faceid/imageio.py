"""Safe image decoding for enrollment photos and calibration folders.

Limits: files up to ``MAX_FILE_BYTES`` (40 MB) and images up to ``MAX_PIXELS`` (50 megapixels,
checked from the header before the pixels are decoded where the format allows); EXIF
orientation is applied (phone photos stored sideways); grey and grey+alpha become 3-channel
BGR, BGRA loses its alpha. Everything that cannot be read raises ImageDecodeError with the
file name and the reason. Runs on the caller's thread.
"""

from __future__ import annotations

import logging
import struct
from pathlib import Path

import cv2
import numpy as np

from faceid.errors import ImageDecodeError
from faceid.types import ImageBGR

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 40 * 1024 * 1024
MAX_PIXELS = 50_000_000
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")


def decode_image(data: bytes, name: str = "image", max_pixels: int = MAX_PIXELS) -> ImageBGR:
    """H x W x 3 uint8 BGR from encoded bytes (JPEG, PNG, BMP, WebP, TIFF), upright."""
    if len(data) > MAX_FILE_BYTES:
        raise ImageDecodeError(f"{name}: {len(data)} bytes is over the {MAX_FILE_BYTES} limit")
    if not data:
        raise ImageDecodeError(f"{name}: empty file")
    declared = _png_pixels(data)
    if declared is not None and declared > max_pixels:
        raise ImageDecodeError(f"{name}: {declared} pixels is over the {max_pixels} limit")
    buffer = np.frombuffer(data, dtype=np.uint8)
    # IMREAD_COLOR applies EXIF orientation and turns grey into 3 channels; it does not
    # check the size first, so peek at the header with the same decoder in reduced mode
    # (cheap for JPEG, whose decoder scales; PNG was checked from its header above).
    try:
        probe = cv2.imdecode(buffer, cv2.IMREAD_REDUCED_GRAYSCALE_8)
    except cv2.error as exc:  # e.g. a header over OpenCV's own pixel limit
        raise ImageDecodeError(f"{name}: not an image OpenCV can decode ({exc.err})") from None
    if probe is None:
        raise ImageDecodeError(f"{name}: not an image OpenCV can decode")
    if probe.shape[0] * probe.shape[1] * 64 > max_pixels:
        raise ImageDecodeError(f"{name}: about {probe.shape[0] * probe.shape[1] * 64} pixels "
                               f"is over the {max_pixels} limit")
    image = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    if image is None or image.ndim != 3 or image.shape[2] != 3:
        raise ImageDecodeError(f"{name}: could not be decoded to a colour image")
    if image.shape[0] * image.shape[1] > max_pixels:
        raise ImageDecodeError(f"{name}: {image.shape[1]}x{image.shape[0]} is over the "
                               f"{max_pixels} pixel limit")
    return np.ascontiguousarray(image, dtype=np.uint8)


def _png_pixels(data: bytes) -> int | None:
    """Width x height from a PNG's IHDR (always the first chunk), else None.

    libpng's reduced mode still inflates every pixel, so a small PNG declaring hundreds of
    megapixels (a decompression bomb) must be refused before OpenCV sees it.
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return int(width) * int(height)
    return None


def read_image(path: Path, max_pixels: int = MAX_PIXELS) -> ImageBGR:
    """Read and decode ``path`` (see decode_image); ImageDecodeError if unreadable."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImageDecodeError(f"{path}: {size} bytes is over the {MAX_FILE_BYTES} limit")
        data = path.read_bytes()
    except OSError as exc:
        raise ImageDecodeError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    return decode_image(data, str(path), max_pixels)


def image_files(folder: Path) -> list[Path]:
    """Image files directly in ``folder``, sorted by name (hidden files skipped)."""
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and not p.name.startswith(".")
                  and p.suffix.lower() in IMAGE_SUFFIXES)
