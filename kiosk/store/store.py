"""KioskStore: the kiosk's one SQLite file (outbox, people, biometrics, caches).

Every method is thread safe (one locked connection) and blocks on disk I/O: call it from a
worker thread, never the GUI thread. Writes are committed with ``synchronous=FULL`` before the
method returns.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import numpy as np
import numpy.typing as npt

from faceid import sealing as crypto
from faceid.errors import DataKeyError
from faceid.sealing import DataKeyring, generate_key_file, missing_key_message
from kiosk import local_settings
from kiosk.errors import StoreError
from kiosk.store import clockref, enrollment_outbox, feed
from kiosk.store.alt_checkin import AltCheckinStore
from kiosk.store.connection import Connection, migrate
from kiosk.store.enrollment_outbox import PendingEnrollment
from kiosk.store.keys import KEY_ENV, configured_keyring, default_key_file
from kiosk.store.records import (
    Chip,
    Consent,
    FeedChange,
    KioskEvent,
    Person,
    Punch,
    PunchKind,
    PunchSource,
    Reminder,
    ShiftData,
    from_iso,
    to_iso,
    utc_now,
)

log = logging.getLogger(__name__)

CLOCK_OFFSET_SETTING = "clock_offset_s"
CLOCK_REFERENCE_SETTING = "clock_reference"
FEED_STREAM = "feed"
EVENT_KIND = re.compile(r"[a-z]+(?:_[a-z]+)*")


class ConsentMissingError(StoreError):
    """A template or chip was offered for a person with no (unwithdrawn) consent record."""


class KioskStore:
    """The kiosk's local database. Open with :func:`open_store`."""

    def __init__(self, conn: Connection, keyring: DataKeyring) -> None:
        self._conn = conn
        self._keyring = keyring
        # The clocks behind clock_offset_s; a drill or test may replace them.
        self._wall_clock: Callable[[], datetime] = utc_now
        self._boot_clock: Callable[[], float] = clockref.boot_seconds
        self._boot_id: Callable[[], str | None] = clockref.boot_id

    @property
    def path(self) -> Path:
        return self._conn.path

    @property
    def alt_checkin(self) -> AltCheckinStore:
        """PIN / QR badge lookups and wrong-PIN counts (kiosk.store.alt_checkin)."""
        return AltCheckinStore(self._conn)

    def close(self) -> None:
        self._conn.close()

    # -- punches: the outbox ------------------------------------------------------------------

    def record_punch(
        self,
        person_id: UUID,
        kind: PunchKind = PunchKind.AUTO,
        source: PunchSource = PunchSource.FACE,
        captured_at: datetime | None = None,
        clock_offset_s: float | None = None,
    ) -> Punch:
        """Write a punch durably and return it; only then may the kiosk greet the person.

        ``captured_at`` defaults to now (kiosk clock, UTC); ``clock_offset_s`` (server minus
        kiosk, seconds) defaults to the current estimate (see clock_offset_s; None if sync never
        measured one).
        """
        if clock_offset_s is None:
            clock_offset_s = self.clock_offset_s()
        punch = Punch(id=uuid4(), person_id=person_id, kind=kind, source=source,
                      captured_at=captured_at or self._wall_clock(),
                      clock_offset_s=clock_offset_s)
        with self._conn.transaction() as raw:
            raw.execute(
                "INSERT INTO punches (id, person_id, kind, source, captured_at, clock_offset_s)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (str(punch.id), str(person_id), kind.value, source.value,
                 to_iso(punch.captured_at), clock_offset_s),
            )
        return punch

    def pending_punches(self, limit: int = 200) -> list[Punch]:
        """The oldest ``limit`` punches the server has not acknowledged yet."""
        rows = self._conn.query(
            "SELECT * FROM punches WHERE synced_at IS NULL ORDER BY captured_at, id LIMIT ?",
            (limit,))
        return [_punch(row) for row in rows]

    def mark_synced(self, punch_ids: Iterable[UUID], at: datetime | None = None) -> int:
        """Record the server's acknowledgement; returns how many punches changed state."""
        return self._acknowledge("punches", punch_ids, at)

    def _acknowledge(self, table: str, row_ids: Iterable[UUID], at: datetime | None,
                     also: str = "") -> int:
        """Set ``synced_at`` (and ``also``: more assignments) on the outbox rows of ``table``
        the server acknowledged, in one transaction; returns how many changed state."""
        stamp = to_iso(at or utc_now())
        ids = [str(row_id) for row_id in row_ids]
        changed = 0
        with self._conn.transaction() as raw:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ",".join("?" * len(chunk))
                changed += raw.execute(
                    f"UPDATE {table} SET synced_at = ?{also}"
                    f" WHERE synced_at IS NULL AND id IN ({marks})", (stamp, *chunk)).rowcount
        return changed

    def backlog_count(self) -> int:
        """How many punches wait for the server's acknowledgement."""
        rows = self._conn.query("SELECT count(*) AS n FROM punches WHERE synced_at IS NULL")
        return int(rows[0]["n"])

    # -- events: the second outbox ------------------------------------------------------------

    def record_event(self, kind: str, data: dict[str, Any] | None = None,
                     person_id: UUID | None = None, occurred_at: datetime | None = None,
                     attachment: bytes | None = None) -> KioskEvent:
        """Write an event durably (see KioskEvent); the attachment is sealed at rest."""
        if len(kind) > 40 or not EVENT_KIND.fullmatch(kind):
            raise ValueError(f"event kind {kind!r}: lower-case words joined by '_', at most 40")
        event = KioskEvent(id=uuid4(), kind=kind, person_id=person_id,
                           occurred_at=occurred_at or utc_now(), data=dict(data or {}),
                           attachment=attachment)
        sealed = (self._keyring.seal(attachment, _event_context(event.id))
                  if attachment is not None else None)
        with self._conn.transaction() as raw:
            raw.execute(
                "INSERT INTO events (id, kind, person_id, occurred_at, data, attachment)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (str(event.id), kind, str(person_id) if person_id else None,
                 to_iso(event.occurred_at), json.dumps(event.data, sort_keys=True), sealed))
        return event

    def pending_events(self, limit: int = 50) -> list[KioskEvent]:
        """The oldest ``limit`` events the server has not acknowledged, attachments opened."""
        rows = self._conn.query(
            "SELECT * FROM events WHERE synced_at IS NULL ORDER BY occurred_at, id LIMIT ?",
            (limit,))
        return [self._event(row) for row in rows]

    def mark_events_synced(self, event_ids: Iterable[UUID], at: datetime | None = None) -> int:
        """Record the server's acknowledgement and drop the attachments it now holds."""
        return self._acknowledge("events", event_ids, at, also=", attachment = NULL")

    def events_backlog(self) -> int:
        """How many events wait for the server's acknowledgement."""
        rows = self._conn.query("SELECT count(*) AS n FROM events WHERE synced_at IS NULL")
        return int(rows[0]["n"])

    def events(self, kind: str | None = None, limit: int = 100) -> list[KioskEvent]:
        """Recent events (newest first), optionally of one kind; synced ones included."""
        where, args = ("WHERE kind = ?", (kind,)) if kind else ("", ())
        rows = self._conn.query(
            f"SELECT * FROM events {where} ORDER BY occurred_at DESC, id LIMIT ?",
            (*args, limit))
        return [self._event(row) for row in rows]

    def _event(self, row: dict[str, Any]) -> KioskEvent:
        event_id = UUID(row["id"])
        blob = row["attachment"]
        return KioskEvent(id=event_id, kind=row["kind"],
                          person_id=UUID(row["person_id"]) if row["person_id"] else None,
                          occurred_at=from_iso(row["occurred_at"]), data=json.loads(row["data"]),
                          attachment=(self._keyring.open(blob, _event_context(event_id))
                                      if blob is not None else None))

    def last_punch(self, person_id: UUID) -> Punch | None:
        rows = self._conn.query(
            "SELECT * FROM punches WHERE person_id = ? ORDER BY captured_at DESC LIMIT 1",
            (str(person_id),))
        return _punch(rows[0]) if rows else None

    def punches_between(self, person_id: UUID, start: datetime, end: datetime) -> list[Punch]:
        """A person's punches captured in [start, end), oldest first."""
        rows = self._conn.query(
            "SELECT * FROM punches WHERE person_id = ? AND captured_at >= ? AND captured_at < ?"
            " ORDER BY captured_at", (str(person_id), to_iso(start), to_iso(end)))
        return [_punch(row) for row in rows]

    # -- people, consent, templates and chips -------------------------------------------------

    def people(self, active_only: bool = True) -> list[Person]:
        where = "WHERE active = 1" if active_only else ""
        rows = self._conn.query(f"SELECT * FROM people {where} ORDER BY display_name, id")
        return [_person(row) for row in rows]

    def person(self, person_id: UUID) -> Person | None:
        rows = self._conn.query("SELECT * FROM people WHERE id = ?", (str(person_id),))
        return _person(rows[0]) if rows else None

    def upsert_person(self, person: Person) -> None:
        with self._conn.transaction() as raw:
            feed.upsert_person_row(raw, person)

    def record_consent(self, consent: Consent) -> None:
        """Store a consent record; the person must exist (StoreError otherwise)."""
        with self._conn.transaction() as raw:
            _insert_consent(raw, consent)

    def consents_for(self, person_id: UUID) -> list[Consent]:
        rows = self._conn.query("SELECT * FROM consents WHERE person_id = ? ORDER BY given_at",
                                (str(person_id),))
        return [Consent(id=UUID(r["id"]), person_id=UUID(r["person_id"]),
                        given_at=from_iso(r["given_at"]), notice_version=r["notice_version"],
                        collected_by=r["collected_by"]) for r in rows]

    def save_enrollment(
        self,
        person_id: UUID,
        recognizer_id: str,
        embeddings: npt.NDArray[np.float32],
        chips: Sequence[Chip] = (),
        consent: Consent | None = None,
        queue_upload: bool = False,
        new_person: Person | None = None,
    ) -> list[UUID]:
        """Store templates (rows of ``embeddings``, float32) and chips for a person, atomically.

        A consent record must exist, or be given as ``consent`` (stored in the same
        transaction): otherwise ConsentMissingError and nothing is written. Returns the new
        template ids. ``queue_upload`` also queues the enrollment for the server in the same
        transaction (see kiosk.store.enrollment_outbox); ``new_person`` is the person when
        it was created at this kiosk, so the upload creates it on the server too.
        """
        matrix = np.atleast_2d(np.asarray(embeddings, dtype=np.float32))
        if matrix.ndim != 2 or matrix.shape[0] == 0 or not np.all(np.isfinite(matrix)):
            raise StoreError("embeddings must be a non-empty finite 2-D float32 matrix")
        now = to_iso(utc_now())
        ids = [uuid4() for _ in range(matrix.shape[0])]
        with self._conn.transaction() as raw:
            if consent is not None:
                _insert_consent(raw, consent)
            if not feed.has_consent(raw, person_id):
                raise ConsentMissingError(f"no consent recorded for person {person_id}")
            for template_id, row in zip(ids, matrix, strict=True):
                feed.insert_template(raw, self._keyring, template_id, person_id, recognizer_id,
                                     row, now)
            chip_ids = []
            for chip in chips:
                chip_id = uuid4()
                chip_ids.append(chip_id)
                raw.execute(
                    "INSERT INTO chips (id, person_id, image, image_format, alignment, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (str(chip_id), str(person_id),
                     self._keyring.seal(chip.image, feed.chip_context(chip_id)),
                     chip.image_format, json.dumps(chip.alignment), now))
            if queue_upload:
                consent_id = consent.id if consent is not None else _latest_consent(raw,
                                                                                   person_id)
                enrollment_outbox.queue(
                    raw, uuid4(), person_id, recognizer_id, consent_id, ids, chip_ids,
                    None if new_person is None else (new_person.display_name,
                                                     new_person.department), now)
        return ids

    # -- enrollments waiting for upload (kiosk.store.enrollment_outbox) -----------------------

    def pending_enrollments(self, limit: int = 10) -> list[PendingEnrollment]:
        """The oldest ``limit`` queued enrollments not refused by the server, decrypted.

        A row whose templates are all gone (consent withdrawn meanwhile) comes back with no
        ``template_ids``: the uploader drops it.
        """
        with self._conn.transaction() as raw:
            cursor = raw.execute("SELECT * FROM pending_enrollments WHERE failed_at IS NULL"
                                 " ORDER BY queued_at, id LIMIT ?", (limit,))
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
            return [enrollment_outbox.load(raw, self._keyring, row) for row in rows]

    def enrollment_uploaded(self, enrollment_id: UUID) -> None:
        """The server acknowledged (or nothing is left to send): drop the queue row."""
        with self._conn.transaction() as raw:
            raw.execute("DELETE FROM pending_enrollments WHERE id = ?", (str(enrollment_id),))

    def enrollment_upload_failed(self, enrollment_id: UUID, error: str,
                                 permanent: bool) -> None:
        """Record a failed attempt; ``permanent`` (the server refused it) stops retries."""
        with self._conn.transaction() as raw:
            raw.execute("UPDATE pending_enrollments SET attempts = attempts + 1,"
                        " last_error = ?, failed_at = ? WHERE id = ?",
                        (error[:500], to_iso(utc_now()) if permanent else None,
                         str(enrollment_id)))

    def enrollment_upload_backlog(self) -> dict[str, int]:
        """How many enrollments wait for upload ("waiting") and were refused ("refused")."""
        rows = self._conn.query(
            "SELECT count(*) - count(failed_at) AS waiting, count(failed_at) AS refused"
            " FROM pending_enrollments")
        return {"waiting": int(rows[0]["waiting"] or 0), "refused": int(rows[0]["refused"] or 0)}

    def templates_for(self, recognizer_id: str) -> tuple[list[UUID], npt.NDArray[np.float32]]:
        """Every template of one recognizer: (person id per row, float32 matrix N x dim).

        Only active people. An empty gallery is ([], a 0 x 0 matrix).
        """
        rows = self._conn.query(
            "SELECT t.id, t.person_id, t.embedding, t.dim FROM templates t JOIN people p"
            " ON p.id = t.person_id WHERE t.recognizer_id = ? AND p.active = 1"
            " ORDER BY t.person_id, t.created_at, t.id", (recognizer_id,))
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        dims = {row["dim"] for row in rows}
        if len(dims) != 1:
            raise StoreError(f"templates of {recognizer_id} have mixed sizes {sorted(dims)}")
        matrix = np.vstack([np.frombuffer(self._keyring.open(
            row["embedding"], feed.template_context(UUID(row["id"]))), dtype="<f4")
            for row in rows])
        return [UUID(row["person_id"]) for row in rows], matrix.astype(np.float32)

    def recognizers_enrolled(self, person_id: UUID) -> list[str]:
        rows = self._conn.query("SELECT DISTINCT recognizer_id FROM templates WHERE person_id = ?"
                                " ORDER BY recognizer_id", (str(person_id),))
        return [row["recognizer_id"] for row in rows]

    def chips_for(self, person_id: UUID) -> list[Chip]:
        rows = self._conn.query("SELECT * FROM chips WHERE person_id = ? ORDER BY created_at",
                                (str(person_id),))
        return [Chip(image=self._keyring.open(r["image"], feed.chip_context(UUID(r["id"]))),
                     image_format=r["image_format"], alignment=json.loads(r["alignment"]))
                for r in rows]

    def delete_person(self, person_id: UUID) -> bool:
        """Erase a person: row, consents, templates, chips, reminders; then vacuum the file.

        Punches stay (they are attendance records, not biometrics). Returns whether the
        person existed. The bytes of the templates and chips are gone from the file and its
        WAL when this returns.
        """
        with self._conn.transaction() as raw:
            existed = feed.delete_person_rows(raw, person_id)
        self._conn.vacuum()
        return existed

    def withdraw_consent(self, person_id: UUID, at: datetime | None = None) -> int:
        """Record a withdrawal of consent and erase the person's templates and chips at once.

        The person row and punches stay (they may keep punching by PIN or QR). Returns how
        many templates and chips were erased; the file is vacuumed before returning.
        """
        stamp = to_iso(at or utc_now())
        with self._conn.transaction() as raw:
            raw.execute("UPDATE consents SET withdrawn_at = ? WHERE person_id = ?"
                        " AND withdrawn_at IS NULL", (stamp, str(person_id)))
            erased = feed.erase_biometrics(raw, person_id)
        self._conn.vacuum()
        log.info("consent withdrawn for %s: %d biometric rows erased", person_id, erased)
        return erased

    def reseal_all(self) -> int:
        """Re-encrypt every template, chip and event attachment not under the primary key.

        Returns how many blobs were re-encrypted; vacuums so the old ciphertexts are gone.
        """
        count = 0
        with self._conn.transaction() as raw:
            for table, column, context in (("templates", "embedding", feed.template_context),
                                           ("chips", "image", feed.chip_context),
                                           ("events", "attachment", _event_context)):
                rows = raw.execute(f"SELECT id, {column} FROM {table}").fetchall()
                for row_id, blob in rows:
                    if blob is None or not self._keyring.needs_reseal(blob):
                        continue
                    key = context(UUID(row_id))
                    plain = self._keyring.open(blob, key) if crypto.is_sealed(blob) else blob
                    raw.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?",
                                (self._keyring.seal(plain, key), row_id))
                    count += 1
        if count:
            self._conn.vacuum()
        return count

    # -- caches filled by the change feed -----------------------------------------------------

    def apply_feed_page(self, changes: Sequence[FeedChange], cursor: str,
                        stream: str = FEED_STREAM) -> int:
        """Apply one page of the change feed and advance the cursor, all in one transaction.

        Returns how many changes were applied. Vacuums afterwards when the page erased
        biometrics (a person tombstone or a template deletion).
        """
        with self._conn.transaction() as raw:
            erased = feed.apply_changes(raw, changes, self._keyring)
            raw.execute(
                "INSERT INTO sync_cursors (stream, cursor, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(stream) DO UPDATE SET cursor = excluded.cursor,"
                " updated_at = excluded.updated_at", (stream, cursor, to_iso(utc_now())))
        if erased:
            self._conn.vacuum()
        return len(changes)

    def cursor(self, stream: str = FEED_STREAM) -> str | None:
        rows = self._conn.query("SELECT cursor FROM sync_cursors WHERE stream = ?", (stream,))
        return str(rows[0]["cursor"]) if rows else None

    def reminders_for(self, person_id: UUID, *,
                      include_acknowledged: bool = False) -> list[Reminder]:
        """A person's open reminders, soonest due first (undated last).

        Open means not acknowledged, on the server or by a touch here; with
        ``include_acknowledged`` the acknowledged ones come too (the greeting card ranks
        them after the others: attendance.reminders).
        """
        where = "" if include_acknowledged else " AND status = 'open' AND acknowledged_at IS NULL"
        rows = self._conn.query(
            f"SELECT * FROM reminders WHERE person_id = ?{where}"
            " ORDER BY due_at IS NULL, due_at, priority DESC", (str(person_id),))
        return [_reminder(row) for row in rows]

    def acknowledge_reminder(self, person_id: UUID, reminder_id: UUID,
                             at: datetime | None = None) -> Reminder | None:
        """Record the person's touch on "Got it" here; None when ``reminder_id`` is not one
        of ``person_id``'s cached reminders (a card is only ever the recognized person's).

        The caller records the ``reminder_ack`` event that tells the server.
        """
        with self._conn.transaction() as raw:
            raw.execute("UPDATE reminders SET acknowledged_at = COALESCE(acknowledged_at, ?)"
                        " WHERE id = ? AND person_id = ?",
                        (to_iso(at or utc_now()), str(reminder_id), str(person_id)))
        rows = self._conn.query("SELECT * FROM reminders WHERE id = ? AND person_id = ?",
                                (str(reminder_id), str(person_id)))
        return _reminder(rows[0]) if rows else None

    def shift_data(self) -> ShiftData:
        """Shift types, assignments and holidays as cached from the server (JSON objects)."""
        return ShiftData(
            shift_types=tuple(self._json_rows("SELECT id, data FROM shift_types ORDER BY id")),
            assignments=tuple(self._json_rows(
                "SELECT id, data FROM shift_assignments ORDER BY id")),
            holidays=tuple(self._json_rows("SELECT id, data FROM holidays ORDER BY day")),
        )

    def _json_rows(self, sql: str) -> list[dict[str, Any]]:
        """Each row's JSON ``data`` with the row's ``id`` (the feed entity id) added."""
        return [{**json.loads(row["data"]), "id": row["id"]} for row in self._conn.query(sql)]

    # -- settings, clock offset and audit -----------------------------------------------------

    def setting(self, key: str) -> str | None:
        rows = self._conn.query("SELECT value FROM settings WHERE key = ?", (key,))
        return str(rows[0]["value"]) if rows else None

    def set_setting(self, key: str, value: str) -> None:
        with self._conn.transaction() as raw:
            raw.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key)"
                        " DO UPDATE SET value = excluded.value", (key, value))

    def local_settings(self) -> dict[str, Any]:
        """The settings saved on the admin screen (kiosk.local_settings), decoded."""
        rows = self._conn.query("SELECT key, value FROM settings WHERE key LIKE ?",
                                (local_settings.PREFIX + "%",))
        return {row["key"][len(local_settings.PREFIX):]: json.loads(row["value"])
                for row in rows}

    def set_local_settings(self, values: dict[str, Any]) -> None:
        """Save admin-screen settings ``{dotted key: JSON value}`` in one transaction."""
        with self._conn.transaction() as raw:
            for key, value in values.items():
                raw.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key)"
                            " DO UPDATE SET value = excluded.value",
                            (local_settings.PREFIX + key, json.dumps(value)))

    def clock_offset_s(self) -> float | None:
        """Server clock minus kiosk clock in seconds, now (None: never measured).

        From the boot-clock reference of the last measurement when it was made in this boot
        (right even if the wall clock jumped since: see kiosk.store.clockref), else the last
        measured offset as it was.
        """
        value = self.setting(CLOCK_OFFSET_SETTING)
        if value is None:
            return None
        measured = float(value)
        reference = self.setting(CLOCK_REFERENCE_SETTING)
        found = clockref.ClockReference.from_json(reference) if reference else None
        if found is None or found.boot != self._boot_id():
            return measured
        return found.offset_now(measured, self._boot_clock(), self._wall_clock())

    def set_clock_offset_s(self, offset_s: float) -> None:
        """Record a measured offset (server minus kiosk wall clock, seconds, measured now)."""
        self.set_setting(CLOCK_OFFSET_SETTING, repr(float(offset_s)))
        boot = self._boot_id()
        if boot is not None:
            server_now = self._wall_clock() + timedelta(seconds=offset_s)
            reference = clockref.ClockReference(boot, self._boot_clock(), server_now)
            self.set_setting(CLOCK_REFERENCE_SETTING, reference.to_json())

    def audit(self, actor: str, action: str, subject: str | None = None,
              details: dict[str, Any] | None = None) -> None:
        """Append to the kiosk's audit log (admin actions on the device, erasures, ...)."""
        with self._conn.transaction() as raw:
            raw.execute("INSERT INTO audit_log (at, actor, action, subject, details)"
                        " VALUES (?, ?, ?, ?, ?)", (to_iso(utc_now()), actor, action, subject,
                                                    json.dumps(details or {})))

    def audit_entries(self, limit: int = 100) -> list[dict[str, Any]]:
        return self._conn.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))


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
        unknown = _sealed_key_ids(conn) - {crypto.key_id_of(k)
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
        log.warning("kiosk store %s held unencrypted biometrics: encrypting them now", path)
        store.reseal_all()
    return store


def _sealed_key_ids(conn: Connection) -> set[bytes]:
    start, length = len(crypto.MAGIC) + 1, crypto.KEY_ID_BYTES
    rows = conn.query(
        f"SELECT DISTINCT substr(embedding, {start}, {length}) AS k FROM templates"
        f" WHERE substr(embedding, 1, 4) = ? UNION SELECT DISTINCT substr(image, {start},"
        f" {length}) FROM chips WHERE substr(image, 1, 4) = ?", (crypto.MAGIC, crypto.MAGIC))
    return {bytes(row["k"]) for row in rows}


def _has_plaintext(conn: Connection) -> bool:
    rows = conn.query("SELECT 1 FROM templates WHERE substr(embedding, 1, 4) != ? UNION ALL"
                      " SELECT 1 FROM chips WHERE substr(image, 1, 4) != ? LIMIT 1",
                      (crypto.MAGIC, crypto.MAGIC))
    return bool(rows)


def _latest_consent(raw: Any, person_id: UUID) -> UUID:
    row = raw.execute("SELECT id FROM consents WHERE person_id = ? AND withdrawn_at IS NULL"
                      " ORDER BY given_at DESC LIMIT 1", (str(person_id),)).fetchone()
    if row is None:
        raise ConsentMissingError(f"no consent recorded for person {person_id}")
    return UUID(row[0])


def _insert_consent(raw: Any, consent: Consent) -> None:
    if raw.execute("SELECT 1 FROM people WHERE id = ?", (str(consent.person_id),)).fetchone() \
            is None:
        raise StoreError(f"consent for unknown person {consent.person_id}")
    raw.execute("INSERT INTO consents (id, person_id, given_at, notice_version, collected_by)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
                (str(consent.id), str(consent.person_id), to_iso(consent.given_at),
                 consent.notice_version, consent.collected_by))


def _punch(row: dict[str, Any]) -> Punch:
    return Punch(id=UUID(row["id"]), person_id=UUID(row["person_id"]),
                 kind=PunchKind(row["kind"]), source=PunchSource(row["source"]),
                 captured_at=from_iso(row["captured_at"]), clock_offset_s=row["clock_offset_s"],
                 synced_at=from_iso(row["synced_at"]) if row["synced_at"] else None)


def _person(row: dict[str, Any]) -> Person:
    return Person(id=UUID(row["id"]), display_name=row["display_name"],
                  employee_code=row["employee_code"], department=row["department"],
                  active=bool(row["active"]))


def _reminder(row: dict[str, Any]) -> Reminder:
    return Reminder(id=UUID(row["id"]), person_id=UUID(row["person_id"]), title=row["title"],
                    due_at=from_iso(row["due_at"]) if row["due_at"] else None,
                    priority=int(row["priority"]), status=row["status"],
                    urgent=bool(row["urgent"]),
                    created_at=from_iso(row["created_at"]) if row["created_at"] else None,
                    acknowledged_at=(from_iso(row["acknowledged_at"])
                                     if row["acknowledged_at"] else None))


def _event_context(event_id: UUID) -> bytes:
    return f"event:{event_id}".encode()
