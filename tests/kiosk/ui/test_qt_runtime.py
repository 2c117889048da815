"""The Qt binding itself: defects in it that would take a kiosk down are caught here.

PySide6-Essentials 6.12.0 drops a reference to ``True`` on every ``Signal.emit``. A kiosk
emits a state object per analysed frame, so after a few thousand frames ``True``'s count
reaches zero and the interpreter aborts with "bool_dealloc". pyproject.toml excludes that
release; this test fails on any release with the same defect.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    bare = Signal()
    carrying = Signal(object)


def test_emitting_signals_keeps_the_reference_counts_of_true_and_false(qapp) -> None:  # type: ignore[no-untyped-def]
    emitter = _Emitter()
    received: list[object] = []
    emitter.carrying.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(500):
        emitter.bare.emit()
        emitter.carrying.emit(None)
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert len(received) == 500
    assert after == before, f"refcounts of (True, False) went from {before} to {after}"
