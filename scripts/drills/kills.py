"""Process-death drills: the kiosk, the server and PostgreSQL SIGKILLed or restarted.

Each drill runs real processes (kiosk subprocesses with the real store and SyncWorker, the
real ``sync-server run``), injects its fault at random moments while punches are being
recorded and pushed, then drains every kiosk store with the real client and compares the
stores with the server database.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.store import open_store
from kiosk.sync import SyncClient, load_credential, save_credential, sync_once
from scripts.drills.common import (
    ROOT,
    DrillOptions,
    DrillResult,
    ServerProcess,
    compare,
    prime,
    provision,
    server_rows,
    start_server,
    store_punch_ids,
)

DRAIN_TIMEOUT_S = 180.0


def start_kiosk(store: Path, credential: Path, interval_s: float = 0.01
                ) -> subprocess.Popen[bytes]:
    """Start scripts/drills/kiosk_process.py and wait (max 60 s) until its store is open."""
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.drills.kiosk_process", str(store), str(credential),
         "--interval-s", str(interval_s)], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 60)
    if not ready or process.stdout.readline().strip() != b"ready":
        process.kill()
        raise RuntimeError(f"the kiosk process did not start (exit {process.poll()})")
    return process


def sigkill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(30)


def drain(store_path: Path, credential_path: Path, server_url: str) -> None:
    """Sync a store until its outbox is empty, retrying while the server is unavailable."""
    credential = load_credential(credential_path)
    store = open_store(store_path)
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    try:
        with SyncClient(credential, timeout_s=10, verify_tls=False) as client:
            while store.punches.backlog():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{store_path}: backlog {store.punches.backlog()} "
                                       f"not drained in {DRAIN_TIMEOUT_S:.0f} s")
                try:
                    sync_once(store, client, batch_size=200)
                except KioskError:
                    time.sleep(0.2)
    finally:
        store.close()


def unacknowledged(store_path: Path) -> set[str]:
    """Ids of the punches a store still waits to have acknowledged (read without the app)."""
    with sqlite3.connect(store_path) as conn:
        return {str(uuid.UUID(r[0])) for r in
                conn.execute("SELECT id FROM punches WHERE synced_at IS NULL")}


def kiosk_sigkill(options: DrillOptions) -> DrillResult:
    """SIGKILL a recording + syncing kiosk at a random moment, restart it, N times."""
    result = DrillResult("kiosk_sigkill", iterations=options.count(200, 4))
    folder, url, server = start_server(options, result)
    rng = random.Random(options.seed)
    store, credential_file = folder / "kiosk" / "kiosk.sqlite3", folder / "credential.json"
    credential = provision(url, server.url, 1, "kill-drill")[0]
    save_credential(credential_file, credential)
    prime(store, credential)
    kills = backlog_at_kill = acks_lost = 0
    try:
        for _ in range(result.iterations):
            kiosk = start_kiosk(store, credential_file)
            time.sleep(rng.uniform(0.05, 0.8))
            sigkill(kiosk)
            kills += 1
            waiting = unacknowledged(store)
            backlog_at_kill += bool(waiting)
            on_server = {str(row[0]) for row in server_rows(url)}
            # Stored by the server but the kiosk never heard: replayed after the restart.
            acks_lost += bool(waiting & {_canonical(i) for i in on_server})
        drain(store, credential_file, server.url)
        result.add_counts(compare(store_punch_ids(store), url))
    finally:
        server.stop()
    result.faults = {"kiosk_sigkills": kills, "kills_with_unsynced_punches": backlog_at_kill,
                     "kills_between_store_and_ack": acks_lost}
    result.check(kills == result.iterations, f"only {kills} kills landed")
    return result


def _canonical(text: str) -> str:
    return str(uuid.UUID(text))


def converge_under(options: DrillOptions, result: DrillResult, kiosk_count: int,
                   fault: Callable[[ServerProcess, random.Random], None]) -> None:
    """Run ``kiosk_count`` kiosk processes; call ``fault`` mid-ingest each iteration."""
    folder, url, server = start_server(options, result)
    rng = random.Random(options.seed)
    kiosks = []
    for index, credential in enumerate(provision(url, server.url, kiosk_count, result.drill)):
        credential_file = folder / f"credential-{index}.json"
        save_credential(credential_file, credential)
        kiosks.append((folder / f"kiosk-{index}" / "kiosk.sqlite3", credential_file))
        prime(kiosks[-1][0], credential)
    processes = [start_kiosk(store, cred, interval_s=0.005) for store, cred in kiosks]
    mid_ingest = 0
    resume_s: list[float] = []
    try:
        for _ in range(result.iterations):
            before = len(server_rows(url))
            time.sleep(rng.uniform(0.3, 1.5))
            mid_ingest += len(server_rows(url)) > before  # punches were flowing when hit
            fault(server, rng)
            resume_s.append(_seconds_until_ingest_resumes(url))
        time.sleep(1.0)
        for process in processes:
            sigkill(process)
        recorded: list[str] = []
        for store, credential_file in kiosks:
            drain(store, credential_file, server.url)
            recorded += store_punch_ids(store)
        result.add_counts(compare(recorded, url))
    finally:
        for process in processes:
            sigkill(process)
        server.stop()
    result.faults["faults_while_ingesting"] = mid_ingest
    if resume_s:
        result.figures["ingest_resumed_after_max_s"] = round(max(resume_s), 2)


def _seconds_until_ingest_resumes(url: str, timeout_s: float = 60.0) -> float:
    """Seconds from now until the server's punch count grows again (the kiosks' retries)."""
    began = time.monotonic()
    before = len(server_rows(url))
    while len(server_rows(url)) == before and time.monotonic() - began < timeout_s:
        time.sleep(0.05)
    return time.monotonic() - began


def server_sigkill(options: DrillOptions) -> DrillResult:
    """SIGKILL the server process while kiosks push; restart it on the same port."""
    result = DrillResult("server_sigkill", iterations=options.count(30, 3))
    kills = 0

    def kill_and_restart(server: ServerProcess, rng: random.Random) -> None:
        nonlocal kills
        server.kill()
        kills += 1
        time.sleep(rng.uniform(0.0, 1.0))  # kiosks keep recording offline meanwhile
        server.start()

    converge_under(options, result, 2 if options.quick else 4, kill_and_restart)
    result.faults["server_sigkills"] = kills
    return result


def postgres_restart(options: DrillOptions) -> DrillResult:
    """Restart PostgreSQL (immediate mode: a crash for the clients) while kiosks push."""
    result = DrillResult("postgres_restart", iterations=options.count(10, 2))
    postgres = options.postgres
    if postgres is None:
        result.skipped = "needs PostgreSQL: run with --db postgres"
        result.iterations = 0
        return result
    restarts = 0

    def restart(_server: ServerProcess, rng: random.Random) -> None:
        nonlocal restarts
        command = [str(postgres.bindir / "pg_ctl"), "-D", str(postgres.data_dir), "-m",
                   "immediate", "-l", str(postgres.data_dir / "server.log"), "-w", "-t", "60",
                   "restart"]
        if postgres.run_as is not None:
            command = ["runuser", "-u", postgres.run_as, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/tmp")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl restart failed: {done.stderr[-500:]}")
        restarts += 1
        time.sleep(rng.uniform(0.0, 0.5))

    converge_under(options, result, 2 if options.quick else 4, restart)
    result.faults["postgres_restarts"] = restarts
    return result
