"""Qt runs offscreen in these tests; every test must leave no visible window or live thread."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def no_leaked_windows_or_threads(qapp: object) -> Iterator[None]:
    from PySide6.QtWidgets import QApplication

    threads_before = set(threading.enumerate())
    yield
    QApplication.processEvents()
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not visible, f"top-level widgets left open: {visible}"
    # Daemon threads count too: a camera or sync thread left running is a leak. QThreads that
    # ran Python code show up as _DummyThread forever; run_kiosk_app checks them (isFinished).
    deadline = time.monotonic() + 5.0
    leaked = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()
              and not isinstance(t, threading._DummyThread)]
    while leaked and time.monotonic() < deadline:
        time.sleep(0.05)
        leaked = [t for t in leaked if t.is_alive()]
    assert not leaked, f"threads left running: {leaked}"


CANDIDATE_PACKS = ("yunet-intel0095", "yunet-mobilefacenet", "yunet-dlib")


@pytest.fixture(scope="session")
def installed_pack(installed_models: Path) -> tuple[str, Path]:
    """(pack name, models dir): the first candidate pack that loads from the session's
    ``installed_models`` (tests/conftest.py: installed once by the real installer from
    ../shared/models and the download cache). Skips (fails under CI=true) when none loads.
    """
    from kiosk.errors import KioskError
    from kiosk.vision.packs import load_pack

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
