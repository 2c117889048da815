"""People, consent records, templates and chips: everything that identifies a person.

Templates and chips are sealed with the data key (faceid.sealing); erasing anything
biometric vacuums the file so the bytes are gone from it and its WAL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import numpy as np
import numpy.typing as npt

from faceid import sealing
from faceid.sealing import DataKeyring
from kiosk.errors import StoreError
from kiosk.store import enrollment_outbox, feed, identity
from kiosk.store.connection import Connection
from kiosk.store.events import event_context
from kiosk.store.records import Chip, Consent, Person, from_iso, to_iso, utc_now

log = logging.getLogger(__name__)


class ConsentMissingError(StoreError):
    """A template or chip was offered for a person with no (unwithdrawn) consent record."""


class Biometrics:
    def __init__(self, conn: Connection, keyring: DataKeyring) -> None:
        self._conn = conn
        self._keyring = keyring

    def people(self, active_only: bool = True) -> list[Person]:
        """People by name (identities are sealed: opened and sorted here)."""
        where = "WHERE active = 1" if active_only else ""
        rows = self._conn.query(f"SELECT * FROM people {where}")
        found = [identity.person_of(self._keyring, row) for row in rows]
        return sorted(found, key=lambda person: (person.display_name, str(person.id)))

    def person(self, person_id: UUID) -> Person | None:
        rows = self._conn.query("SELECT * FROM people WHERE id = ?", (str(person_id),))
        return identity.person_of(self._keyring, rows[0]) if rows else None

    def upsert_person(self, person: Person) -> None:
        with self._conn.transaction() as raw:
            identity.upsert_person(raw, self._keyring, person)

    def record_consent(self, consent: Consent) -> None:
        """Store a consent record; the person must exist (StoreError otherwise)."""
        with self._conn.transaction() as raw:
            _insert_consent(raw, self._keyring, consent)

    def consents_for(self, person_id: UUID) -> list[Consent]:
        rows = self._conn.query("SELECT * FROM consents WHERE person_id = ? ORDER BY given_at",
                                (str(person_id),))
        return [Consent(id=UUID(r["id"]), person_id=UUID(r["person_id"]),
                        given_at=from_iso(r["given_at"]), notice_version=r["notice_version"],
                        collected_by=identity.collector_of(self._keyring, UUID(r["id"]),
                                                           r["collected_by"])) for r in rows]

    def save_enrollment(
        self,
        person_id: UUID,
        recognizer_id: str,
        embeddings: npt.NDArray[np.float32],
        chips: Sequence[Chip] = (),
        consent: Consent | None = None,
        queue_upload: bool = False,
        new_person: Person | None = None,
        confirmed_different: Sequence[UUID] = (),
    ) -> list[UUID]:
        """Store templates (rows of ``embeddings``, float32) and chips for a person, atomically.

        A consent record must exist, or be given as ``consent`` (stored in the same
        transaction): otherwise ConsentMissingError and nothing is written. Returns the new
        template ids. ``queue_upload`` also queues the enrollment for the server in the same
        transaction (see kiosk.store.enrollment_outbox); ``new_person`` is the person when
        it was created at this kiosk, so the upload creates it on the server too;
        ``confirmed_different`` are look-alikes an admin confirmed here as other people: both
        are marked ``needs_code`` and the upload tells the server.
        """
        matrix = np.atleast_2d(np.asarray(embeddings, dtype=np.float32))
        if matrix.ndim != 2 or matrix.shape[0] == 0 or not np.all(np.isfinite(matrix)):
            raise StoreError("embeddings must be a non-empty finite 2-D float32 matrix")
        now = to_iso(utc_now())
        ids = [uuid4() for _ in range(matrix.shape[0])]
        with self._conn.transaction() as raw:
            if consent is not None:
                _insert_consent(raw, self._keyring, consent)
            if not feed.has_consent(raw, person_id):
                raise ConsentMissingError(f"no consent recorded for person {person_id}")
            for template_id, row in zip(ids, matrix, strict=True):
                feed.insert_template(raw, self._keyring, template_id, person_id, recognizer_id,
                                     row, now)
            chip_ids = [self._insert_chip(raw, person_id, chip, now) for chip in chips]
            if queue_upload:
                consent_id = consent.id if consent is not None else _latest_consent(raw,
                                                                                   person_id)
                enrollment_outbox.queue(
                    raw, self._keyring, uuid4(), person_id, recognizer_id, consent_id, ids,
                    chip_ids, None if new_person is None else (new_person.display_name,
                                                               new_person.department), now,
                    confirmed_different=confirmed_different)
            for member in (person_id, *confirmed_different) if confirmed_different else ():
                # a confirmed look-alike pair: face + code from now on
                raw.execute("UPDATE people SET needs_code = 1 WHERE id = ?", (str(member),))
        return ids

    def _insert_chip(self, raw: Any, person_id: UUID, chip: Chip, now: str) -> UUID:
        chip_id = uuid4()
        raw.execute(
            "INSERT INTO chips (id, person_id, image, image_format, alignment, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (str(chip_id), str(person_id),
             self._keyring.seal(chip.image, feed.chip_context(chip_id)),
             chip.image_format, json.dumps(chip.alignment), now))
        return chip_id

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

    def code_people(self) -> frozenset[UUID]:
        """Active people who always need face + code (confirmed look-alikes)."""
        rows = self._conn.query("SELECT id FROM people WHERE needs_code = 1 AND active = 1")
        return frozenset(UUID(row["id"]) for row in rows)

    def gallery_signature(self, recognizer_id: str) -> tuple[int, int, int, str]:
        """(templates, highest template rowid, people, latest person update) of one
        recognizer's active gallery: it changes with every feed apply, enrolment or erasure."""
        row = self._conn.query(
            "SELECT count(*) AS n, coalesce(max(t.rowid), 0) AS last,"
            " count(DISTINCT t.person_id) AS people, coalesce(max(p.updated_at), '') AS updated"
            " FROM templates t JOIN people p ON p.id = t.person_id"
            " WHERE t.recognizer_id = ? AND p.active = 1", (recognizer_id,))[0]
        return (int(row["n"]), int(row["last"]), int(row["people"]), str(row["updated"]))

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
        """Re-encrypt every template, chip, event attachment, person identity, leave and queued
        new-person name not under the primary key, and seal any left in the clear
        (kiosk.store.identity).

        Returns how many blobs were re-encrypted; vacuums so the old ciphertexts are gone.
        """
        with self._conn.transaction() as raw:
            count = identity.seal_plaintext_collectors(raw, self._keyring)
            count += self._reseal_blobs(raw)
            people = identity.reseal_people(raw, self._keyring)
            if people:  # counts kept under digests of the old key would never match again
                raw.execute("DELETE FROM pin_failures")
            count += people + enrollment_outbox.seal_plaintext_names(raw, self._keyring)
        if count:
            self._conn.vacuum()
        return count

    def _reseal_blobs(self, raw: Any) -> int:
        count = 0
        for table, column, context in (("templates", "embedding", feed.template_context),
                                       ("chips", "image", feed.chip_context),
                                       ("events", "attachment", event_context),
                                       ("pending_enrollments", "new_person_sealed",
                                        enrollment_outbox.enrollment_context),
                                       ("consents", "collected_by", identity.consent_context),
                                       ("leaves", "sealed", feed.leave_context)):
            rows = raw.execute(f"SELECT id, {column} FROM {table}").fetchall()
            for row_id, blob in rows:
                if blob is None or not self._keyring.needs_reseal(blob):
                    continue
                key = context(UUID(row_id))
                plain = self._keyring.open(blob, key) if sealing.is_sealed(blob) else blob
                raw.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?",
                            (self._keyring.seal(plain, key), row_id))
                count += 1
        return count


def _latest_consent(raw: Any, person_id: UUID) -> UUID:
    row = raw.execute("SELECT id FROM consents WHERE person_id = ? AND withdrawn_at IS NULL"
                      " ORDER BY given_at DESC LIMIT 1", (str(person_id),)).fetchone()
    if row is None:
        raise ConsentMissingError(f"no consent recorded for person {person_id}")
    return UUID(row[0])


def _insert_consent(raw: Any, keyring: DataKeyring, consent: Consent) -> None:
    if raw.execute("SELECT 1 FROM people WHERE id = ?", (str(consent.person_id),)).fetchone() \
            is None:
        raise StoreError(f"consent for unknown person {consent.person_id}")
    raw.execute("INSERT INTO consents (id, person_id, given_at, notice_version, collected_by)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
                (str(consent.id), str(consent.person_id), to_iso(consent.given_at),
                 consent.notice_version,
                 identity.seal_collector(keyring, consent.id, consent.collected_by)))
