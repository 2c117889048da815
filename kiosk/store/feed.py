"""Applying the server's change feed to the kiosk tables (inside the caller's transaction).

Wire formats of ``FeedChange.data`` (UPSERT; a DELETE carries at most the erasure ids below):
- person: display_name, employee_code, department, active; needs_code (a confirmed
  look-alike: face + code only); pin_hash and badge_hash when
  the person has a PIN or a QR badge (absent = none: applying the entry revokes them);
  an erasure (upsert with biometrics_erased, or a DELETE) names itself in ``erasure_id``
  and, on a DELETE, earlier erasures it stands for in ``covers``: the kiosk confirms them
  to the server once applied (``erasure_ids``); an erasure of a person not held here (of
  another site: erasures go to every kiosk) is only confirmed. A person DELETE with
  ``moved`` is a person who moved to another site: deleted here like an erasure.
- template: person_id, recognizer_id, dim, embedding (base64 of little-endian float32),
  created_at, consent {id, given_at, notice_version, collected_by}; rolling (true for a
  rolling template added at check-in, kiosk.store.rolling; absent = an enrolment template)
- reminder: person_id, title, due_at (ISO UTC or null), priority (0 low, 1 normal, 2 high),
  status ("open" | "acknowledged"), urgent (a leader's nudge), created_at (ISO UTC)
- shift_type: any JSON object; shift_assignment: person_id or department plus any JSON;
  holiday: day (ISO date) plus any JSON
- leave: person_id, start, end (ISO dates, inclusive), leave_type_id (or null): approved
  leave; kept only for a person held here, the days and type sealed (``leave_context``);
  a DELETE is leave withdrawn or replaced
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import numpy as np
import numpy.typing as npt

from faceid.sealing import DataKeyring
from kiosk.errors import StoreError
from kiosk.store import identity
from kiosk.store.alt_checkin import apply_person_credentials
from kiosk.store.records import (
    FeedChange,
    FeedEntity,
    FeedOp,
    Person,
    from_iso,
    to_iso,
    utc_now,
)


def has_consent(raw: sqlite3.Connection, person_id: UUID) -> bool:
    row = raw.execute("SELECT 1 FROM consents WHERE person_id = ? AND withdrawn_at IS NULL",
                      (str(person_id),)).fetchone()
    return row is not None


def template_context(template_id: UUID) -> bytes:
    """Associated data binding an encrypted embedding to its template row."""
    return f"template:{template_id}".encode()


def chip_context(chip_id: UUID) -> bytes:
    return f"chip:{chip_id}".encode()


def leave_context(leave_id: UUID) -> bytes:
    """Associated data binding a sealed leave (days and type) to its row."""
    return f"leave:{leave_id}".encode()


def upsert_leave(raw: sqlite3.Connection, keyring: DataKeyring, leave_id: UUID,
                 data: dict[str, Any]) -> None:
    """Keep approved leave of a person held here (others' leave is passed over): only what
    the greeting needs, the days and the type sealed."""
    person_id = UUID(data["person_id"])
    if not _holds(raw, person_id):
        return
    days = {"start": date.fromisoformat(data["start"]).isoformat(),
            "end": date.fromisoformat(data["end"]).isoformat(),
            "leave_type_id": str(data["leave_type_id"]) if data.get("leave_type_id") else None}
    sealed = keyring.seal(json.dumps(days).encode(), leave_context(leave_id))
    raw.execute("INSERT INTO leaves (id, person_id, sealed) VALUES (?, ?, ?) ON CONFLICT(id)"
                " DO UPDATE SET person_id = excluded.person_id, sealed = excluded.sealed",
                (str(leave_id), str(person_id), sealed))


def insert_template(raw: sqlite3.Connection, keyring: DataKeyring, template_id: UUID,
                    person_id: UUID, recognizer_id: str, vector: npt.NDArray[np.float32],
                    created_at: str, rolling: bool = False) -> None:
    """Insert or replace one template; the embedding is stored encrypted (AES-GCM).
    ``rolling``: a rolling template (kiosk.store.rolling), not an enrolment one."""
    data = np.ascontiguousarray(vector, dtype="<f4")
    sealed = keyring.seal(data.tobytes(), template_context(template_id))
    raw.execute(
        "INSERT INTO templates (id, person_id, recognizer_id, embedding, dim, created_at,"
        " rolling) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
        " embedding = excluded.embedding, dim = excluded.dim,"
        " recognizer_id = excluded.recognizer_id, rolling = excluded.rolling",
        (str(template_id), str(person_id), recognizer_id, sealed, int(data.shape[-1]),
         created_at, int(rolling)))


def erase_biometrics(raw: sqlite3.Connection, person_id: UUID) -> int:
    """Delete a person's templates and chips (not the person); returns rows deleted."""
    key = (str(person_id),)
    count = raw.execute("DELETE FROM templates WHERE person_id = ?", key).rowcount
    return count + raw.execute("DELETE FROM chips WHERE person_id = ?", key).rowcount


def delete_person_rows(raw: sqlite3.Connection, person_id: UUID) -> bool:
    """Delete a person's biometrics, consents, reminders, leave and row; True if the person
    existed."""
    key = (str(person_id),)
    raw.execute("DELETE FROM leaves WHERE person_id = ?", key)
    raw.execute("DELETE FROM templates WHERE person_id = ?", key)
    raw.execute("DELETE FROM chips WHERE person_id = ?", key)
    raw.execute("DELETE FROM reminders WHERE person_id = ?", key)
    raw.execute("DELETE FROM consents WHERE person_id = ?", key)
    return raw.execute("DELETE FROM people WHERE id = ?", key).rowcount > 0


ERASURES_TO_CONFIRM = "sync.erasures_to_confirm"  # settings key: JSON list of ids


def erasure_ids(changes: Sequence[FeedChange]) -> list[str]:
    """The erasures a page carries (person entries' ``erasure_id`` and ``covers``)."""
    found: list[str] = []
    for change in changes:
        if change.entity is not FeedEntity.PERSON:
            continue
        if isinstance(change.data.get("erasure_id"), str):
            found.append(change.data["erasure_id"])
        found += [str(e) for e in change.data.get("covers") or [] if isinstance(e, str)]
    return found


def note_erasures_to_confirm(raw: sqlite3.Connection, ids: Sequence[str]) -> None:
    """Add ``ids`` to the erasures this kiosk must still confirm (same transaction as the
    page that applied them: a crash cannot lose a confirmation, nor confirm early)."""
    if not ids:
        return
    rows = raw.execute("SELECT value FROM settings WHERE key = ?",
                       (ERASURES_TO_CONFIRM,)).fetchall()
    pending = json.loads(rows[0][0]) if rows else []
    merged = list(dict.fromkeys([*pending, *ids]))
    raw.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key)"
                " DO UPDATE SET value = excluded.value", (ERASURES_TO_CONFIRM, json.dumps(merged)))


def apply_changes(raw: sqlite3.Connection, changes: Sequence[FeedChange],
                  keyring: DataKeyring) -> bool:
    """Apply changes in order; returns True when biometric data was erased (vacuum needed).

    A person upsert that is inactive or marks ``biometrics_erased`` (consent withdrawn)
    erases that person's templates and chips here too.
    """
    erased = False
    for change in changes:
        try:
            erased |= _apply_one(raw, change, keyring)
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise StoreError(f"feed change {change.seq} ({change.entity.value}) is malformed: "
                             f"{exc!r}") from exc
    return erased


def _apply_one(raw: sqlite3.Connection, change: FeedChange, keyring: DataKeyring) -> bool:
    key = str(change.entity_id)
    data = change.data
    if change.op is FeedOp.DELETE:
        return _delete(raw, change.entity, change.entity_id)
    if change.entity is FeedEntity.PERSON:
        if data.get("erasure_id") and not _holds(raw, change.entity_id):
            return False  # an erasure every kiosk confirms: of a person of another site
        identity.upsert_person(raw, keyring, Person(
            id=change.entity_id, display_name=data["display_name"],
            employee_code=data.get("employee_code"), department=data.get("department"),
            active=bool(data.get("active", True))))
        apply_person_credentials(raw, keyring, change.entity_id, data)  # PIN / badge hashes
        raw.execute("UPDATE people SET needs_code = ?, resync_stale = 0 WHERE id = ?",
                    (int(bool(data.get("needs_code"))), key))  # a confirmed look-alike
        if data.get("biometrics_erased") or not data.get("active", True):
            if data.get("biometrics_erased"):
                raw.execute("UPDATE consents SET withdrawn_at = ? WHERE person_id = ? AND"
                            " withdrawn_at IS NULL", (to_iso(utc_now()), key))
            if not data.get("active", True):  # left the organisation: no leave to greet
                raw.execute("DELETE FROM leaves WHERE person_id = ?", (key,))
            return erase_biometrics(raw, change.entity_id) > 0
    elif change.entity is FeedEntity.TEMPLATE:
        _upsert_template(raw, keyring, change.entity_id, data)
    elif change.entity is FeedEntity.REMINDER:
        upsert_reminder_row(raw, change.entity_id, data)
    elif change.entity is FeedEntity.SHIFT_TYPE:
        raw.execute("INSERT OR REPLACE INTO shift_types (id, data) VALUES (?, ?)",
                    (key, json.dumps(data)))
    elif change.entity is FeedEntity.SHIFT_ASSIGNMENT:
        raw.execute("INSERT OR REPLACE INTO shift_assignments (id, person_id, department, data)"
                    " VALUES (?, ?, ?, ?)",
                    (key, data.get("person_id"), data.get("department"), json.dumps(data)))
    elif change.entity is FeedEntity.HOLIDAY:
        raw.execute("INSERT OR REPLACE INTO holidays (id, day, data) VALUES (?, ?, ?)",
                    (key, str(data["day"]), json.dumps(data)))
    elif change.entity is FeedEntity.LEAVE:
        upsert_leave(raw, keyring, change.entity_id, data)
    return False


def _holds(raw: sqlite3.Connection, person_id: UUID) -> bool:
    return raw.execute("SELECT 1 FROM people WHERE id = ?", (str(person_id),)).fetchone() \
        is not None


def upsert_reminder_row(raw: sqlite3.Connection, reminder_id: UUID,
                        data: dict[str, Any]) -> None:
    """Insert or update a cached reminder from its feed entry.

    An update keeps ``acknowledged_at``, the kiosk's own record of the person's touch: the
    server may re-send the reminder as "open" (e.g. a new title) before it has processed the
    acknowledgement event, and the person must not be asked again.
    """
    due = data.get("due_at")
    created = data.get("created_at")
    raw.execute(
        "INSERT INTO reminders (id, person_id, title, due_at, priority, status, urgent,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
        " person_id = excluded.person_id, title = excluded.title, due_at = excluded.due_at,"
        " priority = excluded.priority, status = excluded.status, urgent = excluded.urgent,"
        " created_at = excluded.created_at",
        (str(reminder_id), str(UUID(data["person_id"])), str(data["title"]),
         to_iso(from_iso(due)) if due else None, int(data.get("priority", 0)),
         str(data.get("status", "open")), int(bool(data.get("urgent", False))),
         to_iso(from_iso(created)) if created else None))


def _upsert_template(raw: sqlite3.Connection, keyring: DataKeyring, template_id: UUID,
                     data: dict[str, Any]) -> None:
    person_id = UUID(data["person_id"])
    if raw.execute("SELECT 1 FROM people WHERE id = ?", (str(person_id),)).fetchone() is None:
        raise ValueError(f"template {template_id} for unknown person {person_id}")
    consent = data["consent"]
    consent_id = UUID(consent["id"])
    raw.execute("INSERT INTO consents (id, person_id, given_at, notice_version, collected_by)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
                (str(consent_id), str(person_id), to_iso(from_iso(consent["given_at"])),
                 str(consent["notice_version"]),
                 identity.seal_collector(keyring, consent_id, str(consent["collected_by"]))))
    vector = np.frombuffer(base64.b64decode(data["embedding"], validate=True), dtype="<f4")
    if vector.shape[0] != int(data["dim"]) or not np.all(np.isfinite(vector)):
        raise ValueError(f"template {template_id}: embedding does not match dim {data['dim']}")
    insert_template(raw, keyring, template_id, person_id, str(data["recognizer_id"]), vector,
                    to_iso(from_iso(data["created_at"])), rolling=bool(data.get("rolling")))


_DELETE_TABLES = {
    FeedEntity.TEMPLATE: "templates",
    FeedEntity.REMINDER: "reminders",
    FeedEntity.SHIFT_TYPE: "shift_types",
    FeedEntity.SHIFT_ASSIGNMENT: "shift_assignments",
    FeedEntity.HOLIDAY: "holidays",
    FeedEntity.LEAVE: "leaves",
}


def _delete(raw: sqlite3.Connection, entity: FeedEntity, entity_id: UUID) -> bool:
    if entity is FeedEntity.PERSON:
        delete_person_rows(raw, entity_id)
        return True
    table = _DELETE_TABLES.get(entity)
    if table is None:  # an entity the kiosk keeps nothing of
        return False
    raw.execute(f"DELETE FROM {table} WHERE id = ?", (str(entity_id),))
    return entity is FeedEntity.TEMPLATE
