"""PINs and QR badges: the check-in alternatives for people who decline face recognition.

Pure standard library, usable by the kiosk (verification, offline) and the server (issuing).

- A PIN is 4 to 8 decimal digits. Trivial PINs (one repeated digit, a run such as 1234 or
  9876, a repeated pair such as 1212) are refused: they are the first ones anybody tries.
- A PIN is stored only as a scrypt hash in a self-describing string
  ``scrypt$n=<N>,r=<r>,p=<p>$<salt b64>$<hash b64>`` so the parameters can be raised later
  without breaking stored hashes. N=2**14, r=8, p=1 costs about 16 MB and a few tens of
  milliseconds per verification: cheap for one check at the door, slow for guessing.
  A PIN space of 10**4 cannot resist offline guessing by whoever steals the hashes; the
  kiosk's lockout (5 wrong attempts) protects the door, and a PIN only ever records
  attendance, never grants access to anything else.
- A badge token is 32 random bytes (256 bits), URL-safe base64. Only its SHA-256 hex digest
  is stored and published: a token has full entropy, so a fast hash is enough (no salt
  needed), and the kiosk can look a scanned token up by its digest. The QR code holds
  ``fa-badge:<token>`` so the kiosk ignores any other QR code shown to its camera.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 8

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
_SALT_BYTES = 16
_KEY_BYTES = 32
_MAX_N = 2**20  # a stored string asking for more would cost > 1 GB to verify: refused
_SCHEME = "scrypt"

BADGE_TOKEN_BYTES = 32
BADGE_PREFIX = "fa-badge:"  # what a badge's QR code holds: prefix + token


def validate_pin(pin: str) -> None:
    """Raise ValueError with a message fit for the user when ``pin`` is not acceptable."""
    if not (PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS) or not pin.isascii() or (
        not pin.isdigit()
    ):
        raise ValueError(f"A PIN is {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits (0-9).")
    if _is_trivial(pin):
        raise ValueError(
            "This PIN is too easy to guess (repeated digits, a run like 1234, or a repeated "
            "pair like 1212). Choose another."
        )


def _is_trivial(pin: str) -> bool:
    digits = [int(c) for c in pin]
    steps = {b - a for a, b in zip(digits, digits[1:], strict=False)}
    if steps in ({0}, {1}, {-1}):  # 0000, 1234, 9876
        return True
    return len(pin) % 2 == 0 and pin == pin[:2] * (len(pin) // 2)  # 1212, 474747


def hash_pin(pin: str) -> str:
    """Validate ``pin`` and return its salted scrypt hash string (see the module docstring)."""
    validate_pin(pin)
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return (
        f"{_SCHEME}$n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P}"
        f"${_b64(salt)}${_b64(key)}"
    )


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` matches ``stored`` (a ``hash_pin`` string); constant-time compare.

    A malformed ``pin`` (not digits, wrong length) is simply False. A malformed ``stored``
    string raises ValueError: it is a data fault, not a wrong PIN.
    """
    n, r, p, salt, expected = _parse(stored)
    if not pin.isascii() or not pin.isdigit() or len(pin) > PIN_MAX_DIGITS:
        return False
    return hmac.compare_digest(_scrypt(pin, salt, n, r, p, len(expected)), expected)


def is_pin_hash(stored: str) -> bool:
    """True when ``stored`` is a well-formed ``hash_pin`` string."""
    try:
        _parse(stored)
    except ValueError:
        return False
    return True


def new_badge_token() -> str:
    """A fresh badge token: 256 random bits, URL-safe base64 without padding (43 chars)."""
    return secrets.token_urlsafe(BADGE_TOKEN_BYTES)


def badge_token_hash(token: str) -> str:
    """The SHA-256 hex digest of ``token`` (surrounding whitespace ignored): what is stored."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def badge_payload(token: str) -> str:
    """The text to encode in a badge's QR code: BADGE_PREFIX followed by the token."""
    return BADGE_PREFIX + token


def token_from_payload(text: str) -> str | None:
    """The token in a scanned QR text, or None when it is not one of our badges."""
    text = text.strip()
    if not text.startswith(BADGE_PREFIX):
        return None
    token = text[len(BADGE_PREFIX):]
    if not (16 <= len(token) <= 128) or not all(c.isalnum() or c in "-_" for c in token):
        return None
    return token


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes]:
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != _SCHEME:
        raise ValueError("not a PIN hash (expected scrypt$n=..,r=..,p=..$salt$hash)")
    try:
        params = dict(item.split("=", 1) for item in parts[1].split(","))
        n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
        salt = base64.b64decode(parts[2], validate=True)
        key = base64.b64decode(parts[3], validate=True)
    except (KeyError, ValueError, binascii.Error) as exc:
        raise ValueError(f"malformed PIN hash: {exc}") from exc
    if not (2 <= n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
        raise ValueError("PIN hash parameters out of range")
    if len(salt) < 8 or len(key) < 16:
        raise ValueError("PIN hash salt or key too short")
    return n, r, p, salt, key


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, dklen: int = _KEY_BYTES) -> bytes:
    # maxmem: scrypt needs 128*n*r bytes; leave headroom over OpenSSL's 32 MB default.
    return hashlib.scrypt(
        pin.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=256 * n * r + 2**20
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
