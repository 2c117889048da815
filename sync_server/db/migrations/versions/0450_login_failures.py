"""Failed web logins in the database: one login throttle for every server process.

Revision ID: 0450_login_failures
Revises: 0440_punch_time_index
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db.types import UTCDateTime

revision = "0450_login_failures"
down_revision = "0440_punch_time_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("subject", sa.String(300), nullable=False, index=True),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("login_failures")
