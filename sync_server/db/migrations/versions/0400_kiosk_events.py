"""Kiosk events: reminders shown and acknowledged, refused attempts, ...

Revision ID: 0400_kiosk_events
Revises: 0300_privacy
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db.types import UTCDateTime

revision = "0400_kiosk_events"
down_revision = "0300_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kiosk_events",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kiosk_id", sa.Uuid(), sa.ForeignKey("kiosks.id"), nullable=False,
                  index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True, index=True),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("attachment", sa.LargeBinary(), nullable=True),
    )
    op.create_index("kiosk_events_kind_time", "kiosk_events", ["kind", "occurred_at"])


def downgrade() -> None:
    op.drop_index("kiosk_events_kind_time", table_name="kiosk_events")
    op.drop_table("kiosk_events")
