"""Tables of the reminders ("AI Reminder"): tasks, per-person deliveries, integrations.

A task is given to one person or to a department; it becomes one delivery per person (the
kiosk's reminder, keyed by the delivery id, which is also the feed entity id). Deliveries
record what the kiosks reported: first shown (when, where), acknowledged (when, where), and
for a leader's nudge when the urgent reminder was delivered.

Secrets: integration API tokens are kept as SHA-256 digests; the shared secrets that sign
webhooks must be usable by the server, so they are sealed with the data keyring
(``service.datakeys``) and never stored in clear.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db.models import Base
from sync_server.db.types import UTCDateTime


class ReminderTask(Base):
    """A task a leader (or another system) gave to a person or to a whole department.

    ``system`` names where the ``external_id`` is unique: "web" for the web app and imports,
    else the integration's name; (system, external_id) makes API and webhook calls idempotent.
    """

    __tablename__ = "reminder_tasks"
    __table_args__ = (UniqueConstraint("system", "external_id", name="reminder_tasks_external"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    assignee_person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    assignee_department: Mapped[str | None] = mapped_column(String(200), index=True)
    assigned_by: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    priority: Mapped[int] = mapped_column(Integer, default=1)  # 0 low, 1 normal, 2 high
    status: Mapped[str] = mapped_column(String(16), index=True)  # reminders.Status value
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(16))  # reminders.Source value
    system: Mapped[str] = mapped_column(String(100))
    external_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReminderDelivery(Base):
    """One task for one person; ``id`` is the reminder's feed entity id (uuid5 of both)."""

    __tablename__ = "reminder_deliveries"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    task_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reminder_tasks.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True)
    shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first time, kept
    shown_kiosk_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    shown_count: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ack_kiosk_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # urgent: first shown
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Integration(Base):
    """Another system allowed to push tasks: a bearer token (hashed) and a webhook secret."""

    __tablename__ = "integrations"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookSubscription(Base):
    """A URL that receives task status changes, signed with its own secret (sealed)."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    system: Mapped[str | None] = mapped_column(String(100))  # None: every task
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    """One status change to POST to one subscription, retried with backoff until done."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookNonce(Base):
    """A nonce an inbound webhook of one integration (``system``) used; a second use by the
    same integration within the window is a replay (nonces are scoped per integration)."""

    __tablename__ = "webhook_nonces"
    __table_args__ = (Index("webhook_nonces_seen", "seen_at"),)

    system: Mapped[str] = mapped_column(String(100), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(100), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DigestRecipient(Base):
    """Where a leader's daily digest goes: an e-mail address and/or a webhook URL."""

    __tablename__ = "digest_recipients"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("web_users.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(300))
    webhook_url: Mapped[str | None] = mapped_column(String(500))
