"""PIN and QR badge check-in: hashed credentials per person.

Revision ID: 0420_alt_checkin
Revises: 0400_kiosk_events
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db.types import UTCDateTime

revision = "0420_alt_checkin"
down_revision = "0400_kiosk_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alt_checkin_credentials",
        sa.Column("person_id", sa.Uuid(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("pin_hash", sa.String(200)),
        sa.Column("pin_set_at", UTCDateTime()),
        sa.Column("pin_set_by", sa.String(200)),
        sa.Column("badge_hash", sa.String(64), unique=True),
        sa.Column("badge_issued_at", UTCDateTime()),
        sa.Column("badge_issued_by", sa.String(200)),
    )


def downgrade() -> None:
    op.drop_table("alt_checkin_credentials")
