"""Smoke tests: each recognition benchmark runs end to end on a tiny subset with real models.

The default pack ("auto") and yunet-dlib come from the session's ``installed_models``
(tests/conftest.py: every default model installed once by the kiosk's own installer from
../shared/models and the download cache that scripts/test.sh's prefetch fills; no network).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from faceid.registry import ModelState, load_registry, model_state
from tests.conftest import PROJECT_ROOT, need_shared

SCRIPTS = PROJECT_ROOT / "scripts"


@pytest.fixture(scope="module")
def models_dir(installed_models: Path) -> Path:
    """The session's ``installed_models``; yunet-dlib (with liveness) must be there."""
    registry = load_registry()
    states = {m: model_state(registry.model(m), installed_models)
              for m in registry.packs["yunet-dlib"].model_ids()}
    assert all(s is ModelState.INSTALLED for s in states.values()), states
    return installed_models


def run_bench(script: str, *args: str, timeout: float = 240) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    result = subprocess.run([sys.executable, str(SCRIPTS / script), *args], capture_output=True,
                            text=True, timeout=timeout, env=env, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    figures: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


@pytest.mark.parametrize("script", ["bench_verification.py", "bench_identification.py",
                                    "bench_pipeline.py", "bench_scale.py",
                                    "fit_score_tails.py", "bench_search.py", "bench_kiosk.py"])
def test_help(script: str) -> None:
    result = subprocess.run([sys.executable, str(SCRIPTS / script), "--help"],
                            capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)))
    assert result.returncode == 0 and "--pack" in result.stdout


def test_verification_on_a_few_lfw_pairs(models_dir: Path, tmp_path: Path) -> None:
    pairs = need_shared("datasets", "lfw-dev", "pairs.csv")
    roc = tmp_path / "roc.png"
    figures = run_bench("bench_verification.py", "--pairs", str(pairs), "--limit", "20",
                        "--models-dir", str(models_dir), "--compare-dlib", "--roc", str(roc))
    assert figures["pairs"] == 20
    assert 70.0 <= float(figures["accuracy_pct"]) <= 100.0  # type: ignore[arg-type]
    assert 70.0 <= float(figures["dlib_accuracy_pct"]) <= 100.0  # type: ignore[arg-type]
    assert float(figures["time_ratio_vs_dlib"]) > 0  # type: ignore[arg-type]
    assert roc.stat().st_size > 1000


def test_identification_with_fillers_and_the_kiosk_policy(models_dir: Path) -> None:
    """Default pack ("auto"), gallery-aware threshold, 2 splits, 30 lfw-dev fillers."""
    data = need_shared("datasets", "asian-dev", "asianfaces_cn")
    fillers = need_shared("datasets", "lfw-dev", "images")
    figures = run_bench("bench_identification.py", "--data", str(data), "--models-dir",
                        str(models_dir), "--fillers", str(fillers), "--max-fillers", "30",
                        "--splits", "2")
    assert figures["pack"] == "yunet-intel0095" and figures["splits"] == 2
    assert 20 <= int(figures["filler_people"]) <= 30  # type: ignore[call-overload]
    for split in figures["per_split"]:  # type: ignore[attr-defined]
        assert split["gallery_people"] > int(figures["filler_people"])  # type: ignore[call-overload]
        assert 0.0 < split["threshold_1to1"] <= split["threshold_1n"] < 1.0
    assert figures["mated_walkups"] and figures["stranger_walkups"]
    for key in ("fnir_pct", "misidentification_pct", "fpir_pct", "face_code_punch_pct",
                "strangers_punched_pct"):
        assert 0.0 <= float(figures[key]) <= 100.0, key  # type: ignore[arg-type]
    # Nobody whose own 1:1 score clears the verification threshold is lost to the flow.
    assert float(figures["lost_to_flow_pct"]) == 0.0  # type: ignore[arg-type]
    assert float(figures["face_code_punch_pct"]) >= 100.0 - float(  # type: ignore[arg-type]
        figures["fnir_pct"])  # type: ignore[arg-type]


def test_scale_from_the_shipped_tails(models_dir: Path) -> None:
    figures = run_bench("bench_scale.py", "--models-dir", str(models_dir))
    rows = figures["rows"]
    assert [r["people"] for r in rows] == [100, 1000, 5000, 20000]  # type: ignore[attr-defined]
    thresholds = [r["threshold_1n"] for r in rows]  # type: ignore[attr-defined]
    assert thresholds == sorted(thresholds) and thresholds[0] < thresholds[-1]
    at_5000 = rows[2]  # type: ignore[index]
    assert at_5000["fpir_pct"] <= 1.0
    assert at_5000["fixed_threshold"]["fpir_pct"] > 50.0  # the old fixed rule at 5,000


def test_pipeline_on_a_few_photos(models_dir: Path) -> None:
    data = need_shared("datasets", "faces-dev", "people")
    figures = run_bench("bench_pipeline.py", "--data", str(data), "--limit", "4",
                        "--models-dir", str(models_dir), "--gallery-sizes", "1000",
                        "--probes", "20", "--gallery-size", "500")
    kiosk = figures["kiosk"]
    assert isinstance(kiosk, dict) and kiosk["embed"]["p50_ms"] > 0
    assert float(figures["time_ratio_vs_dlib"]) > 0  # type: ignore[arg-type]
    assert float(figures["match_1000_p95_ms"]) > 0  # type: ignore[arg-type]


def test_search_prefilter_agrees_with_the_exhaustive_search(models_dir: Path) -> None:
    figures = run_bench("bench_search.py", "--models-dir", str(models_dir), "--photos", "40",
                        "--templates", "20000", "--probes", "20")
    assert figures["templates"] == 20000 and figures["disagreements"] == 0
    assert figures["prefilter_answered"] == 21  # every probe, plus the compiling search
    assert float(figures["prefilter_cpu_p95_ms"]) > 0  # type: ignore[arg-type]


def test_kiosk_walkups_with_liveness_on(models_dir: Path) -> None:
    """Walk-up mode end to end on the real app (offscreen): two people walk up once each."""
    folder = need_shared("datasets", "asian-dev", "asianfaces_cn")
    figures = run_bench("bench_kiosk.py", "--walkup", str(folder), "--people", "4",
                        "--models-dir", str(models_dir), "--no-dlib", "--load", "1",
                        "--walkup-hold-seconds", "4", timeout=400)
    assert int(figures["walkups"]) >= 1  # type: ignore[call-overload]
    assert figures["busy_processes"] == 1 and figures["liveness_threshold"] == 0.3
    assert int(figures["frames_analysed"]) > 0  # type: ignore[call-overload]
    decided = int(figures["greetings"]) + int(figures["not_recognized"]) + int(  # type: ignore[call-overload]
        figures["liveness_failed"])  # type: ignore[call-overload]
    assert decided >= 1
    assert "walkup_to_greeting_ms_p50" in figures and "load_average_1min_before" in figures
