"""Encryption at rest of biometric blobs (templates, chips) with AES-256-GCM and key ids.

Used by the kiosk store and by the sync server (same blob format). A sealed blob is::

    MAGIC (4 bytes "FAE1") | key id (8 bytes) | nonce (12 bytes) | ciphertext + GCM tag (16)

The key id is the first 8 bytes of SHA-256 of the key, so each blob names the key that sealed
it and rotation can find blobs still under an old key. The associated data binds a blob to its
row (e.g. ``b"template:<uuid>"``): a blob copied into another row does not decrypt.

Keys come from an environment variable (base64 of 32 bytes; several keys separated by commas,
the first one is primary and seals, the others only open) or from a key file (JSON, mode 0600)
holding ``{"primary": "<key id hex>", "keys": {"<key id hex>": "<base64 key>"}}``.
Every function here is pure CPU or small file I/O; any thread.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from faceid.errors import DataKeyError
from protocol.files import write_private

log = logging.getLogger(__name__)

MAGIC = b"FAE1"
KEY_ID_BYTES = 8
NONCE_BYTES = 12
KEY_BYTES = 32
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + NONCE_BYTES


def key_id_of(key: bytes) -> bytes:
    return hashlib.sha256(key).digest()[:KEY_ID_BYTES]


def is_sealed(blob: bytes) -> bool:
    return bytes(blob[:len(MAGIC)]) == MAGIC and len(blob) >= HEADER_BYTES + 16


def sealed_key_id(blob: bytes) -> bytes | None:
    """The key id a sealed blob names, or None for plaintext (legacy) data."""
    if not is_sealed(blob):
        return None
    return bytes(blob[len(MAGIC):len(MAGIC) + KEY_ID_BYTES])


@dataclass(frozen=True)
class DataKeyring:
    """One primary key that seals, and any number of older keys that still open.

    ``source`` says where the keys came from (for messages; never the keys themselves).
    """

    primary: bytes
    others: tuple[bytes, ...] = ()
    source: str = "memory"
    # AESGCM objects by key id, built once (opening a 5,000-person gallery reuses them).
    _ciphers: dict[bytes, AESGCM] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for key in (self.primary, *self.others):
            if len(key) != KEY_BYTES:
                raise DataKeyError(f"data keys must be {KEY_BYTES} bytes (from {self.source})")

    def __repr__(self) -> str:  # keep key material out of logs and tracebacks
        return f"DataKeyring(primary={self.primary_id.hex()}, others={len(self.others)}, " \
               f"source={self.source!r})"

    @property
    def primary_id(self) -> bytes:
        return key_id_of(self.primary)

    def _cipher(self, key_id: bytes) -> AESGCM | None:
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            key = {key_id_of(k): k for k in (*self.others, self.primary)}.get(key_id)
            if key is None:
                return None
            cipher = self._ciphers[key_id] = AESGCM(key)
        return cipher

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        """Encrypt under the primary key; ``context`` (row identity) is authenticated."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        cipher = self._cipher(self.primary_id)
        if cipher is None:  # cannot happen: the primary key is always held
            raise DataKeyError("primary key missing")
        body = cipher.encrypt(nonce, bytes(plaintext), context)
        return MAGIC + self.primary_id + nonce + body

    def open(self, blob: bytes, context: bytes) -> bytes:
        """Decrypt a sealed blob; DataKeyError if its key is not here or it was tampered with."""
        key_id = sealed_key_id(blob)
        if key_id is None:
            raise DataKeyError("blob is not encrypted (plaintext biometric data refused)")
        cipher = self._cipher(key_id)
        if cipher is None:
            raise DataKeyError(f"blob sealed with key {key_id.hex()}, which {self.source} "
                               "does not hold")
        nonce = bytes(blob[len(MAGIC) + KEY_ID_BYTES:HEADER_BYTES])
        try:
            return cipher.decrypt(nonce, bytes(blob[HEADER_BYTES:]), context)
        except InvalidTag:
            raise DataKeyError("blob failed authentication (wrong row or tampered)") from None

    def needs_reseal(self, blob: bytes) -> bool:
        """True for plaintext blobs and blobs under a key other than the primary."""
        return sealed_key_id(blob) != self.primary_id

    def without_others(self) -> DataKeyring:
        return DataKeyring(self.primary, (), self.source)


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode()


def _decode_key(text: str, source: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise DataKeyError(f"{source}: a data key is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise DataKeyError(f"{source}: a data key must decode to {KEY_BYTES} bytes, "
                           f"got {len(key)}")
    return key


def keyring_from_text(text: str, source: str) -> DataKeyring:
    """Parse ``key[,older_key...]`` (base64 each), as in ``KIOSK_DATA_KEY``."""
    keys = [_decode_key(part, source) for part in text.split(",") if part.strip()]
    if not keys:
        raise DataKeyError(f"{source} is set but empty")
    return DataKeyring(keys[0], tuple(keys[1:]), source)


def read_key_file(path: Path) -> DataKeyring:
    """Load a key file; refuses one readable by group or others (it must be mode 0600)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise DataKeyError(f"no data key file at {path}") from None
    except (OSError, ValueError) as exc:
        raise DataKeyError(f"data key file {path} is unreadable: {exc}") from None
    if mode & 0o077:
        raise DataKeyError(f"data key file {path} has mode {mode:o}; it must be 0600")
    try:
        keys = {key_id: _decode_key(text, str(path)) for key_id, text in data["keys"].items()}
        primary = keys[data["primary"]]
    except (KeyError, TypeError, AttributeError):
        raise DataKeyError(f"data key file {path} lacks 'primary' or 'keys'") from None
    others = tuple(key for key in keys.values() if key != primary)
    return DataKeyring(primary, others, f"key file {path}")


def write_key_file(path: Path, keyring: DataKeyring) -> None:
    """Write ``keyring`` to ``path`` atomically with mode 0600."""
    keys: Mapping[str, str] = {key_id_of(key).hex(): encode_key(key)
                               for key in (keyring.primary, *keyring.others)}
    write_private(path, json.dumps({"primary": keyring.primary_id.hex(), "keys": keys},
                                   indent=1))


def resolve_keyring(env_var: str, key_file: Path) -> DataKeyring | None:
    """The keyring from ``$env_var`` if set, else from ``key_file`` if it exists, else None."""
    text = os.environ.get(env_var)
    if text is not None:
        return keyring_from_text(text, f"${env_var}")
    if key_file.exists():
        return read_key_file(key_file)
    return None


def generate_key_file(path: Path) -> DataKeyring:
    """Create a key file (0600) with one fresh key, unless one appears meanwhile.

    Creation is atomic and exclusive (hard link of a finished temp file), so two processes
    racing here end up with the same key. Logs where the key went, never the key.
    """
    keyring = DataKeyring(new_key(), (), f"key file {path}")
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    write_key_file(temp, keyring)
    try:
        os.link(temp, path)
    except FileExistsError:
        return read_key_file(path)
    finally:
        temp.unlink(missing_ok=True)
    log.warning("no data key was configured: generated a new one in %s (mode 0600); back it "
                "up apart from the database, or the encrypted templates are lost with it", path)
    return keyring


def missing_key_message(env_var: str, key_file: Path) -> str:
    return (f"encrypted biometric data is present but no data key is available: set {env_var} "
            f"(base64 of {KEY_BYTES} bytes) or restore the key file {key_file}")
