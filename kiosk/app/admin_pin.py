"""The admin PIN: stored only as a salted scrypt hash, in a credentials file or the environment.

Format (one line): ``scrypt$<n>$<r>$<p>$<salt hex>$<hash hex>``. The file is
``<data dir>/admin_pin`` beside the kiosk credential (mode 0600), or the value of
``$KIOSK_ADMIN_PIN_HASH``. Verifying takes about 50 ms (n=2**14): slow enough to make guessing
a stolen hash costly, fast enough for the GUI thread on a Pi.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from kiosk.errors import SettingsError
from protocol.files import write_private

ENV_VAR = "KIOSK_ADMIN_PIN_HASH"
FILE_NAME = "admin_pin"
MIN_PIN_DIGITS = 4
_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """The storable hash line for ``pin`` (digits only, at least MIN_PIN_DIGITS)."""
    if not pin.isdigit() or len(pin) < MIN_PIN_DIGITS:
        raise SettingsError(f"the admin PIN must be at least {MIN_PIN_DIGITS} digits")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` matches the hash line ``stored`` (constant-time compare)."""
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise SettingsError("the stored admin PIN hash is not in the scrypt$n$r$p$salt$hash form")
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, expected = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        raise SettingsError("the stored admin PIN hash is corrupt") from None
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=len(expected))
    return hmac.compare_digest(digest, expected)


def load_pin_hash(data_dir: Path) -> str | None:
    """The hash line from the environment, else from ``data_dir/admin_pin``; None if unset."""
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return from_env
    path = data_dir / FILE_NAME
    if path.is_file():
        return path.read_text(encoding="ascii").strip() or None
    return None


def save_pin(data_dir: Path, pin: str) -> Path:
    """Write the hash of ``pin`` to ``data_dir/admin_pin`` readable by the owner only."""
    path = data_dir / FILE_NAME
    write_private(path, hash_pin(pin) + "\n")
    return path
