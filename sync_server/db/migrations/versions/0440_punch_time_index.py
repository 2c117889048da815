"""An index on punches(occurred_at, received_at): report ranges and their data version.

Revision ID: 0440_punch_time_index
Revises: 0430_reminders
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0440_punch_time_index"
down_revision = "0430_reminders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("punches_time_received", "punches", ["occurred_at", "received_at"])


def downgrade() -> None:
    op.drop_index("punches_time_received", table_name="punches")
