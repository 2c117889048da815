"""scripts/bench_liveness.py end to end on the faces-dev spoof samples with real models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from faceid.liveness import V1SE_FILE, V2_FILE
from kiosk.modelhub.convert_minifasnet import convert

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "bench_liveness.py"


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=120, env=env, cwd=ROOT)


def test_help() -> None:
    result = _bench("--help")
    assert result.returncode == 0
    assert "--data" in result.stdout and "APCER" in result.stdout


@pytest.fixture()
def models_dir(shared_models: Path, tmp_path: Path) -> Path:
    root = tmp_path / "models"
    for installed in (V2_FILE, V1SE_FILE):
        source = shared_models / "minifasnet" / "official_pth" / installed.with_suffix(".pth").name
        convert([source], root / installed)
    yunet = root / "yunet-2023mar" / "face_detection_yunet_2023mar.onnx"
    yunet.parent.mkdir()
    yunet.symlink_to(shared_models / "yunet" / "face_detection_yunet_2023mar.onnx")
    return root


def test_rates_and_timing_on_the_spoof_samples(faces_dev: Path, models_dir: Path,
                                               tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "live").mkdir(parents=True)
    (data / "attack" / "screens").mkdir(parents=True)
    spoof = faces_dev / "spoof"
    (data / "live" / "live.jpg").symlink_to(spoof / "sf_live_T1.jpg")
    (data / "live" / "nothing.jpg").symlink_to(next((faces_dev / "no_face").iterdir()))
    (data / "attack" / "print.jpg").symlink_to(spoof / "sf_print_F1.jpg")
    (data / "attack" / "screens" / "replay.jpg").symlink_to(spoof / "sf_replay_F2.jpg")
    result = _bench("--data", str(data), "--models-dir", str(models_dir), "--verbose",
                    "--repeat", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    summary = json.loads(lines[-1])
    assert (summary["bona_fide"], summary["attacks"]) == (1, 2)
    assert summary["apcer"] == 0.0 and summary["bpcer"] == 0.0
    assert summary["no_face"] == ["live/nothing.jpg"]
    assert summary["attack_score_max"] < summary["threshold"] <= summary["live_score_min"]
    assert 0 < summary["ms_per_face_p50"] <= summary["ms_per_face_p95"] < 1000
    assert sum("REFUSED" in line for line in lines) == 2

    above_live = f"{min(1.0, summary['live_score_min'] + 1e-9):.12f}"
    strict = json.loads(_bench("--data", str(data), "--models-dir", str(models_dir),
                               "--threshold", above_live).stdout.strip().splitlines()[-1])
    assert strict["bpcer"] == 1.0 and strict["apcer"] == 0.0
    lax = json.loads(_bench("--data", str(data), "--models-dir", str(models_dir),
                            "--threshold", "0.0").stdout.strip().splitlines()[-1])
    assert lax["apcer"] == 1.0


def test_missing_folder_is_an_error(tmp_path: Path, models_dir: Path) -> None:
    result = _bench("--data", str(tmp_path / "nowhere"), "--models-dir", str(models_dir))
    assert result.returncode != 0
    assert "live/ and attack/" in result.stderr
