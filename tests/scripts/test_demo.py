"""The quick start's main job, end to end: real server, real kiosk, real models and photos."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, need_shared


@pytest.mark.slow
def test_demo_records_a_punch_and_the_server_receives_it(tmp_path: Path) -> None:
    models = need_shared("models")
    photos = need_shared("datasets", "faces-dev")
    done = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "demo.py"), "--workdir",
         str(tmp_path / "demo"), "--models-from", str(models), "--photos-from", str(photos),
         "--no-serve"],
        capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["liveness"] is True  # ../shared/models holds the liveness weights
    assert figures["punches_recorded"] == 1 and figures["punches_waiting"] == 0
    assert figures["punches_on_server"] == 1 and figures["kiosks_registered"] == 1
    assert figures["punches_held_on_server"] == 0  # the kiosk holds the approved person
    assert "Eileen Collins" in done.stdout
    assert not (tmp_path / "demo" / "photos" / "astronaut.png").is_symlink()


def test_demo_help() -> None:
    done = subprocess.run([sys.executable, str(PROJECT_ROOT / "scripts" / "demo.py"), "--help"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and "--models-from" in done.stdout and "--no-serve" in done.stdout
