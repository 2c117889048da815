"""The data-folder rule both processes follow."""

from __future__ import annotations

import os
from pathlib import Path


def default_data_dir() -> Path:
    """Where models, databases and credentials live unless configured (outside git):
    ``$XDG_DATA_HOME/face-attendance``, else ``~/.local/share/face-attendance``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "face-attendance"
