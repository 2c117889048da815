"""A kiosk process for the crash test: sync a store's outbox in small batches, forever.

    python -m tests.kiosk.sync.kiosk_loop STORE CREDENTIAL_FILE BATCH [--until-empty]
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk.store import open_store
from kiosk.sync import SyncClient, load_credential, sync_once


def main() -> int:
    store = open_store(Path(sys.argv[1]))
    client = SyncClient(load_credential(Path(sys.argv[2])), verify_tls=False)
    batch = int(sys.argv[3])
    until_empty = "--until-empty" in sys.argv
    while True:
        sync_once(store, client, batch_size=batch)
        if until_empty and store.punches.backlog() == 0:
            return 0


if __name__ == "__main__":
    sys.exit(main())
