"""Writing files that hold secrets: atomically, readable by their owner only."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600, atomically (a temporary file in the same
    folder, fsynced, then renamed over ``path``): a crash leaves the old file or the new one,
    never a torn or world-readable one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


PRIVATE_UMASK = 0o077
"""The umask of kiosk and server processes: files they create are their owner's alone."""

SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def private_sqlite_files(path: Path) -> list[Path]:
    """Make the SQLite file at ``path`` and its -wal, -shm and -journal mode 0600.

    A missing database file is created empty with mode 0600 before SQLite opens it (SQLite
    gives its side files the database file's mode). Existing files with a looser mode are
    fixed and returned, so the caller can log what it changed. Blocking file I/O.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    fixed = []
    for candidate in (path, *(Path(f"{path}{suffix}") for suffix in SQLITE_SIDE_FILES)):
        try:
            mode = candidate.stat().st_mode & 0o777
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(candidate, 0o600)
            fixed.append(candidate)
    return fixed
