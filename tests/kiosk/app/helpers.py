"""Building folder cameras and settings from faces-dev photos (copied into tmp, never the repo)."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np

from kiosk.settings import KioskSettings

LFW = ("lfw_color_10x10",)


def lfw_photo(faces_dev: Path, person: str, number: int) -> Path:
    return faces_dev.joinpath(*LFW, person, f"{person}_{number:04d}.jpg")


def photo_folder(target: Path, photos: list[Path]) -> Path:
    """Copy ``photos`` into ``target`` named 00_, 01_, ... so a folder camera keeps the order."""
    target.mkdir(parents=True, exist_ok=True)
    for index, photo in enumerate(photos):
        shutil.copyfile(photo, target / f"{index:02d}_{photo.name}")
    return target


# The app's behaviour is under test here, not a pack's calibration (`kiosk calibrate` does
# that). dlib's registry threshold (0.97 cosine, set for FAR 1e-3 on East Asian faces) turns
# away some of these LFW photos; 0.9 separates them. Other packs keep their own threshold.
TEST_MATCH_THRESHOLD = {"yunet-dlib": 0.9, "pypi-dlib": 0.9}


def kiosk_settings(tmp_path: Path, *, pack: str, models_dir: Path, camera: str,
                   cooldown_s: int = 120) -> KioskSettings:
    return KioskSettings.model_validate({
        "kiosk_name": "test-kiosk",
        "camera": {"source": camera, "fps": 15},
        "vision": {"pack": pack, "threads": 1, "match_threshold": TEST_MATCH_THRESHOLD.get(pack)},
        "models": {"dir": str(models_dir)},
        "store": {"path": str(tmp_path / "kiosk.sqlite3")},
        "sync": {"credential_file": str(tmp_path / "credential.json")},
        "attendance": {"cooldown_s": cooldown_s},
        "ui": {"language": "en", "fullscreen": False, "card_seconds": 0.5,
               "admin_timeout_s": 60},
    })


# asian-dev kpop15 "Jihyo" in four head poses on a 640x480 frame (kiosk.app.enrol_capture's
# plan of 4): straight, her left, her right, chin up (yaw / pitch measured: 4.6 / 0.6,
# 17.7 / 2.5, -16.6 / 0.8, -3.7 / 7.4 degrees)
POSE_STEMS = ("004", "018", "019", "027")


def webcam_frame(path: Path) -> np.ndarray:
    """A 160 px face crop scaled 2x and centred on a 640x480 frame (edges repeated)."""
    image = cv2.resize(cv2.imread(str(path)), None, fx=2.0, fy=2.0)
    height, width = image.shape[:2]
    top, left = (480 - height) // 2, (640 - width) // 2
    return cv2.copyMakeBorder(image, top, 480 - height - top, left, 640 - width - left,
                              cv2.BORDER_REPLICATE)


def jihyo_frame(stem: str) -> np.ndarray:
    from tests.conftest import need_shared

    folder = need_shared("datasets", "asian-dev", "kpop15", "Jihyo")
    return webcam_frame(next(folder.glob(f"{stem}.*")))


def frame_folder(folder: Path, frames: list[np.ndarray]) -> Path:
    """``frames`` written as 00.png, 01.png, ... (a folder camera keeps the order)."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, frame in enumerate(frames):
        cv2.imwrite(str(folder / f"{index:02d}.png"), frame)
    return folder
