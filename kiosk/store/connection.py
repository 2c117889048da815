"""Opening the kiosk's SQLite file: WAL, ``synchronous=FULL``, foreign keys, migrations.

One connection is shared by the threads of a kiosk process (inference worker, sync worker,
UI reads); a re-entrant lock serialises its use, so every call here is thread safe.
Transactions are explicit (``BEGIN IMMEDIATE`` ... ``COMMIT``): the connection runs in
autocommit mode and nothing is left open between calls.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from kiosk.errors import StoreError
from kiosk.store.records import to_iso, utc_now
from kiosk.store.schema import MIGRATIONS

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000


class Connection:
    """A locked SQLite connection with explicit transactions (thread safe)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            raw = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                  timeout=BUSY_TIMEOUT_MS / 1000)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the kiosk store {self.path}: {exc}") from exc
        self.raw = raw
        self.db = sqlite_utils.Database(raw)
        self.lock = threading.RLock()
        self._configure()

    def _configure(self) -> None:
        mode = self.raw.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{self.path}: WAL journal mode refused (got {mode})")
        # FULL: a commit is on stable storage before it returns, so a punch survives a power cut.
        self.raw.execute("PRAGMA synchronous=FULL")
        self.raw.execute("PRAGMA foreign_keys=ON")
        # Deleted biometric bytes are overwritten with zeros, not just unlinked from the b-tree.
        self.raw.execute("PRAGMA secure_delete=ON")
        self.raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and run the block in one write transaction (rolled back on error)."""
        with self.lock:
            try:
                self.raw.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot start a transaction: {exc}") from exc
            try:
                yield self.raw
            except sqlite3.Error as exc:
                self._rollback()
                # e.g. "database or disk is full": the caller gets the cause, in our tree.
                raise StoreError(f"{self.path}: write failed: {exc}") from exc
            except BaseException:
                self._rollback()
                raise
            try:
                self.raw.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: commit failed: {exc}") from exc

    def _rollback(self) -> None:
        """Roll back unless SQLite already did: on SQLITE_FULL (disk full) it ends the
        transaction itself, and a second ROLLBACK would hide the real error."""
        if self.raw.in_transaction:
            self.raw.execute("ROLLBACK")

    def query(self, sql: str, params: Sequence[object] = ()) -> list[dict[str, Any]]:
        """Run a read query under the lock and return every row as a dict by column name."""
        with self.lock:
            try:
                cursor = self.raw.execute(sql, tuple(params))
                names = [d[0] for d in cursor.description or ()]
                return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: query failed: {exc}") from exc

    def vacuum(self) -> None:
        """Rewrite the file without free pages, then empty the WAL, so deleted bytes are gone."""
        with self.lock:
            self.raw.execute("VACUUM")
            self.raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self.lock:
            self.raw.close()


def applied_migrations(conn: Connection) -> list[str]:
    if "migrations" not in conn.db.table_names():
        return []
    return [row["name"] for row in conn.query("SELECT name FROM migrations ORDER BY rowid")]


def migrate(conn: Connection) -> list[str]:
    """Apply the migrations not yet recorded, each in its own transaction; return their names."""
    with conn.lock:
        conn.db.table("migrations").create({"name": str, "applied_at": str}, pk="name",
                                           not_null={"applied_at"}, if_not_exists=True)
    done = set(applied_migrations(conn))
    applied = []
    for migration in MIGRATIONS:
        if migration.__name__ in done:
            continue
        with conn.transaction() as raw:
            migration(raw)
            raw.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                        (migration.__name__, to_iso(utc_now())))
        log.info("kiosk store %s: applied migration %s", conn.path, migration.__name__)
        applied.append(migration.__name__)
    return applied
