"""The enrollment outbox: kiosk enrollments waiting to be uploaded to the server.

An enrollment made at the kiosk is queued in the same transaction that stores its templates
and chips (``Biometrics.save_enrollment(..., queue_upload=True)``). The queue row names the
rows to send (template ids, chip ids, consent id) rather than copying the biometrics, so an
erasure or a consent withdrawal before the upload leaves nothing to send:

- the person erased (``delete_person`` or a feed tombstone): the row goes with the person
  (foreign key ``ON DELETE CASCADE``);
- consent withdrawn or templates erased: ``load`` finds no templates and the uploader drops
  the row.

The local template ids travel with the upload and become the server's template ids: a
retried upload (the answer was lost) is recognised by the server, and the server's feed
later replaces the local templates row for row instead of adding copies.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import numpy as np
import numpy.typing as npt

from faceid.sealing import DataKeyring
from kiosk.store import feed, identity
from kiosk.store.connection import Connection
from kiosk.store.records import Chip, Consent, from_iso, to_iso, utc_now


@dataclass(frozen=True)
class PendingEnrollment:
    """One queued enrollment with everything the upload needs (biometrics decrypted).

    ``new_person_name`` is set when the person was created at the kiosk (a pending person the
    server does not know yet); ``template_ids`` are the rows of ``embeddings`` in order.
    """

    id: UUID
    person_id: UUID
    recognizer_id: str
    consent: Consent | None
    template_ids: tuple[UUID, ...]
    embeddings: npt.NDArray[np.float32] = field(compare=False)
    chips: tuple[Chip, ...] = field(default=(), compare=False)
    new_person_name: str | None = None
    new_person_department: str | None = None
    attempts: int = 0
    rolling: bool = False  # a rolling template (kiosk.store.rolling), not an enrolment
    confirmed_different: tuple[UUID, ...] = ()  # look-alikes an admin confirmed here


def enrollment_context(enrollment_id: UUID) -> bytes:
    """Associated data binding a sealed new person's name to its queue row."""
    return f"enrollment:{enrollment_id}".encode()


def _seal_new_person(keyring: DataKeyring, enrollment_id: UUID,
                     new_person: tuple[str | None, str | None] | None) -> bytes | None:
    if new_person is None or new_person[0] is None:
        return None
    text = json.dumps({"name": new_person[0], "department": new_person[1]}, ensure_ascii=False)
    return keyring.seal(text.encode(), enrollment_context(enrollment_id))


def queue(raw: sqlite3.Connection, keyring: DataKeyring, enrollment_id: UUID,
          person_id: UUID, recognizer_id: str, consent_id: UUID,
          template_ids: Sequence[UUID], chip_ids: Sequence[UUID],
          new_person: tuple[str, str | None] | None, queued_at: str,
          rolling: bool = False, confirmed_different: Sequence[UUID] = ()) -> None:
    """Insert the queue row (inside the caller's enrollment transaction); a new person's
    name and department are sealed with the data key. ``rolling``: the upload of a rolling
    template (kiosk.store.rolling); ``confirmed_different``: look-alikes an admin confirmed
    at the kiosk as other people (the server records the pairs)."""
    raw.execute(
        "INSERT INTO pending_enrollments (id, person_id, recognizer_id, consent_id,"
        " template_ids, chip_ids, new_person_sealed, queued_at, rolling, confirmed_different)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (str(enrollment_id), str(person_id), recognizer_id, str(consent_id),
         json.dumps([str(t) for t in template_ids]), json.dumps([str(c) for c in chip_ids]),
         _seal_new_person(keyring, enrollment_id, new_person), queued_at, int(rolling),
         json.dumps([str(p) for p in confirmed_different]) if confirmed_different else None))


def seal_plaintext_names(raw: sqlite3.Connection, keyring: DataKeyring) -> int:
    """Seal new-person names queued in the clear by an older version; returns rows sealed."""
    rows = raw.execute("SELECT id, new_person_name, new_person_department FROM"
                       " pending_enrollments WHERE new_person_name IS NOT NULL").fetchall()
    for row_id, name, department in rows:
        sealed = _seal_new_person(keyring, UUID(row_id), (name, department))
        raw.execute("UPDATE pending_enrollments SET new_person_sealed = ?, new_person_name ="
                    " NULL, new_person_department = NULL WHERE id = ?", (sealed, row_id))
    return len(rows)


def _new_person(keyring: DataKeyring, row: dict[str, Any]) -> tuple[str | None, str | None]:
    blob = row.get("new_person_sealed")
    if blob is None:
        return row["new_person_name"], row["new_person_department"]
    fields = json.loads(keyring.open(blob, enrollment_context(UUID(row["id"]))))
    return fields["name"], fields["department"]


def load(raw: sqlite3.Connection, keyring: DataKeyring, row: dict[str, Any]) -> PendingEnrollment:
    """The upload for one queue row; ``template_ids`` is empty when they were erased."""
    wanted = [UUID(text) for text in json.loads(row["template_ids"])]
    ids, vectors = [], []
    for template_id in wanted:
        found = raw.execute("SELECT embedding FROM templates WHERE id = ?",
                            (str(template_id),)).fetchone()
        if found is not None:
            plain = keyring.open(found[0], feed.template_context(template_id))
            ids.append(template_id)
            vectors.append(np.frombuffer(plain, dtype="<f4"))
    chips = []
    for text in json.loads(row["chip_ids"]):
        chip_id = UUID(text)
        found = raw.execute("SELECT image, image_format, alignment FROM chips WHERE id = ?",
                            (text,)).fetchone()
        if found is not None:
            chips.append(Chip(image=keyring.open(found[0], feed.chip_context(chip_id)),
                              image_format=found[1], alignment=json.loads(found[2])))
    consent_row = raw.execute(
        "SELECT id, person_id, given_at, notice_version, collected_by FROM consents"
        " WHERE id = ? AND withdrawn_at IS NULL", (row["consent_id"],)).fetchone()
    consent = None if consent_row is None else Consent(
        id=UUID(consent_row[0]), person_id=UUID(consent_row[1]),
        given_at=from_iso(consent_row[2]), notice_version=consent_row[3],
        collected_by=identity.collector_of(keyring, UUID(consent_row[0]), consent_row[4]))
    matrix = (np.vstack(vectors).astype(np.float32) if vectors
              else np.zeros((0, 0), dtype=np.float32))
    name, department = _new_person(keyring, row)
    return PendingEnrollment(
        id=UUID(row["id"]), person_id=UUID(row["person_id"]),
        recognizer_id=row["recognizer_id"], consent=consent, template_ids=tuple(ids),
        embeddings=matrix, chips=tuple(chips), new_person_name=name,
        new_person_department=department, attempts=int(row["attempts"]),
        rolling=bool(row.get("rolling")),
        confirmed_different=tuple(UUID(p) for p in json.loads(row.get("confirmed_different")
                                                               or "[]")))


class EnrollmentOutbox:
    """Kiosk enrolments waiting for upload (queued by ``Biometrics.save_enrollment``)."""

    def __init__(self, conn: Connection, keyring: DataKeyring) -> None:
        self._conn = conn
        self._keyring = keyring

    def pending(self, limit: int = 10) -> list[PendingEnrollment]:
        """The oldest ``limit`` queued enrollments not refused by the server, decrypted.

        A row whose templates are all gone (consent withdrawn meanwhile) comes back with no
        ``template_ids``: the uploader drops it.
        """
        with self._conn.transaction() as raw:
            cursor = raw.execute("SELECT * FROM pending_enrollments WHERE failed_at IS NULL"
                                 " ORDER BY queued_at, id LIMIT ?", (limit,))
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
            return [load(raw, self._keyring, row) for row in rows]

    def uploaded(self, enrollment_id: UUID) -> None:
        """The server acknowledged (or nothing is left to send): drop the queue row."""
        with self._conn.transaction() as raw:
            raw.execute("DELETE FROM pending_enrollments WHERE id = ?", (str(enrollment_id),))

    def failed(self, enrollment_id: UUID, error: str, permanent: bool) -> None:
        """Record a failed attempt; ``permanent`` (the server refused it) stops retries."""
        with self._conn.transaction() as raw:
            raw.execute("UPDATE pending_enrollments SET attempts = attempts + 1,"
                        " last_error = ?, failed_at = ? WHERE id = ?",
                        (error[:500], to_iso(utc_now()) if permanent else None,
                         str(enrollment_id)))

    def backlog(self) -> dict[str, int]:
        """How many enrollments wait for upload ("waiting") and were refused ("refused")."""
        rows = self._conn.query(
            "SELECT count(*) - count(failed_at) AS waiting, count(failed_at) AS refused"
            " FROM pending_enrollments")
        return {"waiting": int(rows[0]["waiting"] or 0), "refused": int(rows[0]["refused"] or 0)}
