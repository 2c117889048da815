"""`kiosk enroll` and `kiosk run --offscreen` as an operator runs them (real subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.kiosk.app.helpers import TEST_MATCH_THRESHOLD, lfw_photo, photo_folder

pytestmark = [pytest.mark.shared, pytest.mark.slow]  # real subprocesses: ~10-20 s each


def _kiosk(config: Path, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(config), *args],
                          capture_output=True, text=True, timeout=timeout, env=env,
                          cwd=PROJECT_ROOT)


def test_enroll_from_photos_then_headless_run_logs_one_line_per_decision(
        installed_pack, faces_dev, tmp_path: Path) -> None:
    pack, models_dir = installed_pack
    threshold = TEST_MATCH_THRESHOLD.get(pack)
    config = tmp_path / "kiosk.toml"
    config.write_text("\n".join([
        'kiosk_name = "cli-test"',
        f'[models]\ndir = "{models_dir}"',
        f'[store]\npath = "{tmp_path / "kiosk.sqlite3"}"',
        f'[sync]\ncredential_file = "{tmp_path / "credential.json"}"',
        f'[vision]\npack = "{pack}"' + (f"\nmatch_threshold = {threshold}" if threshold else ""),
        '[ui]\nlanguage = "en"']) + "\n")
    photos = photo_folder(tmp_path / "photos",
                          [lfw_photo(faces_dev, "Colin_Powell", n) for n in range(1, 7)])
    enrolled = _kiosk(config, "enroll", "--person-name", "Colin Powell", "--images",
                      str(photos), "--consent-version", "notice-v1")
    assert enrolled.returncode == 0, enrolled.stderr
    assert enrolled.stdout.startswith("enrolled: Colin Powell")
    # The stranger must pass the liveness check to read "not recognized" (an old print such
    # as lennon-1, liveness 0.39, reads "liveness failed" like any photo attack).
    camera = photo_folder(tmp_path / "camera", [lfw_photo(faces_dev, "Colin_Powell", 9),
                                                faces_dev / "people" / "clapton-1.jpg"])
    ran = _kiosk(config, "run", "--offscreen", "--camera", str(camera), "--max-seconds", "200")
    assert ran.returncode == 0, ran.stderr
    decisions = [line for line in ran.stderr.splitlines()
                 if "kiosk.app.door_decisions: decision:" in line]
    assert len(decisions) == 2, ran.stderr
    assert "check_in" in decisions[0] and "'Colin Powell'" in decisions[0]
    assert "not-recognized" in decisions[1]


def test_bench_kiosk_help_and_a_short_run(installed_pack, faces_dev, tmp_path: Path) -> None:
    script = PROJECT_ROOT / "scripts" / "bench_kiosk.py"
    helped = subprocess.run([sys.executable, str(script), "--help"], capture_output=True,
                            text=True, timeout=60)
    assert helped.returncode == 0 and "--camera" in helped.stdout
    pack, models_dir = installed_pack
    enroll = tmp_path / "enroll"
    photo_folder(enroll / "Colin_Powell",
                 [lfw_photo(faces_dev, "Colin_Powell", n) for n in range(1, 7)])
    camera = photo_folder(tmp_path / "camera", [lfw_photo(faces_dev, "Colin_Powell", 9)])
    args = [sys.executable, str(script), "--camera", str(camera), "--enroll", str(enroll),
            "--models-dir", str(models_dir), "--pack", pack, "--hold-seconds", "3"]
    threshold = TEST_MATCH_THRESHOLD.get(pack)
    if threshold:
        args += ["--match-threshold", str(threshold)]
    ran = subprocess.run(args, capture_output=True, text=True, timeout=240,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    assert result["greetings"] == 1
    assert result["frames_shown"] > 0 and result["frames_shown_per_s"] > 0
    assert result["face_to_greeting_ms_p50"] is not None
