"""A small JPEG of one face region, for a refused attempt's evidence snapshot.

Only the face and a little context are kept (not the whole frame with whoever stands behind),
at most SNAPSHOT_SIDE_PX on the long side: enough for an admin to tell a phone screen or a
printed sheet from a person, and small enough (a few KB) to sync over a poor link. The
snapshot is personal data: callers take one only when the site enabled snapshots.
Pure image code (OpenCV); runs on the inference worker thread.
"""

from __future__ import annotations

import cv2

from faceid.errors import VisionError
from faceid.types import ImageBGR

SNAPSHOT_SIDE_PX = 192
CONTEXT = 0.35  # of the face box size on every side: shows the edge of a phone or a sheet
JPEG_QUALITY = 80


def face_snapshot_jpeg(image: ImageBGR, box: tuple[float, float, float, float],
                       *, side_px: int = SNAPSHOT_SIDE_PX) -> bytes:
    """JPEG bytes of ``box`` (x, y, w, h frame pixels) widened by CONTEXT, clipped to the
    frame and scaled down so the long side is at most ``side_px``. VisionError when the box
    lies outside the frame or the encoder fails."""
    height, width = image.shape[:2]
    x, y, w, h = box
    left = max(0, int(x - CONTEXT * w))
    top = max(0, int(y - CONTEXT * h))
    right = min(width, int(x + w + CONTEXT * w))
    bottom = min(height, int(y + h + CONTEXT * h))
    if right - left < 2 or bottom - top < 2:
        raise VisionError(f"face box {box} lies outside the {width}x{height} frame")
    crop = image[top:bottom, left:right]
    scale = side_px / max(crop.shape[:2])
    small = (cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
             if scale < 1.0 else crop)
    ok, encoded = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise VisionError("the JPEG encoder refused the face snapshot")
    return encoded.tobytes()
