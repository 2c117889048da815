"""Validation of uploaded enrollment chips: decoded safely, with size and pixel limits.

A chip is an aligned face crop (about 112 x 112 pixels); anything far bigger, or bytes that
are not the declared format, or that do not decode, is refused with 422 before storage.
Decoding uses faceid.imageio (header checked before pixels). Runs on the request thread.
"""

from __future__ import annotations

from faceid.errors import ImageDecodeError
from faceid.imageio import decode_image
from sync_server.errors import BadRequest

MAX_CHIP_BYTES = 512 * 1024
MAX_CHIP_PIXELS = 1024 * 1024
MAGIC = {"png": (b"\x89PNG\r\n\x1a\n",), "jpeg": (b"\xff\xd8\xff",)}


def validate_chip(data: bytes, image_format: str, where: str) -> None:
    """Raise BadRequest unless ``data`` is a decodable ``image_format`` chip within limits."""
    if not data or len(data) > MAX_CHIP_BYTES:
        raise BadRequest(f"{where}: chips must be 1..{MAX_CHIP_BYTES} bytes")
    if not data.startswith(MAGIC.get(image_format, (b"\x00\x00never",))):
        raise BadRequest(f"{where}: the bytes are not a {image_format} image")
    try:
        decode_image(data, where, max_pixels=MAX_CHIP_PIXELS)
    except ImageDecodeError as exc:
        raise BadRequest(f"{where}: {exc}") from None
