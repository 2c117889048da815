"""The quality gate: is this face good enough to recognise, and if not, what should the person do.

Checks, in this order (the first failure is the reason the UI shows):
- PARTIAL: a landmark lies outside the frame or closer to its edge than 10% of the eye
  distance ("centre your face").
- TOO_SMALL: the shorter side of the face box is under ``min_face_px`` pixels ("move closer");
  the default ``MIN_FACE_PX`` (56) accepts a face of 60 px, what a 640x480 webcam sees of a
  face at about 1 m: YuNet's box of one face moves by about +-4 px between frames (measured:
  60 px faces re-detected at 57-64 px). Measured with scripts/bench_quality_gate.py
  (models/README.md, "Quality gate"): nuaa-dev's real 640x480 webcam captures brought to a
  60 px face pass 99.3% (the former 80 px floor: 0%); asian-dev photos 61% at 60 px and 91%
  at 70 px (0% before). Sharpness still counts: a sigma-1.5 blur of the 60 px frames is
  refused ("hold still") or too small, never accepted, and 40 px faces never pass.
- TURNED: |yaw| > ``MAX_YAW_DEG`` (30 degrees) or |pitch| > ``MAX_PITCH_DEG`` (25 degrees)
  ("face the camera").
- TOO_DARK / TOO_BRIGHT: mean grey level of the face box under ``MIN_BRIGHTNESS`` (50) or over
  ``MAX_BRIGHTNESS`` (215), on 0..255.
- EYES_HIDDEN: the eyes are much darker than the cheeks (sunglasses): mean grey of two eye
  patches over that of two cheek patches, read on the 256 px canonical chip, under
  ``MIN_EYE_VISIBILITY`` (0.2) ("remove sunglasses"). Measured on 225 faces (faces-dev LFW
  colour, people/, a third of asian-dev kpop15): the one face in sunglasses 0.11, all others
  0.31 or more (median 0.62).
- BLURRY: variance of the Laplacian of the face box, resampled to 128 px wide so that the
  figure does not depend on the face's size, under ``MIN_SHARPNESS`` (12) ("hold still");
  sharp LFW photos measure 35-100, a sigma-3 Gaussian blur of them 2-5.
OFF_CENTRE is reported by ``assess_face`` only when ``centre_fraction`` is given.

Head pose from the 5 landmarks (rough, degrees; positive yaw = nose towards the image's right,
positive pitch = nose down). The points are first rotated so that the eyes are level (removes
roll). The nose tip sticks out of the eye/mouth plane by about D = 0.6 x the inter-ocular
distance (IOD; anthropometric averages ~35-40 mm over ~63 mm). Turning the head by yaw t moves the
nose sideways from the eye/mouth midline by D sin t while the eyes' projected distance shrinks
to IOD cos t, so yaw = atan(sideways shift / (0.6 x projected IOD)). Nodding by pitch p moves the
nose along the eye-to-mouth line by D sin p from its frontal place, so pitch =
asin(shift / (0.6 IOD)). The frontal place is 56% of the way from the eye line to the mouth line:
the ArcFace/Intel templates say 49%, but YuNet's nose points on frontal faces-dev and LFW photos
sit lower and read +10 degrees with 49%, so the constant is the measured one.
Good to about +-10 degrees near frontal, which is all a gate needs.

Runs on the caller's (worker) thread; pure functions.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import cv2
import numpy as np

from faceid.align import CANONICAL_CHIP_SIZE, CANONICAL_TEMPLATE, align_face
from faceid.types import Detection, FloatArray, ImageBGR

MIN_FACE_PX = 56
MAX_YAW_DEG = 30.0
MAX_PITCH_DEG = 25.0
MIN_BRIGHTNESS = 50.0
MAX_BRIGHTNESS = 215.0
MIN_SHARPNESS = 12.0
MIN_EYE_VISIBILITY = 0.2
SHARPNESS_WIDTH_PX = 128
NOSE_DEPTH_PER_IOD = 0.6
FRONTAL_NOSE_FRACTION = 0.56


class QualityIssue(enum.Enum):
    """Why a face was not used; the value is the guidance key the UI translates."""

    TOO_SMALL = "move_closer"
    TOO_DARK = "too_dark"
    TOO_BRIGHT = "too_bright"
    BLURRY = "hold_still"
    TURNED = "face_camera"
    OFF_CENTRE = "centre_face"
    EYES_HIDDEN = "remove_glasses"
    PARTIAL = "centre_face_partial"


@dataclass(frozen=True)
class Quality:
    """The gate's verdict and its measurements (units in the module docstring)."""

    ok: bool
    reason: QualityIssue | None
    sharpness: float
    brightness: float
    yaw_deg: float
    pitch_deg: float
    face_px: float


def estimate_pose(landmarks: FloatArray) -> tuple[float, float]:
    """(yaw_deg, pitch_deg) from 5 landmarks (faceid.types order); rough, see module."""
    points = np.asarray(landmarks, dtype=np.float64).reshape(5, 2)
    eye_r, eye_l = points[0], points[1]
    roll = math.atan2(eye_l[1] - eye_r[1], eye_l[0] - eye_r[0])
    cos_r, sin_r = math.cos(-roll), math.sin(-roll)
    level = (points - points[:2].mean(axis=0)) @ np.array([[cos_r, sin_r], [-sin_r, cos_r]])
    iod = max(level[1, 0] - level[0, 0], 1e-6)
    mouth = level[3:].mean(axis=0)
    nose = level[2]
    # the midline runs from the eye centre (origin) to the mouth centre
    t = nose[1] / mouth[1] if abs(mouth[1]) > 1e-6 else 0.0
    sideways = nose[0] - t * mouth[0]
    yaw = math.degrees(math.atan(sideways / (NOSE_DEPTH_PER_IOD * iod)))
    along = (t - FRONTAL_NOSE_FRACTION) * mouth[1]
    pitch = math.degrees(math.asin(max(-1.0, min(1.0, along / (NOSE_DEPTH_PER_IOD * iod)))))
    return yaw, pitch


def face_region(image: ImageBGR, detection: Detection) -> ImageBGR:
    """The pixels of the detection's box, clipped to the frame (may be empty)."""
    x, y, w, h = detection.box
    height, width = image.shape[:2]
    x1, y1 = max(int(round(x)), 0), max(int(round(y)), 0)
    x2, y2 = min(int(round(x + w)), width), min(int(round(y + h)), height)
    return image[y1:max(y2, y1), x1:max(x2, x1)]


def measure_light_and_sharpness(face: ImageBGR) -> tuple[float, float]:
    """(mean grey 0..255, Laplacian variance at 128 px width) of a face crop."""
    if face.size == 0:
        return 0.0, 0.0
    grey = cv2.cvtColor(face, cv2.COLOR_BGR2GRAY)
    scale = SHARPNESS_WIDTH_PX / grey.shape[1]
    resized = cv2.resize(grey, (SHARPNESS_WIDTH_PX, max(int(round(grey.shape[0] * scale)), 1)),
                         interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    sharpness = float(cv2.Laplacian(resized, cv2.CV_64F).var())
    return float(grey.mean()), sharpness


def eye_visibility(image: ImageBGR, landmarks: FloatArray) -> float:
    """Mean grey of the eye patches over that of the cheek patches (about 0.6 on open eyes)."""
    chip = cv2.cvtColor(align_face(image, landmarks, CANONICAL_TEMPLATE, CANONICAL_CHIP_SIZE),
                        cv2.COLOR_BGR2GRAY).astype(np.float32)
    eyes = [chip[int(y) - 7:int(y) + 7, int(x) - 14:int(x) + 14]
            for x, y in CANONICAL_TEMPLATE[:2]]
    nose_y = int(CANONICAL_TEMPLATE[2, 1])
    cheeks = [chip[nose_y - 8:nose_y + 8, int(x) - 10:int(x) + 10]
              for x in CANONICAL_TEMPLATE[:2, 0]]
    cheek = float(np.mean([c.mean() for c in cheeks]))
    return float(np.mean([e.mean() for e in eyes])) / max(cheek, 1.0)


def _is_partial(image: ImageBGR, landmarks: FloatArray) -> bool:
    points = np.asarray(landmarks, dtype=np.float64).reshape(5, 2)
    margin = 0.1 * float(np.linalg.norm(points[1] - points[0]))
    height, width = image.shape[:2]
    return bool((points[:, 0] < margin).any() or (points[:, 1] < margin).any()
                or (points[:, 0] > width - margin).any() or (points[:, 1] > height - margin).any())


def _is_off_centre(image: ImageBGR, detection: Detection, fraction: float) -> bool:
    x, y, w, h = detection.box
    height, width = image.shape[:2]
    return bool(abs(x + w / 2 - width / 2) > fraction * width / 2
                or abs(y + h / 2 - height / 2) > fraction * height / 2)


def assess_face(image: ImageBGR, detection: Detection, min_face_px: int = MIN_FACE_PX,
                centre_fraction: float | None = None) -> Quality:
    """Gate one detected face; ``reason`` is the first failed check (module docstring).

    ``min_face_px``: shorter side of the face box in frame pixels. ``centre_fraction``: when
    given, the face centre must lie within that fraction of the half-frame of the centre.
    """
    x, y, w, h = detection.box
    face_px = float(min(w, h))
    yaw, pitch = estimate_pose(detection.landmarks)
    brightness, sharpness = measure_light_and_sharpness(face_region(image, detection))
    checks: list[tuple[bool, QualityIssue]] = [
        (_is_partial(image, detection.landmarks), QualityIssue.PARTIAL),
        (centre_fraction is not None and _is_off_centre(image, detection, centre_fraction),
         QualityIssue.OFF_CENTRE),
        (face_px < min_face_px, QualityIssue.TOO_SMALL),
        (abs(yaw) > MAX_YAW_DEG or abs(pitch) > MAX_PITCH_DEG, QualityIssue.TURNED),
        (brightness < MIN_BRIGHTNESS, QualityIssue.TOO_DARK),
        (brightness > MAX_BRIGHTNESS, QualityIssue.TOO_BRIGHT),
        (eye_visibility(image, detection.landmarks) < MIN_EYE_VISIBILITY,
         QualityIssue.EYES_HIDDEN),
        (sharpness < MIN_SHARPNESS, QualityIssue.BLURRY),
    ]
    reason = next((issue for failed, issue in checks if failed), None)
    return Quality(reason is None, reason, sharpness, brightness, yaw, pitch, face_px)
