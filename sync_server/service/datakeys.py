"""The server's data key (encryption at rest of templates, chips and feed embeddings).

Order: ``$SYNC_SERVER_DATA_KEY`` (base64; ``new,old`` during a rotation), else the key file
``$SYNC_SERVER_DATA_KEY_FILE``, else ``sync-server-data.key`` beside a SQLite database (or in
the default data directory for PostgreSQL). A database without biometrics and without a key
gets a generated key file (0600, logged); one with biometrics and no key is refused with an
error naming the variable. Small file I/O per call; any thread.
"""

from __future__ import annotations

import base64
import logging
import os
import uuid
from pathlib import Path

from sqlalchemy import Connection, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from faceid.errors import DataKeyError
from faceid.sealing import (
    DataKeyring,
    generate_key_file,
    is_sealed,
    missing_key_message,
    new_key,
    read_key_file,
    resolve_keyring,
    write_key_file,
)
from protocol.paths import default_data_dir
from sync_server.db.event_models import KioskEventRow
from sync_server.db.models import Change, Chip, Template
from sync_server.db.reminder_models import Integration, WebhookSubscription
from sync_server.errors import ServerError
from sync_server.service import audit

log = logging.getLogger(__name__)

KEY_ENV = "SYNC_SERVER_DATA_KEY"
KEY_FILE_ENV = "SYNC_SERVER_DATA_KEY_FILE"
KEY_FILE_NAME = "sync-server-data.key"
SEALED_FIELD = "embedding_sealed"


class DataKeyUnavailable(ServerError):
    """The data key is missing or cannot open the stored biometrics (server misconfigured)."""

    status = 503
    title = "Data key unavailable"


def default_key_file(database_url: str) -> Path:
    override = os.environ.get(KEY_FILE_ENV)
    if override:
        return Path(override)
    parsed = make_url(database_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database \
            and parsed.database != ":memory:":
        return Path(parsed.database).parent / KEY_FILE_NAME
    return default_data_dir() / KEY_FILE_NAME


def template_context(template_id: uuid.UUID) -> bytes:
    return f"template:{template_id}".encode()


def chip_context(chip_id: uuid.UUID) -> bytes:
    return f"chip:{chip_id}".encode()


def secret_context(kind: str, row_id: uuid.UUID) -> bytes:
    """An integration's or a webhook subscription's signing secret (``kind``)."""
    return f"{kind}-secret:{row_id}".encode()


def event_context(event_id: uuid.UUID) -> bytes:
    return f"event:{event_id}".encode()


def keyring_for(session: Session) -> DataKeyring:
    """The configured keyring for this session's database; generates one for an empty one."""
    bind = session.get_bind()
    url = bind.engine.url if isinstance(bind, Connection) else bind.url
    key_file = default_key_file(url.render_as_string(hide_password=False))
    try:
        keyring = resolve_keyring(KEY_ENV, key_file)
        if keyring is not None:
            return keyring
        if _holds_biometrics(session):
            raise DataKeyUnavailable(missing_key_message(KEY_ENV, key_file),
                                     "data_key_unavailable")
        return generate_key_file(key_file)
    except DataKeyError as exc:
        raise DataKeyUnavailable(str(exc), "data_key_unavailable") from None


def _holds_biometrics(session: Session) -> bool:
    templates = session.scalar(select(func.count()).select_from(Template)) or 0
    chips = session.scalar(select(func.count()).select_from(Chip)) or 0
    return templates + chips > 0


def open_blob(keyring: DataKeyring, blob: bytes, context: bytes) -> bytes:
    try:
        return keyring.open(blob, context)
    except DataKeyError as exc:
        raise DataKeyUnavailable(str(exc), "data_key_unavailable") from None


def seal_embedding_field(keyring: DataKeyring, template_id: uuid.UUID, raw: bytes) -> str:
    """The feed's stored form of an embedding: base64 of the sealed blob."""
    return base64.b64encode(keyring.seal(raw, template_context(template_id))).decode()


def unseal_feed_data(keyring: DataKeyring, template_id: uuid.UUID,
                     data: dict[str, object]) -> dict[str, object]:
    """Feed data as the kiosks expect it: ``embedding`` in clear (they re-encrypt)."""
    sealed = data.get(SEALED_FIELD)
    if not isinstance(sealed, str):
        return data
    raw = open_blob(keyring, base64.b64decode(sealed), template_context(template_id))
    clear = {key: value for key, value in data.items() if key != SEALED_FIELD}
    clear["embedding"] = base64.b64encode(raw).decode()
    return clear


def reseal_all(session: Session, keyring: DataKeyring) -> int:
    """Re-encrypt templates, chips, feed embeddings, event attachments and integration and
    webhook secrets not under the primary key."""
    count = 0
    for template in session.scalars(select(Template)):
        if keyring.needs_reseal(template.embedding):
            template.embedding = _resealed(keyring, template.embedding,
                                           template_context(template.id))
            count += 1
    for chip in session.scalars(select(Chip)):
        if keyring.needs_reseal(chip.image):
            chip.image = _resealed(keyring, chip.image, chip_context(chip.id))
            count += 1
    for event in session.scalars(select(KioskEventRow)
                                 .where(KioskEventRow.attachment.is_not(None))):
        assert event.attachment is not None
        if keyring.needs_reseal(event.attachment):
            event.attachment = _resealed(keyring, event.attachment,
                                         event_context(event.id))
            count += 1
    secret_rows: list[tuple[str, Integration | WebhookSubscription]] = [
        *(("integration", row) for row in session.scalars(select(Integration))),
        *(("subscription", row) for row in session.scalars(select(WebhookSubscription)))]
    for kind, row in secret_rows:
        if keyring.needs_reseal(row.secret_sealed):
            row.secret_sealed = _resealed(keyring, row.secret_sealed, secret_context(kind, row.id))
            count += 1
    for change in session.scalars(select(Change).where(Change.entity == "template")):
        sealed = change.data.get(SEALED_FIELD) if change.data else None
        if isinstance(sealed, str) and keyring.needs_reseal(base64.b64decode(sealed)):
            raw = open_blob(keyring, base64.b64decode(sealed), template_context(change.entity_id))
            change.data = {**change.data,
                           SEALED_FIELD: seal_embedding_field(keyring, change.entity_id, raw)}
            count += 1
    return count


def _resealed(keyring: DataKeyring, blob: bytes, context: bytes) -> bytes:
    plain = open_blob(keyring, blob, context) if is_sealed(blob) else blob
    return keyring.seal(plain, context)


def rotate(session: Session, database_url: str, *, actor: str) -> tuple[int, str]:
    """Rotate to a new key and re-encrypt everything (in the caller's transaction).

    With ``$SYNC_SERVER_DATA_KEY`` set, its first key is the new one (put ``new,old`` there,
    run this, then drop ``old``). Otherwise a new key joins the key file, everything is
    re-encrypted, and the caller must call :func:`drop_old_keys` after committing.
    Returns (blobs re-encrypted, new key id hex).
    """
    key_file = default_key_file(database_url)
    try:
        if os.environ.get(KEY_ENV):
            keyring = resolve_keyring(KEY_ENV, key_file)
        else:
            old = read_key_file(key_file)
            keyring = DataKeyring(new_key(), (old.primary, *old.others), f"key file {key_file}")
            write_key_file(key_file, keyring)
    except DataKeyError as exc:
        raise DataKeyUnavailable(str(exc), "data_key_unavailable") from None
    if keyring is None:
        raise DataKeyUnavailable(f"${KEY_ENV} is empty", "data_key_unavailable")
    count = reseal_all(session, keyring)
    audit.record(session, actor, "data_key.rotate", "data_key", keyring.primary_id.hex(),
                 {"resealed": count})
    return count, keyring.primary_id.hex()


def drop_old_keys(database_url: str) -> None:
    """After a committed rotation: keep only the primary key in the key file."""
    if os.environ.get(KEY_ENV):
        return
    key_file = default_key_file(database_url)
    write_key_file(key_file, read_key_file(key_file).without_others())
