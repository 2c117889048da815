"""Shared fixtures: where ../shared is, and a rule for tests that need it.

Tests that need ../shared (datasets, model files) skip with the reason where it is absent,
but fail under CI=true: CI always has it, and a silent skip there would hide a broken test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FACE_ATTENDANCE_SHARED", PROJECT_ROOT.parent / "shared"))


def need_shared(*relative: str) -> Path:
    """Return ../shared/<relative> or skip (fail under CI=true) when it is missing."""
    path = SHARED.joinpath(*relative)
    if not path.exists():
        reason = f"{path} is missing (../shared beside the project root holds it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return need_shared()


@pytest.fixture(scope="session")
def faces_dev() -> Path:
    return need_shared("datasets", "faces-dev")


@pytest.fixture(scope="session")
def shared_models() -> Path:
    return need_shared("models")
