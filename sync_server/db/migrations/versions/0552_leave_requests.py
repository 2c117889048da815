"""Leave types (seeded: annual, sick, unpaid, business trip), staff requests awaiting a
leader's decision, and the type of each recorded leave.

Revision ID: 0552_leave_requests
Revises: 0540_hr_workflows
Create Date: 2026-12-06
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from sync_server.db.types import UTCDateTime

revision = "0552_leave_requests"
down_revision = "0540_hr_workflows"
branch_labels = None
depends_on = None

# code, Vietnamese name, English name, days a year, monthly accrual, carry-over cap, counted
DEFAULT_TYPES = (
    ("annual", "Nghỉ phép năm", "Annual leave", 12.0, True, 5.0, True),
    ("sick", "Nghỉ ốm", "Sick leave", 0.0, False, 0.0, False),
    ("unpaid", "Nghỉ không lương", "Unpaid leave", 0.0, False, 0.0, False),
    ("business_trip", "Đi công tác", "Business trip", 0.0, False, 0.0, False),
)


def upgrade() -> None:
    types = op.create_table(
        "leave_types",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name_vi", sa.String(100), nullable=False),
        sa.Column("name_en", sa.String(100), nullable=False),
        sa.Column("days_per_year", sa.Float(), nullable=False),
        sa.Column("monthly_accrual", sa.Boolean(), nullable=False),
        sa.Column("carry_over_cap_days", sa.Float(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    now = datetime.now(UTC)
    op.bulk_insert(types, [
        {"id": uuid.uuid5(uuid.NAMESPACE_URL, f"leave-type:{code}"), "code": code,
         "name_vi": vi, "name_en": en, "days_per_year": days, "monthly_accrual": monthly,
         "carry_over_cap_days": cap, "counted": counted, "active": True, "updated_at": now}
        for code, vi, en, days, monthly, cap, counted in DEFAULT_TYPES])
    op.create_table(
        "leave_requests",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("leave_type_id", sa.Uuid(), nullable=True),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("days", sa.Float(), nullable=True),
        sa.Column("correction_kind", sa.String(16), nullable=True),
        sa.Column("instant", UTCDateTime(), nullable=True),
        sa.Column("punch_kind", sa.String(16), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("submitted_by", sa.String(100), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decision_note", sa.String(500), nullable=True),
        sa.Column("result_id", sa.Uuid(), nullable=True),
    )
    op.create_index("ix_leave_requests_person_id", "leave_requests", ["person_id"])
    op.create_index("ix_leave_requests_status", "leave_requests", ["status"])
    with op.batch_alter_table("leaves") as batch:
        batch.add_column(sa.Column("leave_type_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leaves") as batch:
        batch.drop_column("leave_type_id")
    op.drop_index("ix_leave_requests_status", table_name="leave_requests")
    op.drop_index("ix_leave_requests_person_id", table_name="leave_requests")
    op.drop_table("leave_requests")
    op.drop_table("leave_types")
