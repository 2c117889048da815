"""A throw-away PostgreSQL server from Debian's binaries, on a free loopback port.

Used by the test fixtures and by scripts/bench_sync.py. initdb refuses to run as root, so as
root the cluster is made and run by the ``postgres`` user (else ``nobody``) in a /tmp folder it
owns.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_bindir() -> Path:
    on_path = shutil.which("pg_ctl")
    candidates = [str(Path(on_path).resolve().parent)] if on_path else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise PostgresUnavailable("no initdb/pg_ctl found (Debian package: postgresql)")


@dataclass
class ThrowawayPostgres:
    bindir: Path
    data_dir: Path
    port: int
    run_as: str | None

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL (psycopg 3 driver)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """Create an empty database with a fresh name and return its SQLAlchemy URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        _run(self.run_as, [str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate",
                           "-w", "stop"], check=False)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def start_postgres(durable: bool = False) -> ThrowawayPostgres:
    """initdb + pg_ctl start; ``durable=False`` turns fsync off (tests, not benchmarks)."""
    bindir = find_bindir()
    run_as = None
    data_dir = Path(tempfile.mkdtemp(prefix="throwaway-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        run_as = _unprivileged_user()
        entry = pwd.getpwnam(run_as)
        os.chown(data_dir, entry.pw_uid, entry.pw_gid)
    _run(run_as, [str(bindir / "initdb"), "-D", str(data_dir), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"])
    port = free_port()
    options = f"-h 127.0.0.1 -p {port} -k {data_dir} -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    _run(run_as, [str(bindir / "pg_ctl"), "-D", str(data_dir), "-o", options,
                  "-l", str(data_dir / "server.log"), "-w", "-t", "60", "start"])
    return ThrowawayPostgres(bindir, data_dir, port, run_as)


def _unprivileged_user() -> str:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise PostgresUnavailable("running as root and no 'postgres' or 'nobody' user exists")


def _run(run_as: str | None, command: list[str], check: bool = True) -> None:
    if run_as is not None:
        command = ["runuser", "-u", run_as, "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/tmp")
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): "
                           f"{result.stdout[-2000:]}{result.stderr[-2000:]}")
