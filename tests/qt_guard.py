"""Qt leak guard shared by the kiosk app and UI tests (offscreen Qt).

Every test that uses it must leave no visible window and no live thread.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

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
