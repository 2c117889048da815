"""A full disk: recording a punch fails with a StoreError naming the cause, nothing already
recorded is lost, and recording works again once there is space.

SQLite's ``max_page_count`` caps the file like a full filesystem does (SQLITE_FULL); it is a
per-connection setting, so it is set on the store's own connection.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from kiosk.errors import StoreError
from kiosk.store import open_store


def test_full_store_refuses_clearly_keeps_punches_and_recovers(tmp_path: Path) -> None:
    store = open_store(tmp_path / "kiosk.sqlite3")
    recorded = {store.punches.record(uuid.uuid4()).id for _ in range(10)}
    raw = store._conn.raw
    raw.execute(f"PRAGMA max_page_count={raw.execute('PRAGMA page_count').fetchone()[0]}")
    with pytest.raises(StoreError, match="database or disk is full"):
        for _ in range(10_000):
            recorded.add(store.punches.record(uuid.uuid4()).id)
    with pytest.raises(StoreError, match="database or disk is full"):
        store.punches.mark_synced(list(recorded))  # the acknowledgement cannot be written either
    assert {p.id for p in store.punches.pending(100_000)} == recorded
    raw.execute("PRAGMA max_page_count=1073741823")
    recorded.add(store.punches.record(uuid.uuid4()).id)
    assert store.punches.backlog() == len(recorded)
    store.close()
