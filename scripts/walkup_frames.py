"""Walk-up camera frames for scripts/bench_kiosk.py: each photo approaches the camera.

For every probe photo the face (found by the kiosk pack's detector) is scaled so that its
width grows linearly from ``start_face_px`` to ``full_face_px`` over ``approach_s`` seconds,
pasted on a fixed synthetic background (a lit wall with a door frame and shelves, drawn
here), then held at full size for ``hold_s`` and followed by ``gap_s`` of background alone
(the next person has not arrived yet). Frames are written as JPEG files numbered in order
into a folder that the kiosk's image-folder camera replays one file per frame at ``fps``.
Nothing here is ever committed: the folder is a temporary one.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

CANVAS = (640, 480)  # width, height: a 640x480 webcam
FACE_CENTRE = (320, 210)  # where the face's centre is put (pixels)


@dataclass(frozen=True)
class WalkUp:
    """Timing of one approach (seconds) and the face widths it spans (pixels)."""

    fps: float = 15.0
    approach_s: float = 1.5
    hold_s: float = 1.0
    gap_s: float = 1.0
    start_face_px: float = 60.0
    full_face_px: float = 200.0


def background() -> np.ndarray:
    """A plain indoor scene, deterministic (no photo of a place or a person)."""
    width, height = CANVAS
    ramp = np.linspace(150, 205, width, dtype=np.float32)[None, :, None]
    scene = np.broadcast_to(ramp, (height, width, 3)).copy()
    scene[..., 0] -= 12  # a warm wall
    scene[int(height * 0.8):] = (95, 105, 115)  # floor
    cv2.rectangle(scene, (30, 60), (150, 400), (70, 90, 110), -1)  # a door
    cv2.rectangle(scene, (480, 120), (620, 135), (60, 60, 60), -1)  # shelves
    cv2.rectangle(scene, (480, 200), (620, 215), (60, 60, 60), -1)
    return np.clip(scene, 0, 255).astype(np.uint8)


def place(photo: np.ndarray, face_box: tuple[float, float, float, float], face_px: float,
          scene: np.ndarray) -> np.ndarray:
    """``photo`` scaled so its face is ``face_px`` wide, its face centred at FACE_CENTRE."""
    x, y, w, h = face_box
    scale = face_px / w
    centre_x, centre_y = (x + w / 2) * scale, (y + h / 2) * scale
    matrix = np.array([[scale, 0, FACE_CENTRE[0] - centre_x],
                       [0, scale, FACE_CENTRE[1] - centre_y]], dtype=np.float32)
    frame: np.ndarray = np.asarray(cv2.warpAffine(photo, matrix, CANVAS, dst=scene.copy(),
                                                  flags=cv2.INTER_AREA,
                                                  borderMode=cv2.BORDER_TRANSPARENT))
    return frame


def face_widths(walkup: WalkUp) -> list[float]:
    """Face width per frame of one walk-up (approach then hold); the gap has no face."""
    approach = max(2, round(walkup.approach_s * walkup.fps))
    growing = np.linspace(walkup.start_face_px, walkup.full_face_px, approach)
    return [float(v) for v in growing] + [walkup.full_face_px] * round(walkup.hold_s *
                                                                         walkup.fps)


def write_walkups(detector: Any, photos: list[Path], folder: Path, walkup: WalkUp) -> int:
    """Frames of every photo's walk-up into ``folder``; returns the number of walk-ups
    (photos where the detector finds no face are skipped, reported on stderr)."""
    folder.mkdir(parents=True, exist_ok=True)
    scene = background()
    gap = round(walkup.gap_s * walkup.fps)
    index, count = 0, 0
    for _ in range(gap):
        index = _write(folder, index, scene)
    for path in photos:
        photo = cv2.imread(str(path), cv2.IMREAD_COLOR)
        faces = detector.detect(photo) if photo is not None else []
        if photo is None or not faces:
            print(f"walk-up: no face in {path}, skipped", file=sys.stderr)
            continue
        box = max(faces, key=lambda d: d.box[2] * d.box[3]).box
        for width in face_widths(walkup):
            index = _write(folder, index, place(photo, box, width, scene))
        for _ in range(gap):
            index = _write(folder, index, scene)
        count += 1
    return count


def _write(folder: Path, index: int, frame: np.ndarray) -> int:
    cv2.imwrite(str(folder / f"{index:06d}.jpg"), frame, [cv2.IMWRITE_JPEG_QUALITY, 92])
    return index + 1
