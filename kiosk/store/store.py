"""KioskStore: the kiosk's one SQLite file, one repository per concern over one connection.

    store.punches       the punch outbox (kiosk.store.punches)
    store.events        the event outbox (kiosk.store.events)
    store.enrollments   enrolments waiting for upload (kiosk.store.enrollment_outbox)
    store.biometrics    people, consent, templates, chips (kiosk.store.biometrics)
    store.feed          caches the change feed fills, the cursor (kiosk.store.feed_cache)
    store.reminders     each person's reminders (kiosk.store.reminders)
    store.settings      key/value settings, admin-screen overrides, clock offset
    store.audit_log     admin actions on the device (kiosk.store.audit)
    store.alt_checkin   PIN / QR badge look-ups and wrong-PIN counts
    store.rolling       each person's rolling templates (kiosk.store.rolling)

Every method is thread safe (one locked connection) and blocks on disk I/O: call it from a
worker thread, never the GUI thread. Writes are committed with ``synchronous=FULL`` before the
method returns.
"""

from __future__ import annotations

import logging
from pathlib import Path

from faceid import sealing
from faceid.errors import DataKeyError
from faceid.sealing import DataKeyring, generate_key_file, missing_key_message
from kiosk.store import identity
from kiosk.store.alt_checkin import AltCheckinStore
from kiosk.store.audit import AuditLog
from kiosk.store.biometrics import Biometrics
from kiosk.store.connection import Connection, migrate
from kiosk.store.device_settings import DeviceSettings
from kiosk.store.enrollment_outbox import EnrollmentOutbox
from kiosk.store.events import EventOutbox
from kiosk.store.feed_cache import FeedCache
from kiosk.store.keys import KEY_ENV, configured_keyring, default_key_file
from kiosk.store.punches import PunchOutbox
from kiosk.store.reminders import ReminderCache
from kiosk.store.rolling import RollingTemplates

log = logging.getLogger(__name__)


class KioskStore:
    """The kiosk's local database. Open with :func:`open_store`."""

    def __init__(self, conn: Connection, keyring: DataKeyring) -> None:
        self._conn = conn
        self.settings = DeviceSettings(conn)
        self.punches = PunchOutbox(conn, self.settings.clock_offset_s,
                                   lambda: self.settings.wall_clock())
        self.events = EventOutbox(conn, keyring)
        self.enrollments = EnrollmentOutbox(conn, keyring)
        self.biometrics = Biometrics(conn, keyring)
        self.feed = FeedCache(conn, keyring)
        self.reminders = ReminderCache(conn)
        self.audit_log = AuditLog(conn)
        self.alt_checkin = AltCheckinStore(conn, keyring)
        self.rolling = RollingTemplates(conn, keyring)

    @property
    def path(self) -> Path:
        return self._conn.path

    def close(self) -> None:
        self._conn.close()


def open_store(path: Path, keyring: DataKeyring | None = None,
               key_file: Path | None = None) -> KioskStore:
    """Open (creating if needed) and migrate the kiosk store at ``path``.

    ``keyring`` defaults to the configured data key (see kiosk.store.keys). A store without
    biometrics and without a key gets a generated key file; a store with encrypted biometrics
    that the key cannot open raises DataKeyError naming $KIOSK_DATA_KEY. Plaintext blobs left
    by an older version are encrypted here.
    """
    conn = Connection(path)
    try:
        migrate(conn)
        key_file = key_file or default_key_file(Path(path))
        if keyring is None:
            keyring = configured_keyring(key_file)
        if keyring is None:
            if _sealed_key_ids(conn):
                raise DataKeyError(missing_key_message(KEY_ENV, key_file))
            keyring = generate_key_file(key_file)
        unknown = _sealed_key_ids(conn) - {sealing.key_id_of(k)
                                           for k in (keyring.primary, *keyring.others)}
        if unknown:
            raise DataKeyError(
                f"{keyring.source} does not hold the key of the stored biometrics (key id "
                f"{', '.join(sorted(k.hex() for k in unknown))}): set {KEY_ENV} (base64 of 32 "
                f"bytes, 'new,old' while rotating) or restore the key file {key_file}")
    except BaseException:
        conn.close()
        raise
    store = KioskStore(conn, keyring)
    if _has_plaintext(conn):
        log.warning("kiosk store %s held unencrypted biometrics or identities: encrypting "
                    "them now", path)
        store.biometrics.reseal_all()
    return store


def _sealed_key_ids(conn: Connection) -> set[bytes]:
    start, length = len(sealing.MAGIC) + 1, sealing.KEY_ID_BYTES
    rows = conn.query(
        f"SELECT DISTINCT substr(embedding, {start}, {length}) AS k FROM templates"
        f" WHERE substr(embedding, 1, 4) = ? UNION SELECT DISTINCT substr(image, {start},"
        f" {length}) FROM chips WHERE substr(image, 1, 4) = ?", (sealing.MAGIC, sealing.MAGIC))
    with conn.lock:
        return {bytes(row["k"]) for row in rows} | identity.sealed_key_ids(conn.raw)


def _has_plaintext(conn: Connection) -> bool:
    """Biometrics, identities, credentials or queued names in the clear (kiosk.store.identity)."""
    rows = conn.query("SELECT 1 FROM templates WHERE substr(embedding, 1, 4) != ? UNION ALL"
                      " SELECT 1 FROM chips WHERE substr(image, 1, 4) != ? UNION ALL"
                      " SELECT 1 FROM pending_enrollments WHERE new_person_name IS NOT NULL"
                      " LIMIT 1", (sealing.MAGIC, sealing.MAGIC))
    with conn.lock:
        return bool(rows) or identity.has_plaintext(conn.raw)
