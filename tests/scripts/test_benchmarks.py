"""Smoke tests: each recognition benchmark runs end to end on a tiny subset with real models.

The yunet-dlib pack comes from the session's ``installed_models`` (tests/conftest.py: every
default model installed once by the kiosk's own installer from ../shared/models and the download
cache that scripts/test.sh's prefetch fills; no network).
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
    """The session's ``installed_models``; the yunet-dlib pack (with liveness) must be there."""
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
                                    "bench_pipeline.py"])
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


def test_identification_on_kpop15(models_dir: Path) -> None:
    data = need_shared("datasets", "asian-dev", "kpop15")
    figures = run_bench("bench_identification.py", "--data", str(data), "--models-dir",
                        str(models_dir), "--enroll", "2", "--match-threshold", "0.9",
                        "--enroll-agreement", "0.85")
    assert figures["enrolled_identities"] and figures["mated_probes"]
    for key in ("rank1_pct", "fnir_pct", "misidentification_pct", "fpir_pct"):
        assert 0.0 <= float(figures[key]) <= 100.0, key  # type: ignore[arg-type]
    assert float(figures["rank1_pct"]) > 30.0  # type: ignore[arg-type]


def test_pipeline_on_a_few_photos(models_dir: Path) -> None:
    data = need_shared("datasets", "faces-dev", "people")
    figures = run_bench("bench_pipeline.py", "--data", str(data), "--limit", "4",
                        "--models-dir", str(models_dir), "--gallery-sizes", "1000",
                        "--probes", "20", "--gallery-size", "500")
    kiosk = figures["kiosk"]
    assert isinstance(kiosk, dict) and kiosk["embed"]["p50_ms"] > 0
    assert float(figures["time_ratio_vs_dlib"]) > 0  # type: ignore[arg-type]
    assert float(figures["match_1000_p95_ms"]) > 0  # type: ignore[arg-type]
