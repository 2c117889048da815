"""The kiosk database schema as named migration functions, applied in order and recorded.

Each migration is a function taking an open connection inside a transaction. Its name is
stored in the ``migrations`` table when it has run; never rename or edit one that shipped:
add a new function at the end of MIGRATIONS instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def m001_people_and_biometrics(conn: sqlite3.Connection) -> None:
    for statement in (
        """CREATE TABLE people (
            id TEXT PRIMARY KEY, display_name TEXT NOT NULL, employee_code TEXT,
            department TEXT, active INTEGER NOT NULL DEFAULT 1, updated_at TEXT NOT NULL)""",
        """CREATE TABLE consents (
            id TEXT PRIMARY KEY,
            person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            given_at TEXT NOT NULL, notice_version TEXT NOT NULL, collected_by TEXT NOT NULL,
            withdrawn_at TEXT)""",
        "CREATE INDEX consents_person ON consents(person_id)",
        """CREATE TABLE templates (
            id TEXT PRIMARY KEY,
            person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            recognizer_id TEXT NOT NULL, embedding BLOB NOT NULL, dim INTEGER NOT NULL,
            created_at TEXT NOT NULL)""",
        "CREATE INDEX templates_recognizer ON templates(recognizer_id, person_id)",
        """CREATE TABLE chips (
            id TEXT PRIMARY KEY,
            person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            image BLOB NOT NULL, image_format TEXT NOT NULL, alignment TEXT NOT NULL,
            created_at TEXT NOT NULL)""",
        "CREATE INDEX chips_person ON chips(person_id)",
    ):
        conn.execute(statement)


def m002_punch_outbox(conn: sqlite3.Connection) -> None:
    # No foreign key to people: a punch outlives the erasure of its person's biometrics.
    conn.execute(
        """CREATE TABLE punches (
            id TEXT PRIMARY KEY, person_id TEXT NOT NULL, kind TEXT NOT NULL,
            source TEXT NOT NULL, captured_at TEXT NOT NULL, clock_offset_s REAL,
            synced_at TEXT)"""
    )
    conn.execute("CREATE INDEX punches_pending ON punches(captured_at) WHERE synced_at IS NULL")
    conn.execute("CREATE INDEX punches_person ON punches(person_id, captured_at)")


def m003_caches_and_bookkeeping(conn: sqlite3.Connection) -> None:
    for statement in (
        """CREATE TABLE reminders (
            id TEXT PRIMARY KEY, person_id TEXT NOT NULL, title TEXT NOT NULL, due_at TEXT,
            priority INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'open')""",
        "CREATE INDEX reminders_person ON reminders(person_id)",
        "CREATE TABLE shift_types (id TEXT PRIMARY KEY, data TEXT NOT NULL)",
        """CREATE TABLE shift_assignments (
            id TEXT PRIMARY KEY, person_id TEXT, department TEXT, data TEXT NOT NULL)""",
        "CREATE TABLE holidays (id TEXT PRIMARY KEY, day TEXT NOT NULL, data TEXT NOT NULL)",
        """CREATE TABLE sync_cursors (
            stream TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
            action TEXT NOT NULL, subject TEXT, details TEXT NOT NULL DEFAULT '{}')""",
    ):
        conn.execute(statement)


MIGRATIONS: tuple[Migration, ...] = (
    m001_people_and_biometrics,
    m002_punch_outbox,
    m003_caches_and_bookkeeping,
)
