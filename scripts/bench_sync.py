"""Benchmark punch ingest: N simulated kiosks pushing to a real server on 127.0.0.1.

    python scripts/bench_sync.py --kiosks 50 --punches-per-kiosk 400 --db sqlite
    python scripts/bench_sync.py --kiosks 50 --punches-per-kiosk 400 --db postgres
    python scripts/bench_sync.py --backlog 20000 --db sqlite

The server runs as ``sync-server run`` in a subprocess (uvicorn, --workers). PostgreSQL is a
throw-away Debian server with fsync ON (tests/sync_server/pg.py). Throughput mode: every
kiosk (an asyncio task with its own credential) pushes its punches in batches; afterwards
the database is counted: lost = sent ids missing, duplicated = rows beyond distinct ids.
Backlog mode: one real kiosk store holding N punches syncs with the real client until
empty. The punches are of ``--people`` real people with QR badges, which every kiosk has
received through the feed before punching, so the server accepts them as a working kiosk's
(``punches_held`` counts any it held for review: 0 expected). The last line printed is one
JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.store import open_store  # noqa: E402
from kiosk.sync import DeviceReport, KioskCredential, SyncClient, sync_once  # noqa: E402
from sync_server.db.engine import make_engine, session_factory, transaction  # noqa: E402
from sync_server.db.migrate import upgrade  # noqa: E402
from sync_server.service import alt_checkin, feed, kiosks, people  # noqa: E402
from tests.sync_server.pg import ThrowawayPostgres, free_port, start_postgres  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=int, default=50)
    parser.add_argument("--punches-per-kiosk", type=int, default=400)
    parser.add_argument("--batch", type=int, default=100, help="punches per request")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--backlog", type=int, default=0,
                        help="backlog-drain mode: one kiosk with this many queued punches")
    parser.add_argument("--people", type=int, default=500,
                        help="people with a QR badge the punches are of")
    return parser.parse_args()


def make_people(url: str, count: int) -> list[uuid.UUID]:
    """``count`` people, each with a QR badge (published to every kiosk by the feed)."""
    sessions = session_factory(make_engine(url))
    with transaction(sessions) as session:
        made = [people.create_person(session, f"Bench {index}", f"B{index:05d}", "Bench",
                                     actor="script").id for index in range(count)]
        for person_id in made:
            alt_checkin.issue_badge(session, person_id, "script")
    return made


def provision_all(url: str, count: int, server_url: str) -> list[KioskCredential]:
    """Provision ``count`` kiosks that report having applied the whole feed."""
    sessions = session_factory(make_engine(url))
    credentials = []
    with transaction(sessions) as session:
        head = feed.head(session)
        for index in range(count):
            kiosk_id, code = kiosks.create_provisioning_code(session, f"bench-{index}", 3600,
                                                             actor="script")
            kiosk, secret = kiosks.exchange_code(session, code, kiosks.DeviceReport(
                "bench", "sface-2021dec", 0, 0.0, head))
            credentials.append(KioskCredential(server_url, kiosk.id, kiosk.name, secret))
    return credentials


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SYNC_SERVER_DATABASE__URL": url, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "sync_server.cli", "run", "--port",
                                str(port), "--workers", str(workers)], env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not come up")


def make_punches(count: int, people_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    now = datetime.now(UTC).isoformat()
    return [{"id": str(uuid.uuid4()), "person_id": str(random.choice(people_ids)),
             "kind": "auto", "source": "qr", "captured_at": now, "clock_offset_s": 0.01}
            for _ in range(count)]


async def run_kiosk(client: httpx.AsyncClient, credential: KioskCredential,
                    punches: list[dict[str, Any]], batch: int, latencies: list[float]) -> None:
    headers = {"Authorization": f"Bearer {credential.credential}"}
    for start in range(0, len(punches), batch):
        body = {"punches": punches[start:start + batch]}
        while True:
            began = time.perf_counter()
            response = await client.post("/api/v1/punches", json=body, headers=headers)
            if response.status_code == 200:
                latencies.append(time.perf_counter() - began)
                break
            await asyncio.sleep(0.1)  # retried like a real kiosk; idempotent on the ids


async def push_everything(server_url: str, credentials: list[KioskCredential],
                          per_kiosk: dict[uuid.UUID, list[dict[str, Any]]],
                          batch: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=len(credentials))
    async with httpx.AsyncClient(base_url=server_url, timeout=60, limits=limits) as client:
        began = time.perf_counter()
        await asyncio.gather(*(run_kiosk(client, c, per_kiosk[c.kiosk_id], batch, latencies)
                               for c in credentials))
        return time.perf_counter() - began, latencies


def count_in_database(url: str, expected: set[str]) -> dict[str, int]:
    from sqlalchemy import text

    engine = make_engine(url)
    with engine.connect() as conn:
        stored = [str(uuid.UUID(str(row[0])))
                  for row in conn.execute(text("SELECT id FROM punches"))]
        held = conn.execute(text("SELECT count(*) FROM punches WHERE review = 'held'"))
        punches_held = int(held.scalar() or 0)
    engine.dispose()
    present = set(stored)
    return {"stored_rows": len(stored), "lost": len(expected - present),
            "duplicated": len(stored) - len(present), "punches_held": punches_held}


def throughput(args: argparse.Namespace, url: str, server_url: str) -> dict[str, Any]:
    people_ids = make_people(url, args.people)
    credentials = provision_all(url, args.kiosks, server_url)
    per_kiosk = {c.kiosk_id: make_punches(args.punches_per_kiosk, people_ids)
                 for c in credentials}
    elapsed, latencies = asyncio.run(push_everything(server_url, credentials, per_kiosk,
                                                     args.batch))
    expected = {p["id"] for punches in per_kiosk.values() for p in punches}
    quantiles = statistics.quantiles(latencies, n=100)
    return {"mode": "throughput", "punches": len(expected), "seconds": round(elapsed, 3),
            "punches_per_s": round(len(expected) / elapsed, 1),
            "batch_p50_ms": round(quantiles[49] * 1000, 1),
            "batch_p99_ms": round(quantiles[98] * 1000, 1),
            **count_in_database(url, expected)}


def backlog(args: argparse.Namespace, url: str, server_url: str, scratch: Path
            ) -> dict[str, Any]:
    people_ids = make_people(url, args.people)
    credential = provision_all(url, 1, server_url)[0]
    store = open_store(scratch / "kiosk.sqlite3")
    with SyncClient(credential, verify_tls=False) as client:
        sync_once(store, client)  # the people and their badges arrive, as after provisioning
    began = time.perf_counter()
    expected = {str(store.punches.record(random.choice(people_ids)).id)
                for _ in range(args.backlog)}
    recorded_s = time.perf_counter() - began
    with SyncClient(credential, verify_tls=False) as client:
        began = time.perf_counter()
        while store.punches.backlog():
            sync_once(store, client, batch_size=args.batch * 5)
        drained_s = time.perf_counter() - began
        client.heartbeat(DeviceReport(backlog=0))
    return {"mode": "backlog", "punches": args.backlog, "record_s": round(recorded_s, 2),
            "record_ms_per_punch": round(recorded_s * 1000 / args.backlog, 3),
            "drain_s": round(drained_s, 2), "kiosk_backlog_after": store.punches.backlog(),
            **count_in_database(url, expected)}


def main() -> int:
    args = parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    postgres: ThrowawayPostgres | None = None
    if args.db == "postgres":
        postgres = start_postgres(durable=True)
        url = postgres.create_database()
    else:
        url = f"sqlite:///{scratch / 'server.sqlite3'}"
    upgrade(url)
    port = free_port()
    server = start_server(url, port, args.workers)
    server_url = f"http://127.0.0.1:{port}"
    try:
        result = (backlog(args, url, server_url, scratch) if args.backlog
                  else throughput(args, url, server_url))
    finally:
        server.terminate()
        server.wait(30)
        if postgres is not None:
            postgres.stop()
    result.update(db=args.db, workers=args.workers, batch=args.batch, kiosks=args.kiosks
                  if not args.backlog else 1, cpus=os.cpu_count())
    print(json.dumps(result))
    return 0 if result["lost"] == 0 and result["duplicated"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
