"""Qt runs offscreen in these tests; every test must leave no visible window or live thread."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The autouse leak guard: no visible window, no live thread after any test here.
from tests.qt_guard import no_leaked_windows_or_threads  # noqa: E402,F401

CANDIDATE_PACKS = ("yunet-intel0095", "yunet-mobilefacenet", "yunet-dlib")


@pytest.fixture(scope="session")
def installed_pack(installed_models: Path) -> tuple[str, Path]:
    """(pack name, models dir): the first candidate pack that loads from the session's
    ``installed_models`` (tests/conftest.py: installed once by the real installer from
    ../shared/models and the download cache). Skips (fails under CI=true) when none loads.
    """
    from faceid.packs import load_pack
    from kiosk.errors import KioskError

    problems = []
    for name in CANDIDATE_PACKS:
        try:
            load_pack(name, installed_models, threads=1)
        except (KioskError, ImportError) as exc:
            problems.append(f"{name}: {exc}")
            continue
        return name, installed_models
    reason = "no model pack could be installed: " + " | ".join(problems)
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason)
    pytest.skip(reason)
