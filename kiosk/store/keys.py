"""Where the kiosk's data key comes from, and key rotation (``kiosk rotate-key``).

Order: ``$KIOSK_DATA_KEY`` (base64; ``new,old`` during a rotation), else the key file
(``$KIOSK_DATA_KEY_FILE``, else ``data.key`` beside the store file, which with default
settings is the credentials directory). A store that holds no biometrics yet and has no key
gets a fresh key file (0600, logged); a store that holds encrypted biometrics and no key is
refused with an error naming the variable. Blocking file I/O: call off the GUI thread.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from faceid.errors import DataKeyError
from faceid.sealing import (
    DataKeyring,
    generate_key_file,
    new_key,
    read_key_file,
    resolve_keyring,
    write_key_file,
)

log = logging.getLogger(__name__)

KEY_ENV = "KIOSK_DATA_KEY"
KEY_FILE_ENV = "KIOSK_DATA_KEY_FILE"
KEY_FILE_NAME = "data.key"


def default_key_file(store_path: Path) -> Path:
    override = os.environ.get(KEY_FILE_ENV)
    return Path(override) if override else Path(store_path).parent / KEY_FILE_NAME


def ensure_key_file(key_file: Path) -> bool:
    """Generate a key file unless ``$KIOSK_DATA_KEY`` is set or the file exists.

    Called at provisioning; returns True when a key was generated.
    """
    if os.environ.get(KEY_ENV) or key_file.exists():
        return False
    generate_key_file(key_file)
    return True


def configured_keyring(key_file: Path) -> DataKeyring | None:
    return resolve_keyring(KEY_ENV, key_file)


@dataclass(frozen=True)
class RotationResult:
    resealed: int
    new_key_id: str
    key_file: Path | None


def rotate_store_key(store_path: Path, key_file: Path | None = None) -> RotationResult:
    """Re-encrypt every template and chip of the store at ``store_path`` under a new key.

    With ``$KIOSK_DATA_KEY`` set, its first key is the new one (the operator puts
    ``new,old`` there, runs this, then removes ``old``). Otherwise a new key is generated
    into the key file, which holds old and new keys until every blob is re-encrypted and then
    only the new one; a crash at any point leaves a file that still opens every blob.
    """
    from kiosk.store.store import open_store

    key_file = key_file or default_key_file(store_path)
    if os.environ.get(KEY_ENV):
        keyring = configured_keyring(key_file)
        if keyring is None:
            raise DataKeyError(f"${KEY_ENV} is empty")
        store = open_store(store_path, keyring=keyring)
        try:
            count = store.biometrics.reseal_all()
        finally:
            store.close()
        return RotationResult(count, keyring.primary_id.hex(), None)
    old = read_key_file(key_file)
    rotated = DataKeyring(new_key(), (old.primary, *old.others), f"key file {key_file}")
    write_key_file(key_file, rotated)
    store = open_store(store_path, keyring=rotated)
    try:
        count = store.biometrics.reseal_all()
    finally:
        store.close()
    write_key_file(key_file, rotated.without_others())
    log.info("data key rotated: %d blobs re-encrypted under key %s", count,
             rotated.primary_id.hex())
    return RotationResult(count, rotated.primary_id.hex(), key_file)
