"""HR web application: web users and sessions, departments, shifts, holidays, leave,
corrections and the audit log.

Revision ID: 0100_hr_web
Revises: 0002_rotation_grace
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db.types import UTCDateTime

revision = "0100_hr_web"
down_revision = "0002_rotation_grace"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("department", sa.String(200)),
        sa.Column("person_id", sa.Uuid()),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("web_users.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "departments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "shift_types",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("start", sa.String(5), nullable=False),
        sa.Column("end", sa.String(5), nullable=False),
        sa.Column("late_grace_min", sa.Integer(), nullable=False),
        sa.Column("early_exit_grace_min", sa.Integer(), nullable=False),
        sa.Column("checkin_window_min", sa.Integer(), nullable=False),
        sa.Column("checkout_window_min", sa.Integer(), nullable=False),
        sa.Column("half_day_below_h", sa.Float(), nullable=False),
        sa.Column("absent_below_h", sa.Float(), nullable=False),
        sa.Column("working_days", sa.String(20), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "shift_assignments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("shift_type_id", sa.Uuid(), sa.ForeignKey("shift_types.id"),
                  nullable=False, index=True),
        sa.Column("person_id", sa.Uuid(), index=True),
        sa.Column("department", sa.String(200)),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date()),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "holidays",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department", sa.String(200)),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "leaves",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("person_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "corrections",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("punch_id", sa.Uuid()),
        sa.Column("instant", UTCDateTime()),
        sa.Column("punch_kind", sa.String(16), nullable=False),
        sa.Column("day", sa.Date()),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("made_by", sa.String(100), nullable=False),
        sa.Column("made_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64)),
        sa.Column("detail", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    for table in ("audit_log", "corrections", "leaves", "holidays", "shift_assignments",
                  "shift_types", "departments", "web_sessions", "web_users"):
        op.drop_table(table)
