"""The real kiosk window on X11 (xcb) under Xvfb with no window manager: it starts, fills the
screen exactly (a large and a small panel), shows camera frames and a state, and exits
cleanly. Skips without Xvfb (fails under CI=true)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.kiosk.app.helpers import kiosk_settings, lfw_photo, photo_folder

pytestmark = [pytest.mark.shared]

SCREENS = [(1280, 800), (800, 480)]  # smaller than the layout's natural size too
BAND_PX = 8  # the screen's last rows and columns checked for the bare root window


def _need_xvfb() -> str:
    found = shutil.which("xvfb-run")
    if found is None:
        reason = "xvfb-run not installed (scripts/setup.sh --dev installs xvfb)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _black_fraction(pixels: np.ndarray) -> float:
    """The fraction of ``pixels`` (BGR) that are pure black, the bare root window's colour
    under ``Xvfb -br``; the kiosk window paints #101418 or lighter there."""
    return float((pixels.max(axis=-1) == 0).mean())


@pytest.mark.parametrize("screen_size", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_real_window_starts_full_screen_without_a_window_manager(
        installed_pack, faces_dev, tmp_path: Path, screen_size: tuple[int, int]) -> None:
    xvfb_run = _need_xvfb()
    width, height = screen_size
    pack, models_dir = installed_pack
    camera = photo_folder(tmp_path / "camera", [lfw_photo(faces_dev, "Colin_Powell", 1),
                                                faces_dev / "people" / "clapton-1.jpg"])
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(camera))
    data = settings.model_dump(mode="json")
    data["ui"]["fullscreen"] = True
    screenshot = tmp_path / "screen.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    done = subprocess.run(
        [xvfb_run, "-a", "-s", f"-br -screen 0 {width}x{height}x24", sys.executable, "-m",
         "tests.kiosk.app.real_window_child", json.dumps(data), str(screenshot)],
        capture_output=True, text=True, timeout=180, env=env, cwd=Path(__file__).parents[3])
    assert done.returncode == 0, done.stderr[-3000:]
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    assert facts["platform"] == "xcb"
    assert facts["exit_code"] == 0 and facts["threads_stopped"]
    assert facts["screen"] == [0, 0, width, height]
    assert facts["window"] == facts["screen"]  # no band, no overflow, no window manager
    assert facts["frames_shown"] >= 5 and facts["states"]
    image = cv2.imread(str(screenshot))  # the X root window, grabbed from the child
    assert image.shape[:2] == (height, width)
    assert _black_fraction(image[-BAND_PX:, :]) < 0.5, "black band at the bottom"
    assert _black_fraction(image[:, -BAND_PX:]) < 0.5, "black band at the right"
