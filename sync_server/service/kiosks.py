"""Kiosk provisioning, credentials, revocation, rotation and the device registry.

A one-time code (``sync-server provision-kiosk``) is exchanged once for a long credential
``<kiosk uuid>.<secret>``; the server keeps only SHA-256 hashes of both. The secrets are 256
random bits, so a fast hash is enough (no password KDF needed for them).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.models import Kiosk
from sync_server.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from sync_server.service import audit

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
CODE_LENGTH = 10


@dataclass(frozen=True)
class DeviceReport:
    """What a kiosk tells the registry at each heartbeat."""

    software_version: str | None
    recognizer_id: str | None
    backlog: int | None
    clock_offset_s: float | None
    feed_cursor: int | None
    decision_rule: dict[str, Any] | None = None  # protocol.kiosks.DecisionRule, validated


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def create_provisioning_code(session: Session, name: str, ttl_s: int, *,
                             actor: str) -> tuple[uuid.UUID, str]:
    """Register (or re-arm, if not yet provisioned) a kiosk; returns (id, one-time code)."""
    if not name.strip():
        raise BadRequest("a kiosk needs a name", "name_needed", "name")
    kiosk = session.scalars(select(Kiosk).where(Kiosk.name == name)).one_or_none()
    now = utc_now()
    if kiosk is None:
        kiosk = Kiosk(id=uuid.uuid4(), name=name, created_at=now)
        session.add(kiosk)
    elif kiosk.credential_hash is not None and kiosk.revoked_at is None:
        raise Conflict(f"kiosk {name!r} is already provisioned; revoke it first",
                       "kiosk_provisioned", "name", name=name)
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    kiosk.code_hash = _hash(raw)
    kiosk.code_expires_at = now + timedelta(seconds=ttl_s)
    kiosk.credential_hash = None
    kiosk.previous_credential_hash = None
    kiosk.revoked_at = None
    session.flush()
    audit.record(session, actor, "kiosk.provision", "kiosk", kiosk.id, {"name": name})
    return kiosk.id, f"{raw[:5]}-{raw[5:]}"


def exchange_code(session: Session, code: str, report: DeviceReport) -> tuple[Kiosk, str]:
    """Trade a valid one-time code for a credential (the code is spent)."""
    digest = _hash(_normalise_code(code))
    kiosk = session.scalars(select(Kiosk).where(Kiosk.code_hash == digest)).one_or_none()
    now = utc_now()
    if kiosk is None or kiosk.code_expires_at is None or kiosk.code_expires_at < now:
        raise Unauthorized("unknown, used or expired provisioning code", "bad_provisioning_code")
    credential = _new_credential(kiosk)
    kiosk.code_hash = None
    kiosk.code_expires_at = None
    kiosk.provisioned_at = now
    record_heartbeat(kiosk, report, now)
    audit.record(session, kiosk_actor(kiosk), "kiosk.provisioned", "kiosk", kiosk.id,
                 {"name": kiosk.name})
    return kiosk, credential


def kiosk_actor(kiosk: Kiosk) -> str:
    """How a kiosk's own actions are attributed in the audit log."""
    return f"kiosk:{kiosk.name}"


def _new_credential(kiosk: Kiosk) -> str:
    secret = secrets.token_urlsafe(32)
    kiosk.credential_hash = _hash(secret)
    return f"{kiosk.id}.{secret}"


def authenticate(session: Session, credential: str) -> Kiosk:
    """The kiosk a bearer credential belongs to; Unauthorized or Forbidden (revoked)."""
    kiosk_text, _, secret = credential.partition(".")
    try:
        kiosk_id = uuid.UUID(kiosk_text)
    except ValueError:
        raise Unauthorized("malformed kiosk credential", "bad_kiosk_credential") from None
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None or not secret:
        raise Unauthorized("unknown kiosk credential", "bad_kiosk_credential")
    if kiosk.revoked_at is not None:
        raise Forbidden(f"kiosk {kiosk.name!r} was revoked", "kiosk_revoked", name=kiosk.name)
    digest = _hash(secret)
    if kiosk.credential_hash is not None and hmac.compare_digest(kiosk.credential_hash, digest):
        if kiosk.previous_credential_hash is not None:
            kiosk.previous_credential_hash = None  # the new credential arrived: end the grace
        return kiosk
    if kiosk.previous_credential_hash is not None and hmac.compare_digest(
            kiosk.previous_credential_hash, digest):
        return kiosk  # rotated, but the kiosk never received the answer: still valid
    raise Unauthorized("wrong kiosk credential", "bad_kiosk_credential")


def rotate_credential(session: Session, kiosk: Kiosk) -> str:
    """Issue a new credential. The one used for this request stays valid until the new one
    is first presented, so a lost rotation answer cannot lock the kiosk out."""
    if kiosk.previous_credential_hash is None:
        kiosk.previous_credential_hash = kiosk.credential_hash
    audit.record(session, kiosk_actor(kiosk), "kiosk.credential_rotated", "kiosk", kiosk.id)
    return _new_credential(kiosk)


def find_kiosk(session: Session, name_or_id: str) -> Kiosk:
    try:
        kiosk = session.get(Kiosk, uuid.UUID(name_or_id))
    except ValueError:
        kiosk = None
    if kiosk is None:
        kiosk = session.scalars(select(Kiosk).where(Kiosk.name == name_or_id)).one_or_none()
    if kiosk is None:
        raise NotFound(f"no kiosk named or numbered {name_or_id!r}", "no_kiosk")
    return kiosk


def revoke(session: Session, name_or_id: str, *, actor: str) -> Kiosk:
    """Revoke a kiosk's credential (and any unused code); audited under ``actor``."""
    kiosk = find_kiosk(session, name_or_id)
    if kiosk.revoked_at is None:
        kiosk.revoked_at = utc_now()
    kiosk.code_hash = None
    kiosk.previous_credential_hash = None
    audit.record(session, actor, "kiosk.revoke", "kiosk", kiosk.id, {"name": kiosk.name})
    return kiosk


def rename(session: Session, kiosk_id: uuid.UUID, name: str, *, actor: str) -> Kiosk:
    """Give a kiosk another (unique) name; audited."""
    row = find_kiosk(session, str(kiosk_id))
    name = name.strip()
    if not name:
        raise BadRequest("a kiosk needs a name", "name_needed", "name")
    if session.scalars(select(Kiosk).where(Kiosk.name == name, Kiosk.id != kiosk_id)).first():
        raise Conflict(f"kiosk {name!r} exists", "kiosk_exists", "name", name=name)
    audit.record(session, actor, "kiosk.rename", "kiosk", kiosk_id, {"from": row.name, "to": name})
    row.name = name
    return row


def record_heartbeat(kiosk: Kiosk, report: DeviceReport, now: datetime | None = None) -> None:
    kiosk.last_seen_at = now or utc_now()
    kiosk.software_version = report.software_version or kiosk.software_version
    kiosk.recognizer_id = report.recognizer_id or kiosk.recognizer_id
    if report.backlog is not None:
        kiosk.backlog = report.backlog
    if report.clock_offset_s is not None:
        kiosk.clock_offset_s = report.clock_offset_s
    if report.feed_cursor is not None:
        kiosk.feed_cursor = report.feed_cursor
    if report.decision_rule is not None:
        kiosk.decision_rule = report.decision_rule


def list_kiosks(session: Session) -> list[Kiosk]:
    return list(session.scalars(select(Kiosk).order_by(Kiosk.name)))
