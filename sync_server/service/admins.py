"""Admin accounts: usernames and scrypt password hashes (the HR/role model comes later)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.models import AdminUser
from sync_server.errors import BadRequest, Conflict, Unauthorized
from sync_server.service import audit

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_CHARS = 12
# Verified against when the username is unknown, so both cases cost one scrypt.
DUMMY_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$" + "A" * 22 + "==$" + "A" * 86 + "=="


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    salt_text = base64.b64encode(salt).decode()
    digest_text = base64.b64encode(digest).decode()
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt_text}${digest_text}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                               r=int(r), p=int(p))
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def create_admin(session: Session, username: str, password: str, *, actor: str) -> uuid.UUID:
    """An account for the JSON admin API (and the HR web: see create-admin); audited."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise BadRequest(f"passwords need at least {MIN_PASSWORD_CHARS} characters",
                         "password_short", "password", chars=MIN_PASSWORD_CHARS)
    if session.scalars(select(AdminUser).where(AdminUser.username == username)).first():
        raise Conflict(f"admin {username!r} exists", "admin_exists", "username", name=username)
    admin = AdminUser(id=uuid.uuid4(), username=username, password_hash=hash_password(password),
                      created_at=utc_now())
    session.add(admin)
    audit.record(session, actor, "admin.create", "admin_user", admin.id, {"username": username})
    return admin.id


def authenticate_admin(session: Session, username: str, password: str) -> AdminUser:
    """The admin with these credentials, else Unauthorized; an unknown username costs the
    same scrypt as a known one, so the answer time does not tell which usernames exist."""
    admin = session.scalars(select(AdminUser).where(AdminUser.username == username)).first()
    stored = admin.password_hash if admin is not None else DUMMY_HASH
    if not verify_password(password, stored) or admin is None:
        raise Unauthorized("wrong admin username or password", "wrong_login")
    return admin
