"""`kiosk doctor` on this machine: real camera folder, real (empty or staged) models dir."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

from kiosk.app.doctor import run_checks
from kiosk.settings import KioskSettings


def _settings(tmp_path: Path, camera: str) -> KioskSettings:
    return KioskSettings.model_validate({
        "camera": {"source": camera},
        "models": {"dir": str(tmp_path / "models")},
        "store": {"path": str(tmp_path / "kiosk.sqlite3")},
        "sync": {"credential_file": str(tmp_path / "credential.json")},
    })


def test_doctor_fails_on_missing_models_and_names_the_fix(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("KIOSK_ADMIN_PIN_HASH", raising=False)
    folder = tmp_path / "cam"
    folder.mkdir()
    cv2.imwrite(str(folder / "a.png"), np.zeros((40, 60, 3), np.uint8))
    results = {r.name: r for r in run_checks(_settings(tmp_path, str(folder)))}
    assert results["camera"].ok and "60x40" in results["camera"].detail
    assert not results["models"].ok and "kiosk models install" in results["models"].line()
    assert results["execution provider"].ok and "CPUExecutionProvider" in \
        results["execution provider"].detail
    assert not results["admin PIN"].ok
    assert results["server"].ok  # standalone
    assert results["disk space"].detail.endswith(str(tmp_path))


def test_doctor_reports_an_unplugged_camera(tmp_path: Path) -> None:
    results = {r.name: r for r in run_checks(_settings(tmp_path, "/dev/video99"))}
    assert not results["camera"].ok and "fix:" in results["camera"].line()


def test_doctor_command_exits_1_and_prints_one_line_per_check(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[models]\ndir = "{tmp_path / "models"}"\n[store]\npath = '
                      f'"{tmp_path / "k.sqlite3"}"\n')
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(config), "doctor",
                           "--skip-camera"], capture_output=True, text=True, timeout=120)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 1, done.stderr
    assert all(line.startswith(("PASS ", "FAIL ")) for line in lines)
    assert any(line.startswith("FAIL models") for line in lines)
