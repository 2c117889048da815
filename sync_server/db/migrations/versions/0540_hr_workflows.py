"""Materialised finalised attendance days (``day_results``) so reports read rows.

Revision ID: 0540_hr_workflows
Revises: 0500_trust_boundary
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db.types import UTCDateTime

revision = "0540_hr_workflows"
down_revision = "0500_trust_boundary"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "day_results",
        sa.Column("person_id", sa.Uuid(), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("first_in", UTCDateTime(), nullable=True),
        sa.Column("last_out", UTCDateTime(), nullable=True),
        sa.Column("worked_minutes", sa.Integer(), nullable=True),
        sa.Column("late_minutes", sa.Integer(), nullable=False),
        sa.Column("early_exit_minutes", sa.Integer(), nullable=False),
        sa.Column("late_excused", sa.Boolean(), nullable=False),
        sa.Column("punches", sa.Integer(), nullable=False),
        sa.Column("corrected", sa.Boolean(), nullable=False),
        sa.Column("overtime_minutes", sa.Integer(), nullable=False),
        sa.Column("holiday_work_minutes", sa.Integer(), nullable=False),
        sa.Column("rest_day_work_minutes", sa.Integer(), nullable=False),
        sa.Column("overtime_after_min", sa.Integer(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_day_results_day", "day_results", ["day"])


def downgrade() -> None:
    op.drop_index("ix_day_results_day", table_name="day_results")
    op.drop_table("day_results")
