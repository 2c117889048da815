"""Reminders: tasks, per-person deliveries, integrations, webhooks, digest recipients.

Revision ID: 0430_reminders
Revises: 0420_alt_checkin
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db.types import UTCDateTime

revision = "0430_reminders"
down_revision = "0420_alt_checkin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_tasks",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("assignee_person_id", sa.Uuid(), index=True),
        sa.Column("assignee_department", sa.String(200), index=True),
        sa.Column("assigned_by", sa.String(100), nullable=False),
        sa.Column("due_at", UTCDateTime(), index=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("nudged_at", UTCDateTime()),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("system", sa.String(100), nullable=False),
        sa.Column("external_id", sa.String(200)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("system", "external_id", name="reminder_tasks_external"),
    )
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("task_id", sa.Uuid(), sa.ForeignKey("reminder_tasks.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("person_id", sa.Uuid(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("shown_at", UTCDateTime()),
        sa.Column("shown_kiosk_id", sa.Uuid()),
        sa.Column("shown_count", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", UTCDateTime()),
        sa.Column("ack_kiosk_id", sa.Uuid()),
        sa.Column("delivered_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "integrations",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("secret_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
    )
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("secret_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("system", sa.String(100)),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("subscription_id", sa.Uuid(),
                  sa.ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), index=True),
        sa.Column("delivered_at", UTCDateTime()),
        sa.Column("last_error", sa.String(500)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "webhook_nonces",
        sa.Column("nonce", sa.String(100), primary_key=True),
        sa.Column("system", sa.String(100), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False, index=True),
    )
    op.create_table(
        "digest_recipients",
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("web_users.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("email", sa.String(300)),
        sa.Column("webhook_url", sa.String(500)),
    )


def downgrade() -> None:
    for table in ("digest_recipients", "webhook_nonces", "webhook_deliveries",
                  "webhook_subscriptions", "integrations", "reminder_deliveries",
                  "reminder_tasks"):
        op.drop_table(table)
