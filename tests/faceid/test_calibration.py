"""Calibration: rates and proposals on known scores, on real photos, and `kiosk calibrate`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from faceid.calibration import (
    LabelledEmbeddings,
    calibrate,
    embed_folder,
    far_at,
    frr_at,
    pair_scores,
    threshold_for_far,
)
from faceid.imageio import image_files
from kiosk.errors import VisionError

IDENTITIES = ("Colin_Powell", "Gerhard_Schroeder", "Jacques_Chirac", "Tony_Blair",
              "Vladimir_Putin")


def test_threshold_for_far_on_known_scores() -> None:
    impostor = np.linspace(0.0, 0.999, 1000).astype(np.float32)
    threshold = threshold_for_far(impostor, 0.01)
    assert far_at(impostor, threshold) <= 0.01
    assert far_at(impostor, threshold - 0.002) > 0.01  # the lowest such threshold
    genuine = np.array([0.5, 0.995, 0.999], np.float32)
    assert frr_at(genuine, threshold) == pytest.approx(1 / 3)


def test_pair_scores_split_by_label() -> None:
    rows = np.eye(3, dtype=np.float32)
    rows[1] = rows[0]
    genuine, impostor = pair_scores(["a", "a", "b"], rows)
    assert genuine.tolist() == [1.0] and sorted(impostor.tolist()) == [0.0, 0.0]


def test_separable_population_gets_1ton_and_overlap_gets_1to1() -> None:
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((40, 64))
    labels = [f"p{i}" for i in range(40) for _ in range(4)]
    noisy = np.repeat(centres, 4, axis=0) + 0.05 * rng.standard_normal((160, 64))
    rows = (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)
    data = LabelledEmbeddings(labels, [Path(f"{i}.jpg") for i in range(160)], rows)
    easy = calibrate(data, "test", target_far=0.01, population=10)
    assert easy.recommendation == "1:N" and easy.measurable_1toN and easy.frr_1toN == 0.0
    assert easy.rank1_rate == 1.0
    big = calibrate(data, "test", target_far=0.001, population=5000)
    assert big.recommendation == "1:1" and not big.measurable_1toN
    assert "5000" in big.reason
    with pytest.raises(VisionError):
        calibrate(LabelledEmbeddings(["a"], [Path("x")], rows[:1]), "test")


def _small_dataset(faces_dev: Path, target: Path) -> Path:
    for name in IDENTITIES:
        (target / name).mkdir(parents=True)
        for photo in image_files(faces_dev / "lfw_color_10x10" / name)[:4]:
            (target / name / photo.name).symlink_to(photo)
    return target


def test_real_photos_separate(recognition_pack, faces_dev: Path,  # type: ignore[no-untyped-def]
                              tmp_path: Path) -> None:
    data = embed_folder(recognition_pack, _small_dataset(faces_dev, tmp_path / "data"))
    assert len(data.labels) == 20 and not data.skipped
    report = calibrate(data, recognition_pack.recognizer_id, target_far=0.05)
    assert report.genuine_pairs == 30 and report.impostor_pairs == 160
    assert report.rank1_rate >= 0.95
    assert report.frr_1to1 <= 0.2
    assert -1.0 <= report.threshold_1to1 <= 1.0 and report.margin >= 0.01


def test_cli_reports_a_table_and_a_json_line(recognition_pack, vision_models_dir: Path,  # type: ignore[no-untyped-def]
                                             faces_dev: Path, tmp_path: Path) -> None:
    data = _small_dataset(faces_dev, tmp_path / "data")
    env = {**os.environ, "KIOSK_MODELS__DIR": str(vision_models_dir)}
    command = [sys.executable, "-m", "kiosk.cli", "calibrate", "--data", str(data),
               "--target-far", "0.05"]
    if recognition_pack.name.startswith("test-"):  # fallback pack: not in the registry
        result = subprocess.run(command + ["--pack", "yunet-dlib"], env=env, text=True,
                                capture_output=True, check=False)
        assert result.returncode == 2 and "kiosk models install" in result.stderr
        return
    result = subprocess.run(command + ["--pack", recognition_pack.name], env=env, text=True,
                            capture_output=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert any(line.split()[:3] == ["threshold", "FAR", "FRR"] for line in lines)
    figures = json.loads(lines[-1])
    assert figures["identities"] == 5 and figures["images"] == 20
    assert figures["recommendation"] in ("1:N", "1:1")


def test_cli_without_models_says_how_to_install(tmp_path: Path, faces_dev: Path) -> None:
    data = _small_dataset(faces_dev, tmp_path / "data")
    env = {**os.environ, "KIOSK_MODELS__DIR": str(tmp_path / "empty")}
    result = subprocess.run([sys.executable, "-m", "kiosk.cli", "calibrate", "--data",
                             str(data), "--pack", "yunet-dlib"], env=env, text=True,
                            capture_output=True, check=False)
    assert result.returncode == 2 and "kiosk models install" in result.stderr
    missing = subprocess.run([sys.executable, "-m", "kiosk.cli", "calibrate", "--data",
                              str(tmp_path / "nowhere")], text=True, capture_output=True,
                             check=False)
    assert missing.returncode == 2 and "nowhere" in missing.stderr
