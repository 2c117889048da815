"""Operator-readable logging: one line per event with time, level and component."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure_logging(level: str = "INFO") -> None:
    """Send log records to stderr, one line each. Call once, from a process entry point."""
    root = logging.getLogger()
    if any(getattr(h, "_face_attendance", False) for h in root.handlers):
        root.setLevel(level.upper())
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%dT%H:%M:%S%z"))
    handler._face_attendance = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
