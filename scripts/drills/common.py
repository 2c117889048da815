"""What every drill shares: its result row, a real server subprocess, databases, counting.

A drill owns a scratch folder, a server database (a SQLite file, or a fresh database on the
run's throw-away PostgreSQL) and a ``sync-server run`` subprocess on a fixed loopback port, so
that the process can be SIGKILLed and started again on the same address. The verdict always
comes from the two databases: every punch id in the kiosk store(s) must be on the server
exactly once (lost = recorded at a kiosk but absent; duplicated = extra rows for one id plus
rows whose id no kiosk recorded).

Kiosks punch the drill's people (``drill_person(1..DRILL_PEOPLE)``, real people with QR
badges) and apply the feed before punching (``prime``), as a working kiosk does, so the
server accepts their punches; ``held`` counts any it held for review instead (stored all
the same: held punches are neither lost nor duplicated).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from kiosk.store import open_store
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.db.engine import make_engine, session_factory, transaction
from sync_server.db.migrate import upgrade
from sync_server.db.models import Person
from sync_server.service import alt_checkin, feed, kiosks, people
from tests.sync_server.pg import ThrowawayPostgres, free_port

ROOT = Path(__file__).resolve().parents[2]
HEALTH = "/api/v1/health"
DRILL_PEOPLE = 50


def drill_person(number: int) -> uuid.UUID:
    """The id of drill person ``number`` (1..DRILL_PEOPLE)."""
    return uuid.UUID(int=number)


@dataclass
class DrillOptions:
    """The run's knobs. ``iterations`` None = the drill's own default (smaller when quick)."""

    scratch: Path
    quick: bool = False
    iterations: int | None = None
    db: str = "sqlite"
    models_from: Path = ROOT.parent / "shared" / "models"
    seed: int = 11
    postgres: ThrowawayPostgres | None = None
    load_kiosks: int | None = None
    load_duration_s: float | None = None

    def count(self, full: int, quick: int) -> int:
        return self.iterations if self.iterations is not None else (quick if self.quick
                                                                    else full)


@dataclass
class DrillResult:
    """One row of the table. ``faults`` counts what was really injected; ``errors`` counts
    failed checks and unexpected failures (each explained in ``notes``)."""

    drill: str
    iterations: int = 0
    confirmed: int = 0
    on_server: int = 0
    lost: int = 0
    duplicated: int = 0
    held: int = 0
    errors: int = 0
    skipped: str | None = None
    seconds: float = 0.0
    faults: dict[str, int] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        self.errors += 1
        self.notes.append(message)

    def check(self, ok: bool, message: str) -> bool:
        if not ok:
            self.fail(message)
        return ok

    def add_counts(self, counts: PunchCounts) -> None:
        self.confirmed += counts.confirmed
        self.on_server += counts.on_server
        self.lost += counts.lost
        self.duplicated += counts.duplicated
        self.held += counts.held

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "iterations": self.iterations, "punches_confirmed": self.confirmed,
            "punches_on_server": self.on_server, "lost_punches": self.lost,
            "duplicated_punches": self.duplicated, "punches_held": self.held,
            "errors": self.errors,
            "seconds": round(self.seconds, 1), "faults": self.faults, **self.figures}
        if self.skipped:
            data["skipped"] = self.skipped
        if self.notes:
            data["notes"] = self.notes[:10]
        return data


@dataclass(frozen=True)
class PunchCounts:
    confirmed: int
    on_server: int
    lost: int
    duplicated: int
    held: int = 0


def server_database(options: DrillOptions, folder: Path) -> str:
    """A migrated, empty server database for one drill; returns its SQLAlchemy URL."""
    folder.mkdir(parents=True, exist_ok=True)
    if options.postgres is not None:
        url = options.postgres.create_database()
    else:
        url = f"sqlite:///{folder / 'server.sqlite3'}"
    upgrade(url)
    return url


class ServerProcess:
    """``python -m sync_server.cli run`` on a fixed loopback port (one uvicorn process unless
    ``workers`` > 1: then SIGKILL reaches only the supervisor, so the kill drills use 1)."""

    def __init__(self, database_url: str, folder: Path, port: int | None = None,
                 extra_env: dict[str, str] | None = None, workers: int = 1) -> None:
        self.database_url = database_url
        self.workers = workers
        self.port = port or free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0
        env = {k: v for k, v in os.environ.items() if not k.startswith("SYNC_SERVER_")}
        self._env = {**env, "SYNC_SERVER_DATABASE__URL": database_url, "PYTHONPATH": str(ROOT),
                     "SYNC_SERVER_DATA_KEY_FILE": str(folder / "server-data.key"),
                     **(extra_env or {})}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 60.0) -> ServerProcess:
        log = (self.folder / "server.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync_server.cli", "run", "--port", str(self.port),
             "--workers", str(self.workers)], env=self._env, cwd=ROOT, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}; see "
                                   f"{self.folder / 'server.log'}")
            try:
                if httpx.get(self.url + HEALTH, timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"the server did not come up in {timeout_s:.0f} s")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, open transactions are cut off."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)
            self.kills += 1
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)
        self.process = None


def provision(database_url: str, server_url: str, count: int, prefix: str
              ) -> list[KioskCredential]:
    """Kiosks made directly in the database (the HTTP exchange is rate limited per address),
    after the drill's people (made once per database)."""
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    credentials = []
    with transaction(sessions) as session:
        if session.get(Person, drill_person(1)) is None:
            for number in range(1, DRILL_PEOPLE + 1):
                people.create_person(session, f"Drill {number}", f"D{number:03d}", "Drill",
                                     person_id=drill_person(number), actor="script")
                alt_checkin.issue_badge(session, drill_person(number), "script")
        for index in range(count):
            kiosk_id, code = kiosks.create_provisioning_code(session, f"{prefix}-{index}", 3600,
                                                             actor="script")
            kiosk, secret = kiosks.exchange_code(session, code, kiosks.DeviceReport(
                "drill", "sface-2021dec", 0, 0.0, feed.head(session)))
            credentials.append(KioskCredential(server_url, kiosk.id, kiosk.name, secret))
    engine.dispose()
    return credentials


def prime(store_path: Path, credential: KioskCredential) -> None:
    """Apply the feed to a new kiosk store (the people and their badges), as a kiosk does
    right after provisioning; before it, the kiosk could not have recognised anyone."""
    store = open_store(store_path)
    try:
        with SyncClient(credential, timeout_s=30, verify_tls=False) as client:
            sync_once(store, client)
    finally:
        store.close()


def server_rows(database_url: str, columns: str = "id") -> list[tuple[Any, ...]]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(f"SELECT {columns} FROM punches"))]
    finally:
        engine.dispose()


def store_punch_ids(store_path: Path) -> list[str]:
    """Every punch id a kiosk store recorded (acknowledged or not), read without the app."""
    with sqlite3.connect(store_path) as conn:
        return [str(uuid.UUID(row[0])) for row in conn.execute("SELECT id FROM punches")]


def compare(recorded: Iterable[str], database_url: str) -> PunchCounts:
    """Recorded ids against the server's rows (see the module docstring for the terms)."""
    expected = set(recorded)
    rows = server_rows(database_url, "id, review")
    stored = [str(uuid.UUID(str(row[0]))) for row in rows]
    present = set(stored)
    duplicated = (len(stored) - len(present)) + len(present - expected)
    held = sum(row[1] == "held" for row in rows)
    return PunchCounts(len(expected), len(stored), len(expected - present), duplicated, held)


def start_server(options: DrillOptions, result: DrillResult) -> tuple[Path, str, ServerProcess]:
    """The drill's scratch folder, a migrated database in it and a server on it, started:
    (folder, database URL, server). The caller stops the server."""
    folder = options.scratch / result.drill
    url = server_database(options, folder)
    return folder, url, ServerProcess(url, folder).start()
