"""Reliability drills (issue 11): faults, load and bad input, with nothing lost.

``DRILLS`` maps each drill's name to ``"module:function"``; every function takes a
:class:`scripts.drills.common.DrillOptions` and returns a
:class:`scripts.drills.common.DrillResult`. scripts/drill.py is the command line.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

DRILLS: dict[str, str] = {
    "kiosk_sigkill": "kills:kiosk_sigkill",
    "server_sigkill": "kills:server_sigkill",
    "postgres_restart": "kills:postgres_restart",
    "network_faults": "network:network_faults",
    "disk_full": "local:disk_full",
    "corrupted_model": "local:corrupted_model",
    "clock_jumps": "local:clock_jumps",
    "bad_input": "bad_input:bad_input",
    "load": "load:load",
}


def drill_function(name: str) -> Callable[..., Any]:
    """The function that runs drill ``name`` (imported on demand)."""
    module, _, function = DRILLS[name].partition(":")
    return getattr(importlib.import_module(f"scripts.drills.{module}"), function)  # type: ignore[no-any-return]
