"""Integrations of other systems with the reminders: API tokens, signed webhooks both ways.

Signature scheme (both directions): ``X-Signature: sha256=<hex HMAC-SHA256(secret,
timestamp + "." + nonce + "." + body)>`` with ``X-Timestamp`` (Unix seconds) and ``X-Nonce``
(8-100 characters, unique per request). An inbound request is refused when unsigned, when the
signature is wrong, when its timestamp is more than ``MAX_SKEW_S`` (5 min) away from the
server's clock, or when the same integration already used its nonce (nonces are kept per
integration for ``NONCE_TTL_S``: a nonce older than that is refused by the timestamp check
anyway; another integration's nonces are no concern of this one).

Outbound: every status change of a task is queued for each matching subscription, in the
same transaction as the change; ``deliver_due`` (run by ``sync-server deliver-webhooks``
from a timer, e.g. every minute) POSTs what is due and retries failures with exponential
backoff (``RETRY_BASE_S`` doubling, at most ``RETRY_MAX_S``) up to ``MAX_ATTEMPTS`` times.
A command rather than a thread in the web server: several server workers would each run the
loop, and a timer keeps retrying while the web server restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, sessionmaker

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.reminder_models import (
    Integration,
    WebhookDelivery,
    WebhookNonce,
    WebhookSubscription,
)
from sync_server.errors import BadRequest, Conflict, NotFound, Unauthorized
from sync_server.service import audit, datakeys

MAX_SKEW_S = 300
NONCE_TTL_S = 2 * MAX_SKEW_S
RETRY_BASE_S = 30
RETRY_MAX_S = 3600
MAX_ATTEMPTS = 10
TIMEOUT_S = 10.0


def sign(secret: bytes, timestamp: str, nonce: str, body: bytes) -> str:
    """The ``X-Signature`` value for a request."""
    message = timestamp.encode() + b"." + nonce.encode() + b"." + body
    return "sha256=" + hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_headers(secret: bytes, body: bytes, now: datetime | None = None) -> dict[str, str]:
    """Headers that sign ``body`` now, with a fresh nonce."""
    timestamp = str(int((now or utc_now()).timestamp()))
    nonce = secrets.token_urlsafe(18)
    return {"X-Timestamp": timestamp, "X-Nonce": nonce,
            "X-Signature": sign(secret, timestamp, nonce, body),
            "Content-Type": "application/json"}


def _secret_context(kind: str, row_id: uuid.UUID) -> bytes:
    return datakeys.secret_context(kind, row_id)  # rotation re-encrypts them there


@dataclass(frozen=True)
class IssuedIntegration:
    """Shown once at creation: the bearer token and the webhook secret (hex)."""

    id: uuid.UUID
    name: str
    token: str
    secret: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_integration(session: Session, name: str, *, actor: str) -> IssuedIntegration:
    """A new integration; its token is stored hashed, its webhook secret sealed."""
    name = name.strip()
    if not name or len(name) > 100 or name in ("web", "import"):
        raise BadRequest("an integration needs a name (1-100 characters, not web/import)",
                         "integration_name", "name")
    if session.scalars(select(Integration).where(Integration.name == name)).first():
        raise Conflict(f"integration {name!r} exists", "integration_exists", "name", name=name)
    row_id, token, secret = uuid.uuid4(), secrets.token_urlsafe(32), secrets.token_hex(32)
    sealed = datakeys.keyring_for(session).seal(secret.encode(),
                                                _secret_context("integration", row_id))
    session.add(Integration(id=row_id, name=name, token_hash=_token_hash(token),
                            secret_sealed=sealed, created_at=utc_now()))
    session.flush()
    audit.record(session, actor, "integration.create", "integration", row_id, {"name": name})
    return IssuedIntegration(row_id, name, token, secret)


def authenticate_token(session: Session, token: str) -> Integration:
    """The integration a bearer token belongs to; Unauthorized when unknown or revoked."""
    row = session.scalars(select(Integration).where(
        Integration.token_hash == _token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("unknown or revoked integration token", "bad_integration_token")
    return row


def integration_secret(session: Session, row: Integration) -> bytes:
    return datakeys.open_blob(datakeys.keyring_for(session), row.secret_sealed,
                              _secret_context("integration", row.id))


def verify_inbound(session: Session, system: str, headers: Mapping[str, str], body: bytes,
                   now: datetime | None = None) -> Integration:
    """Check an inbound webhook of integration ``system``; records its nonce.

    Raises Unauthorized for every refusal (the reason is in the message, not a hint to a
    forger beyond what the scheme documents).
    """
    now = now or utc_now()
    signature, timestamp = headers.get("x-signature"), headers.get("x-timestamp")
    nonce = headers.get("x-nonce")
    if not signature or not timestamp or not nonce:
        raise Unauthorized("unsigned: X-Signature, X-Timestamp and X-Nonce are required",
                           "unsigned_request")
    if not 8 <= len(nonce) <= 100:
        raise Unauthorized("X-Nonce must be 8 to 100 characters", "bad_nonce")
    row = session.scalars(select(Integration).where(Integration.name == system)).first()
    if row is None or row.revoked_at is not None:
        raise Unauthorized(f"unknown integration {system!r}", "unknown_integration",
                           name=system)
    expected = sign(integration_secret(session, row), timestamp, nonce, body)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise Unauthorized("bad signature", "bad_signature")
    try:
        skew = abs(now.timestamp() - int(timestamp))
    except ValueError:
        raise Unauthorized("X-Timestamp is Unix seconds", "bad_timestamp") from None
    if skew > MAX_SKEW_S:
        raise Unauthorized(f"stale request: timestamp {skew:.0f} s from the server clock",
                           "stale_request", seconds=round(skew))
    session.execute(delete(WebhookNonce).where(
        WebhookNonce.seen_at < now - timedelta(seconds=NONCE_TTL_S)))
    if session.get(WebhookNonce, (system, nonce)) is not None:
        raise Unauthorized("replayed request: this nonce was already used", "replayed_request")
    session.add(WebhookNonce(nonce=nonce, system=system, seen_at=now))
    session.flush()
    return row


def subscribe(session: Session, url: str, system: str | None = None) -> tuple[uuid.UUID, str]:
    """Subscribe ``url`` to status changes (of one system's tasks, or all); returns its id
    and signing secret (hex, shown once)."""
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        raise BadRequest("a webhook URL is http(s)://..., at most 500 characters", "webhook_url",
                         "url")
    row_id, secret = uuid.uuid4(), secrets.token_hex(32)
    sealed = datakeys.keyring_for(session).seal(secret.encode(),
                                                _secret_context("subscription", row_id))
    session.add(WebhookSubscription(id=row_id, url=url, secret_sealed=sealed, system=system,
                                    active=True, created_at=utc_now()))
    session.flush()
    return row_id, secret


def unsubscribe(session: Session, subscription_id: uuid.UUID) -> None:
    row = session.get(WebhookSubscription, subscription_id)
    if row is None:
        raise NotFound(f"no webhook subscription {subscription_id}", "no_subscription")
    row.active = False


def enqueue_status(session: Session, payload: dict[str, Any]) -> int:
    """Queue ``payload`` (a task's new state) for every matching active subscription."""
    now = utc_now()
    subscriptions = session.scalars(select(WebhookSubscription).where(
        WebhookSubscription.active.is_(True),
        or_(WebhookSubscription.system.is_(None),
            WebhookSubscription.system == payload.get("system"))))
    count = 0
    for subscription in subscriptions:
        delivery_id = uuid.uuid4()
        body = {"event": "task.status", "delivery_id": str(delivery_id), "task": payload}
        session.add(WebhookDelivery(id=delivery_id,
                                    subscription_id=subscription.id, payload=body, attempts=0,
                                    next_attempt_at=now, created_at=now))
        count += 1
    return count


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    failed: int
    given_up: int


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 30 s, 60 s, 120 s ... at most an hour."""
    return timedelta(seconds=min(RETRY_MAX_S, RETRY_BASE_S * 2 ** max(0, attempts - 1)))


def deliver_due(sessions: sessionmaker[Session], client: httpx.Client | None = None,
                now: datetime | None = None, limit: int = 200) -> DeliveryReport:
    """POST every due delivery once (blocking; run from a command or a timer thread).

    A 2xx answer marks it delivered; anything else schedules a retry after ``backoff``;
    after ``MAX_ATTEMPTS`` it stays undelivered with its last error (next_attempt_at NULL).
    """
    now = now or utc_now()
    with transaction(sessions) as session:
        due = [(d.id, d.payload, d.subscription_id) for d in session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.delivered_at.is_(None),
                                          WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at).limit(limit))]
        targets = {row.id: (row.url, _subscription_secret(session, row))
                   for row in session.scalars(select(WebhookSubscription))}
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT_S)
    delivered = failed = given_up = 0
    try:
        for delivery_id, payload, subscription_id in due:
            url, secret = targets[subscription_id]
            error = _post(client, url, secret, payload)
            with transaction(sessions) as session:
                row = session.get(WebhookDelivery, delivery_id)
                if row is None:
                    continue
                row.attempts += 1
                if error is None:
                    row.delivered_at, row.next_attempt_at, row.last_error = utc_now(), None, None
                    delivered += 1
                elif row.attempts >= MAX_ATTEMPTS:
                    row.next_attempt_at, row.last_error = None, error[:500]
                    given_up += 1
                else:
                    row.next_attempt_at, row.last_error = now + backoff(row.attempts), error[:500]
                    failed += 1
    finally:
        if own:
            client.close()
    return DeliveryReport(delivered, failed, given_up)


def _subscription_secret(session: Session, row: WebhookSubscription) -> bytes:
    return datakeys.open_blob(datakeys.keyring_for(session), row.secret_sealed,
                              _secret_context("subscription", row.id))


def _post(client: httpx.Client, url: str, secret: bytes, payload: dict[str, Any]) -> str | None:
    """None when the receiver took it (2xx), else why not."""
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    try:
        answer = client.post(url, content=body, headers=signed_headers(secret, body))
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    if 200 <= answer.status_code < 300:
        return None
    return f"HTTP {answer.status_code}"
