"""Privacy: erasure records with per-kiosk acknowledgements, data-subject access requests.

Revision ID: 0300_privacy
Revises: 0100_hr_web
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db.models import SEQ_TYPE
from sync_server.db.types import UTCDateTime

revision = "0300_privacy"
down_revision = "0100_hr_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("person_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("tombstone_seq", SEQ_TYPE, nullable=False),
        sa.Column("templates_erased", sa.Integer(), nullable=False),
        sa.Column("chips_erased", sa.Integer(), nullable=False),
    )
    op.create_table(
        "erasure_acks",
        sa.Column("erasure_id", sa.Uuid(), sa.ForeignKey("erasures.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("kiosk_id", sa.Uuid(), sa.ForeignKey("kiosks.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("confirmed_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "access_requests",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("person_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("fulfilled_at", UTCDateTime()),
    )


def downgrade() -> None:
    op.drop_table("access_requests")
    op.drop_table("erasure_acks")
    op.drop_table("erasures")
