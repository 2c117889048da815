"""Sealing what identifies a person on the kiosk: name, code, department, PIN and badge hashes.

A copied kiosk file without the data key must yield no name, no employee code and no PIN
hash to guess at offline. So, on each ``people`` row (migration m009_sealed_identity):

- ``sealed_identity``: AES-GCM (the data key, as templates: faceid.sealing) of
  ``{"display_name", "employee_code", "department"}``, bound to the row ("person:<id>");
- ``sealed_credentials``: the same for ``{"pin_hash", "badge_hash"}`` ("credentials:<id>");
- ``code_key`` / ``badge_key``: HMAC-SHA256 of the employee code / badge hash under a lookup
  key derived from the data key, so the PIN pad finds a person by code and the camera by
  badge without plaintext; without the key the digests say nothing (codes are guessable,
  so a plain hash would not do);
- the plaintext columns (``display_name``, ``employee_code``, ``department``,
  ``pin_hash``, ``badge_hash``) hold '' or NULL;
- who collected a consent (``consents.collected_by``, a member of staff) is sealed in place
  ("consent:<id>"): the column holds the sealed bytes.

Wrong-PIN counts (``pin_failures``) are kept per keyed digest of the typed code too.
During a rotation (``new,old`` keys) lookups try the digest of every key held; rotation
(``reseal_people``) rewrites every digest under the new primary key. Runs inside the
caller's transaction; pure CPU plus SQLite, any worker thread.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from typing import Any
from uuid import UUID

from faceid import sealing as crypto
from faceid.sealing import DataKeyring
from kiosk.store.records import Person, to_iso, utc_now

LOOKUP_LABEL = b"face-attendance kiosk lookup v1"


def lookup_keys(keyring: DataKeyring) -> list[bytes]:
    """HMAC keys for digests, the primary key's first (then older keys, for a rotation)."""
    return [hmac.new(key, LOOKUP_LABEL, hashlib.sha256).digest()
            for key in (keyring.primary, *keyring.others)]


def digest(lookup_key: bytes, kind: str, value: str) -> str:
    """The keyed digest (hex) of ``value`` of ``kind`` ("code", "badge")."""
    return hmac.new(lookup_key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def digests(keyring: DataKeyring, kind: str, value: str) -> list[str]:
    """``value``'s digest under every key held (for a lookup that works mid-rotation)."""
    return [digest(key, kind, value) for key in lookup_keys(keyring)]


def primary_digest(keyring: DataKeyring, kind: str, value: str) -> str:
    return digest(lookup_keys(keyring)[0], kind, value)


def _seal(keyring: DataKeyring, context: str, person_id: UUID,
          fields: dict[str, str | None]) -> bytes:
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()
    return keyring.seal(text, f"{context}:{person_id}".encode())


def _open(keyring: DataKeyring, context: str, person_id: UUID, blob: bytes) -> dict[str, Any]:
    return json.loads(keyring.open(blob, f"{context}:{person_id}".encode()))  # type: ignore[no-any-return]


def upsert_person(raw: sqlite3.Connection, keyring: DataKeyring, person: Person) -> None:
    """Insert or update a person row with the identity sealed (credentials unchanged)."""
    sealed = _seal(keyring, "person", person.id, {
        "display_name": person.display_name, "employee_code": person.employee_code,
        "department": person.department})
    code_key = (primary_digest(keyring, "code", person.employee_code)
                if person.employee_code else None)
    raw.execute(
        "INSERT INTO people (id, display_name, employee_code, department, active, updated_at,"
        " sealed_identity, code_key) VALUES (?, '', NULL, NULL, ?, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET display_name = '', employee_code = NULL,"
        " department = NULL, active = excluded.active, updated_at = excluded.updated_at,"
        " sealed_identity = excluded.sealed_identity, code_key = excluded.code_key",
        (str(person.id), int(person.active), to_iso(utc_now()), sealed, code_key))


def set_credentials(raw: sqlite3.Connection, keyring: DataKeyring, person_id: UUID,
                    pin_hash: str | None, badge_hash: str | None) -> None:
    """Replace a person's PIN and badge hashes (sealed; None = none)."""
    sealed = None
    if pin_hash is not None or badge_hash is not None:
        sealed = _seal(keyring, "credentials", person_id,
                       {"pin_hash": pin_hash, "badge_hash": badge_hash})
    badge_key = primary_digest(keyring, "badge", badge_hash) if badge_hash else None
    raw.execute("UPDATE people SET pin_hash = NULL, badge_hash = NULL, sealed_credentials = ?,"
                " badge_key = ? WHERE id = ?", (sealed, badge_key, str(person_id)))


def person_of(keyring: DataKeyring, row: dict[str, Any]) -> Person:
    """The Person of a ``people`` row (sealed, or plaintext left by an older version)."""
    person_id = UUID(row["id"])
    fields: dict[str, Any] = row
    if row.get("sealed_identity") is not None:
        fields = _open(keyring, "person", person_id, row["sealed_identity"])
    return Person(id=person_id, display_name=fields["display_name"],
                  employee_code=fields["employee_code"], department=fields["department"],
                  active=bool(row["active"]))


def credentials_of(keyring: DataKeyring, row: dict[str, Any]) -> tuple[str | None, str | None]:
    """(pin_hash, badge_hash) of a ``people`` row."""
    if row.get("sealed_credentials") is not None:
        fields = _open(keyring, "credentials", UUID(row["id"]), row["sealed_credentials"])
        return fields["pin_hash"], fields["badge_hash"]
    return row.get("pin_hash"), row.get("badge_hash")


def _needs_work(keyring: DataKeyring, row: dict[str, Any]) -> bool:
    if row["sealed_identity"] is None or row["display_name"] or row["employee_code"] \
            or row["department"] or row["pin_hash"] or row["badge_hash"]:
        return True
    return any(blob is not None and keyring.needs_reseal(blob)
               for blob in (row["sealed_identity"], row["sealed_credentials"]))


def reseal_people(raw: sqlite3.Connection, keyring: DataKeyring) -> int:
    """Seal plaintext rows and re-seal rows under an older key (digests recomputed under the
    primary key); returns how many rows were rewritten."""
    cursor = raw.execute("SELECT * FROM people")
    names = [d[0] for d in cursor.description]
    count = 0
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        if not _needs_work(keyring, row):
            continue
        person = person_of(keyring, row)
        pin_hash, badge_hash = credentials_of(keyring, row)
        upsert_person(raw, keyring, person)
        set_credentials(raw, keyring, person.id, pin_hash, badge_hash)
        count += 1
    return count


def has_plaintext(raw: sqlite3.Connection) -> bool:
    """True when a people row still holds an identity or hash in the clear, or a consent
    its collector's name."""
    return raw.execute(
        "SELECT 1 FROM people WHERE sealed_identity IS NULL OR display_name != ''"
        " OR employee_code IS NOT NULL OR department IS NOT NULL OR pin_hash IS NOT NULL"
        " OR badge_hash IS NOT NULL UNION ALL SELECT 1 FROM consents"
        " WHERE typeof(collected_by) = 'text' LIMIT 1").fetchone() is not None


def sealed_key_ids(raw: sqlite3.Connection) -> set[bytes]:
    """The key ids named by the sealed identities, credentials and consent collectors."""
    found = set()
    for (blob,) in raw.execute("SELECT sealed_identity FROM people WHERE sealed_identity"
                               " IS NOT NULL UNION SELECT sealed_credentials FROM people"
                               " WHERE sealed_credentials IS NOT NULL UNION SELECT"
                               " collected_by FROM consents"
                               " WHERE typeof(collected_by) = 'blob'"):
        key_id = crypto.sealed_key_id(blob)
        if key_id is not None:
            found.add(key_id)
    return found


def consent_context(consent_id: UUID) -> bytes:
    """Associated data binding a sealed ``collected_by`` to its consent row."""
    return f"consent:{consent_id}".encode()


def seal_collector(keyring: DataKeyring, consent_id: UUID, collected_by: str) -> bytes:
    return keyring.seal(collected_by.encode(), consent_context(consent_id))


def collector_of(keyring: DataKeyring, consent_id: UUID, stored: bytes | str) -> str:
    """``consents.collected_by`` in clear (sealed, or text left by an older version)."""
    if isinstance(stored, str):
        return stored
    return keyring.open(stored, consent_context(consent_id)).decode()


def seal_plaintext_collectors(raw: sqlite3.Connection, keyring: DataKeyring) -> int:
    """Seal ``collected_by`` values an older version stored as text; returns rows sealed."""
    rows = raw.execute("SELECT id, collected_by FROM consents"
                       " WHERE typeof(collected_by) = 'text'").fetchall()
    for row_id, text in rows:
        raw.execute("UPDATE consents SET collected_by = ? WHERE id = ?",
                    (seal_collector(keyring, UUID(row_id), text), row_id))
    return len(rows)
