"""A kiosk process for the kill drills: record punches and sync them, until killed.

    python -m scripts.drills.kiosk_process STORE CREDENTIAL_FILE [--interval-s 0.01]

Like the real kiosk: the main thread records punches (each durable on return = confirmed to the
person) and wakes the real ``SyncWorker`` thread, which pushes the outbox in small batches
and backs off briefly while the server is away. Prints ``ready`` once the store is open, so
the drill can time its SIGKILL after start-up. Never exits by itself.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from pathlib import Path

from kiosk.store import open_store
from kiosk.sync import Backoff, SyncClient, SyncWorker, load_credential

PEOPLE = [uuid.UUID(int=n) for n in range(1, 41)]  # drill people (scripts/drills/common.py)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("credential", type=Path)
    parser.add_argument("--interval-s", type=float, default=0.01,
                        help="pause between bursts of 1-10 punches (seconds)")
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()
    store = open_store(args.store)
    client = SyncClient(load_credential(args.credential), timeout_s=5.0, verify_tls=False)
    worker = SyncWorker(store, client, interval_s=0.2, batch_size=args.batch,
                        backoff=Backoff(base_s=0.05, max_s=0.5))
    worker.start()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    rng = random.Random()
    while True:
        for _ in range(rng.randint(1, 10)):  # a queue at the door: punches in bursts
            store.punches.record(rng.choice(PEOPLE))
        worker.wake()
        time.sleep(args.interval_s)


if __name__ == "__main__":
    sys.exit(main())
