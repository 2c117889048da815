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


def m004_event_outbox(conn: sqlite3.Connection) -> None:
    # Events leave like punches: kept until the server acknowledged them (synced_at set); the
    # attachment (sealed) is dropped at acknowledgement, the row later by retention.
    conn.execute(
        """CREATE TABLE events (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, person_id TEXT, occurred_at TEXT NOT NULL,
            data TEXT NOT NULL DEFAULT '{}', attachment BLOB, synced_at TEXT)"""
    )
    conn.execute("CREATE INDEX events_pending ON events(occurred_at) WHERE synced_at IS NULL")


def m005_enrollment_outbox(conn: sqlite3.Connection) -> None:
    # Kiosk enrollments waiting for upload. The row names the template, chip and consent rows
    # to send; it goes with its person (erasure) and is dropped once the server acknowledged.
    # failed_at: the server refused it for good (e.g. the person was erased there): kept, with
    # last_error, for the admin to see, and not retried.
    conn.execute(
        """CREATE TABLE pending_enrollments (
            id TEXT PRIMARY KEY,
            person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            recognizer_id TEXT NOT NULL,
            consent_id TEXT NOT NULL REFERENCES consents(id) ON DELETE CASCADE,
            template_ids TEXT NOT NULL, chip_ids TEXT NOT NULL,
            new_person_name TEXT, new_person_department TEXT, queued_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, failed_at TEXT)"""
    )


def m006_alt_checkin(conn: sqlite3.Connection) -> None:
    # PIN and QR badge check-in (people who decline face recognition): only hashes, from the
    # feed's person entries, on the person row so they go with it. Wrong-PIN counts per
    # typed employee code survive a restart, so a reboot does not lift a lockout.
    for statement in (
        "ALTER TABLE people ADD COLUMN pin_hash TEXT",
        "ALTER TABLE people ADD COLUMN badge_hash TEXT",
        "CREATE INDEX people_badge ON people(badge_hash) WHERE badge_hash IS NOT NULL",
        "CREATE INDEX people_code ON people(employee_code)",
        """CREATE TABLE pin_failures (
            employee_code TEXT PRIMARY KEY, failures INTEGER NOT NULL,
            last_failed_at TEXT NOT NULL, locked_until TEXT)""",
    ):
        conn.execute(statement)


def m007_reminder_fields(conn: sqlite3.Connection) -> None:
    # The feed's reminder entity gained ``urgent`` (a leader's nudge) and ``created_at`` (for
    # the ranking's "older first"). ``acknowledged_at`` is the kiosk's own record of a touch on
    # "Got it": kept when the feed re-sends the row as still open before the server has
    # processed the acknowledgement event.
    for statement in (
        "ALTER TABLE reminders ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE reminders ADD COLUMN created_at TEXT",
        "ALTER TABLE reminders ADD COLUMN acknowledged_at TEXT",
    ):
        conn.execute(statement)


def m008_needs_code(conn: sqlite3.Connection) -> None:
    # A confirmed look-alike (the server's enrolment guard): face + code, never face alone.
    conn.execute("ALTER TABLE people ADD COLUMN needs_code INTEGER NOT NULL DEFAULT 0")


def m009_sealed_identity(conn: sqlite3.Connection) -> None:
    # What identifies a person is sealed with the data key (kiosk.store.identity); lookups by
    # code or badge go through keyed digests. The plaintext columns stay (SQLite cannot drop
    # them cheaply) but are emptied when the store is next opened with its key. Wrong-PIN
    # counts were kept per plaintext code: dropped (at most a 5-minute lock is lifted).
    for statement in (
        "ALTER TABLE people ADD COLUMN sealed_identity BLOB",
        "ALTER TABLE people ADD COLUMN sealed_credentials BLOB",
        "ALTER TABLE people ADD COLUMN code_key TEXT",
        "ALTER TABLE people ADD COLUMN badge_key TEXT",
        "CREATE INDEX people_code_key ON people(code_key) WHERE code_key IS NOT NULL",
        "CREATE INDEX people_badge_key ON people(badge_key) WHERE badge_key IS NOT NULL",
        "ALTER TABLE pending_enrollments ADD COLUMN new_person_sealed BLOB",
        "DELETE FROM pin_failures",
    ):
        conn.execute(statement)


def m010_rolling_templates(conn: sqlite3.Connection) -> None:
    # Rolling templates (kiosk.store.rolling): a few recent check-in templates per person,
    # kept beside (never instead of) the enrolment ones; their upload is marked as rolling.
    # A look-alike confirmed at the kiosk travels with its enrolment's upload.
    for statement in (
        "ALTER TABLE templates ADD COLUMN rolling INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE pending_enrollments ADD COLUMN rolling INTEGER NOT NULL DEFAULT 0",
        # people an admin confirmed at the kiosk as different from this one (JSON ids)
        "ALTER TABLE pending_enrollments ADD COLUMN confirmed_different TEXT",
    ):
        conn.execute(statement)


def m013_sites(conn: sqlite3.Connection) -> None:
    # A kiosk moved to another site reads the feed again from 0: every person is marked
    # stale first, a person entry of that reading clears the mark, and whoever is still
    # marked at its end is not of the new site and is deleted (kiosk.store.feed_cache).
    conn.execute("ALTER TABLE people ADD COLUMN resync_stale INTEGER NOT NULL DEFAULT 0")


def m014_leave(conn: sqlite3.Connection) -> None:
    # Approved leave from the feed, for the greeting ("on leave today"): whose in the clear
    # (as templates and reminders), the days and the type sealed with the data key
    # (kiosk.store.feed.leave_context); the reason never reaches a kiosk.
    conn.execute("""CREATE TABLE leaves (
        id TEXT PRIMARY KEY, person_id TEXT NOT NULL, sealed BLOB NOT NULL)""")
    conn.execute("CREATE INDEX leaves_person ON leaves(person_id)")


MIGRATIONS: tuple[Migration, ...] = (
    m001_people_and_biometrics,
    m002_punch_outbox,
    m003_caches_and_bookkeeping,
    m004_event_outbox,
    m005_enrollment_outbox,
    m006_alt_checkin,
    m007_reminder_fields,
    m008_needs_code,
    m009_sealed_identity,
    m010_rolling_templates,
    m013_sites,
    m014_leave,
)
