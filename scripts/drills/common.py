"""Shared drill plumbing: the result row, a server subprocess, kiosk credentials, counting.

The server is the real ``sync-server run`` in a subprocess on 127.0.0.1 (so it can be
SIGKILLed); the database is a SQLite file or a throw-away PostgreSQL (tests/sync_server/pg.py).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from kiosk.sync import DeviceReport, KioskCredential
from sync_server.db.engine import make_engine, session_factory, transaction
from sync_server.db.migrate import upgrade
from sync_server.service import kiosks
from tests.sync_server.pg import ThrowawayPostgres, free_port, start_postgres

ROOT = Path(__file__).resolve().parents[2]
log = logging.getLogger(__name__)


@dataclass
class DrillResult:
    """One row of the drill table; ``ok`` is False when anything was lost or duplicated."""

    drill: str
    iterations: int = 0
    confirmed: int = 0
    on_server: int = 0
    lost: int = 0
    duplicated: int = 0
    errors: int = 0
    notes: dict[str, Any] = field(default_factory=dict)
    failed_checks: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and not self.failed_checks

    def check(self, condition: bool, what: str) -> None:
        """Record a failed expectation (the drill goes on, the row says FAIL)."""
        if not condition:
            self.failed_checks.append(what)


class Database:
    """A migrated server database: SQLite under ``scratch`` or a fresh PostgreSQL."""

    def __init__(self, kind: str, scratch: Path) -> None:
        self.kind = kind
        self.postgres: ThrowawayPostgres | None = None
        if kind == "postgres":
            self.postgres = start_postgres(durable=True)
            self.url = self.postgres.create_database()
        else:
            self.url = f"sqlite:///{scratch / f'server-{uuid.uuid4().hex[:8]}.sqlite3'}"
        upgrade(self.url)
        self.engine = make_engine(self.url)

    def punch_rows(self) -> list[dict[str, Any]]:
        """Every punch row on the server (id as str, captured_at, clock_offset_s)."""
        from sqlalchemy import text

        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT * FROM punches")).mappings().all()
        return [{**dict(row), "id": str(uuid.UUID(str(row["id"])))} for row in rows]

    def count(self, table: str) -> int:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())

    def restart_postgres(self) -> None:
        """pg_ctl restart -m fast on the throw-away server (same port and data)."""
        if self.postgres is None:
            raise RuntimeError("not a PostgreSQL database")
        pg = self.postgres
        command = [str(pg.bindir / "pg_ctl"), "-D", str(pg.data_dir), "-m", "fast", "-w",
                   "-t", "60", "restart"]
        if pg.run_as is not None:
            command = ["runuser", "-u", pg.run_as, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120, cwd="/tmp")

    def close(self) -> None:
        self.engine.dispose()
        if self.postgres is not None:
            self.postgres.stop()


def provision(db: Database, server_url: str, count: int) -> list[KioskCredential]:
    """Create ``count`` kiosks directly in the database and return their credentials."""
    sessions = session_factory(db.engine)
    credentials = []
    with transaction(sessions) as session:
        for index in range(count):
            _, code = kiosks.create_provisioning_code(session, f"drill-{index}", 3600)
            kiosk, secret = kiosks.exchange_code(session, code, kiosks.DeviceReport(
                "drill", "yunet-dlib", 0, 0.0, 0))
            credentials.append(KioskCredential(server_url, kiosk.id, kiosk.name, secret))
    return credentials


class ServerProcess:
    """``sync-server run`` in a subprocess on a fixed loopback port; SIGKILL-able."""

    def __init__(self, db: Database, port: int | None = None) -> None:
        self.db = db
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60.0) -> ServerProcess:
        env = {**os.environ, "SYNC_SERVER_DATABASE__URL": self.db.url, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync_server.cli", "run", "--port", str(self.port)],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("the sync server did not come up")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None


def tally(result: DrillResult, confirmed: list[str], rows: list[dict[str, Any]]) -> None:
    """Fill confirmed / on_server / lost / duplicated from the ids the kiosk confirmed."""
    stored = [row["id"] for row in rows]
    present = set(stored)
    result.confirmed = len(confirmed)
    result.on_server = len(stored)
    result.lost = len(set(confirmed) - present)
    result.duplicated = len(stored) - len(present)


def report() -> DeviceReport:
    return DeviceReport(backlog=0)
