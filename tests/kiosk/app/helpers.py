"""Building folder cameras and settings from faces-dev photos (copied into tmp, never the repo)."""

from __future__ import annotations

import shutil
from pathlib import Path

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
