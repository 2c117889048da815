"""network_faults: the real kiosk client syncs through the fault-injecting proxy.

Each iteration records 1-5 punches in a real kiosk store and runs one ``sync_once``
through :class:`scripts.drills.proxy.FaultProxy` (client timeout 1 s, so the proxy's long
delays become client timeouts while the server still works on the request). Failures are
the kiosk's normal life here: it keeps its outbox and tries again next round. At the end
the faults stop and the kiosk must converge: outbox empty, every punch on the server once.
"""

from __future__ import annotations

import collections
import random

from kiosk.errors import KioskError
from kiosk.store import open_store
from kiosk.sync import KioskCredential, SyncClient, sync_once
from scripts.drills.common import (
    DrillOptions,
    DrillResult,
    compare,
    drill_person,
    prime,
    provision,
    start_server,
    store_punch_ids,
)
from scripts.drills.proxy import ACTIONS, FaultProxy

CLIENT_TIMEOUT_S = 1.0
CONVERGE_ROUNDS = 50


def network_faults(options: DrillOptions) -> DrillResult:
    result = DrillResult("network_faults", iterations=options.count(400, 40))
    folder, url, server = start_server(options, result)
    rng = random.Random(options.seed)
    failures: collections.Counter[str] = collections.Counter()
    store = open_store(folder / "kiosk" / "kiosk.sqlite3")
    try:
        with FaultProxy(server.port, seed=options.seed, slow_s=CLIENT_TIMEOUT_S * 1.5) as proxy:
            direct = provision(url, server.url, 1, "net-drill")[0]
            prime(folder / "kiosk" / "kiosk.sqlite3", direct)
            credential = KioskCredential(proxy.url, direct.kiosk_id, direct.name,
                                         direct.credential)
            with SyncClient(credential, timeout_s=CLIENT_TIMEOUT_S, verify_tls=False) as client:
                for _ in range(result.iterations):
                    for _ in range(rng.randint(1, 5)):
                        store.punches.record(drill_person(rng.randint(1, 50)))
                    try:
                        sync_once(store, client, batch_size=10)
                    except KioskError as exc:
                        failures[type(exc).__name__] += 1
                proxy.enabled = False
                rounds = 0
                while store.punches.backlog() and rounds < CONVERGE_ROUNDS:
                    rounds += 1
                    try:
                        sync_once(store, client, batch_size=200)
                    except KioskError as exc:
                        result.fail(f"sync failed with the faults off: {exc}")
            result.check(store.punches.backlog() == 0,
                         f"outbox not empty after convergence: {store.punches.backlog()}")
            result.faults = {a: proxy.counts[a] for a in ACTIONS if a != "pass"}
            result.faults |= {f"{a}/push": proxy.counts[f"{a}/push"] for a in ACTIONS
                              if a != "pass"}
            result.figures["proxy_requests"] = sum(proxy.counts[a] for a in ACTIONS)
            result.figures["kiosk_saw_failures"] = dict(failures)
            missing = [a for a in ACTIONS if a != "pass" and result.faults[a] == 0]
            result.check(not missing, f"faults never injected: {missing}")
        result.add_counts(compare(store_punch_ids(store.path), url))
    finally:
        store.close()
        server.stop()
    return result
