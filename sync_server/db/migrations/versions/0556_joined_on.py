"""People's joining date (leave balances accrue from the month joined).

Revision ID: 0556_joined_on
Revises: 0553_report_schedules
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0556_joined_on"
down_revision = "0553_report_schedules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("people", sa.Column("joined_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("joined_on")
