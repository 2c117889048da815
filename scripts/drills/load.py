"""load: N simulated kiosks push punches at once against the real server, for a duration.

Each kiosk is an asyncio task with its own credential (made in the database, like
scripts/bench_sync.py) and behaves like a kiosk at a morning peak: it pushes a batch of 1-10
fresh punches, every fifth round pulls its feed page, and retries a failed batch unchanged
(the server is idempotent on punch ids) until acknowledged. Reported: punches_per_s (acknowledged
punches over the wall time), p50/p99 latency of punch pushes, errors (non-200 answers and
transport failures, each retried), then every generated punch is looked up in the database.
The server runs on PostgreSQL: the run's, else a throw-away one started for this drill; on
SQLite only when PostgreSQL is not installed (said in the result).
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from kiosk.sync import KioskCredential
from scripts.drills.common import (
    DRILL_PEOPLE,
    DrillOptions,
    DrillResult,
    ServerProcess,
    compare,
    drill_person,
    provision,
    server_database,
)

RETRY_PAUSE_S = 0.1
GIVE_UP_S = 120.0  # after the deadline, a batch still unacknowledged this long is an error


@dataclass
class LoadTally:
    sent: list[str] = field(default_factory=list)
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    abandoned: int = 0

    examples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str = "") -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {detail}"[:200])


def _batch(rng: random.Random) -> list[dict[str, Any]]:
    now = datetime.now(UTC).isoformat()
    return [{"id": str(uuid.uuid4()), "person_id": str(drill_person(rng.randint(1, DRILL_PEOPLE))),
             "kind": "auto", "source": "face", "captured_at": now, "clock_offset_s": 0.0}
            for _ in range(rng.randint(1, 10))]


async def _push(client: httpx.AsyncClient, headers: dict[str, str],
                batch: list[dict[str, Any]], tally: LoadTally, deadline: float) -> None:
    while True:
        began = time.perf_counter()
        try:
            response = await client.post("/api/v1/punches", json={"punches": batch},
                                         headers=headers)
            tally.requests += 1
            if response.status_code == 200:
                tally.latencies_s.append(time.perf_counter() - began)
                return
            tally.error(f"http_{response.status_code}", response.text)
        except httpx.TransportError as exc:
            tally.error(type(exc).__name__, repr(exc.__cause__ or exc))
        if time.monotonic() > deadline + GIVE_UP_S:
            tally.abandoned += len(batch)
            return
        await asyncio.sleep(RETRY_PAUSE_S)


async def _kiosk(client: httpx.AsyncClient, credential: KioskCredential, deadline: float,
                 tally: LoadTally, seed: int) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {credential.credential}"}
    rounds, cursor = 0, 0
    await asyncio.sleep(rng.uniform(0, 0.5))  # kiosks do not start in lockstep
    while time.monotonic() < deadline:
        batch = _batch(rng)
        tally.sent += [p["id"] for p in batch]
        await _push(client, headers, batch, tally, deadline)
        rounds += 1
        if rounds % 5 == 0:
            try:
                page = await client.get("/api/v1/feed", params={"after": cursor, "limit": 100},
                                        headers=headers)
                tally.requests += 1
                if page.status_code == 200:
                    cursor = int(page.json()["next_cursor"])
                else:
                    tally.error(f"feed_http_{page.status_code}", page.text)
            except httpx.TransportError as exc:
                tally.error(f"feed_{type(exc).__name__}", repr(exc.__cause__ or exc))


async def _run(server_url: str, credentials: list[KioskCredential], duration_s: float,
               seed: int) -> tuple[LoadTally, float]:
    tally = LoadTally()
    # Idle connections are dropped after 2 s, before uvicorn's 5 s keep-alive timeout: with
    # equal timeouts a request can race the server closing the connection (a ReadError).
    limits = httpx.Limits(max_connections=len(credentials),
                          max_keepalive_connections=len(credentials), keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=server_url, timeout=30, limits=limits) as client:
        began = time.monotonic()
        await asyncio.gather(*(_kiosk(client, c, began + duration_s, tally, seed + i)
                               for i, c in enumerate(credentials)))
        return tally, time.monotonic() - began


def load(options: DrillOptions) -> DrillResult:
    kiosks = options.load_kiosks or (20 if options.quick else 200)
    duration_s = options.load_duration_s or (10.0 if options.quick else 180.0)
    result = DrillResult("load", iterations=kiosks)
    folder = options.scratch / result.drill
    own_postgres = _postgres_if_available(options, result)
    if own_postgres is not None:
        options = dataclasses.replace(options, postgres=own_postgres)
    try:
        url = server_database(options, folder)
        server = ServerProcess(url, folder).start()
        try:
            credentials = provision(url, server.url, kiosks, "load")
            tally, elapsed_s = asyncio.run(_run(server.url, credentials, duration_s,
                                                options.seed))
            result.add_counts(compare(tally.sent, url))
        finally:
            server.stop()
    finally:
        if own_postgres is not None:
            own_postgres.stop()
    quantiles = statistics.quantiles(tally.latencies_s, n=100) if len(
        tally.latencies_s) > 1 else [0.0] * 99
    acknowledged = len(tally.sent) - tally.abandoned
    # Every failed request counts (it was retried, but a server under load should not fail).
    result.errors += tally.errors + (tally.abandoned > 0)
    result.figures.update(
        db="postgres" if options.postgres is not None else "sqlite (PostgreSQL unavailable)",
        kiosks=kiosks, duration_s=round(elapsed_s, 1), requests=tally.requests,
        punches_per_s=round(acknowledged / elapsed_s, 1),
        requests_per_s=round(tally.requests / elapsed_s, 1),
        p50_ms=round(quantiles[49] * 1000, 1), p99_ms=round(quantiles[98] * 1000, 1),
        request_errors=tally.errors, request_error_kinds=tally.error_kinds,
        request_error_examples=tally.examples,
        abandoned_punches=tally.abandoned)
    if tally.abandoned:
        result.notes.append(f"{tally.abandoned} punches never acknowledged")
    if tally.errors:
        result.notes.append(f"{tally.errors} failed requests (retried): {tally.error_kinds}")
    return result


def _postgres_if_available(options: DrillOptions, result: DrillResult) -> Any:
    """A throw-away PostgreSQL (fsync on) for this drill when the run has none."""
    if options.postgres is not None:
        return None
    from tests.sync_server.pg import PostgresUnavailable, start_postgres

    try:
        return start_postgres(durable=True)
    except (PostgresUnavailable, RuntimeError) as exc:
        result.notes.append(f"PostgreSQL unavailable, load runs on SQLite: {exc}")
        return None
