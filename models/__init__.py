"""The model registry (what each model is, where it comes from, its sha256 and licence).

Weights are never kept here: ``kiosk models install`` fetches them into the data directory.
"""

from __future__ import annotations

from pathlib import Path


def registry_path() -> Path:
    """Path of the shipped ``registry.toml`` (package data next to this module)."""
    return Path(__file__).resolve().parent / "registry.toml"


def licenses_dir() -> Path:
    """Folder of the licence and NOTICE texts that ship with the registry."""
    return Path(__file__).resolve().parent / "licenses"
