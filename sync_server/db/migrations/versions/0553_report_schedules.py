"""Scheduled report e-mails: subscriptions per web user and report kind, and the sends log.

Revision ID: 0553_report_schedules
Revises: 0551_rolling_templates
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db.types import UTCDateTime

revision = "0553_report_schedules"
down_revision = "0551_rolling_templates"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_subscriptions",
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("web_users.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("kind", sa.String(24), primary_key=True),
        sa.Column("email", sa.String(300), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "report_sends",
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_report_sends_user_id", "report_sends", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_report_sends_user_id", table_name="report_sends")
    op.drop_table("report_sends")
    op.drop_table("report_subscriptions")
