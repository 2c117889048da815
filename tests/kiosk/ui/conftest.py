"""Qt runs offscreen in these tests; every test must leave no visible window or live thread."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The autouse leak guard: no visible window, no live thread after any test here.
from tests.qt_guard import no_leaked_windows_or_threads  # noqa: E402,F401
