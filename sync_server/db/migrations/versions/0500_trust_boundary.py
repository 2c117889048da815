"""A kiosk is not an administrator: held punches, kiosk enrolments awaiting review, the
server's own clock measurement of each kiosk.

Revision ID: 0500_trust_boundary
Revises: 0460_punch_kind_values (main's head when this branch merged it)
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db.types import UTCDateTime

revision = "0500_trust_boundary"
down_revision = "0460_punch_kind_values"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("punches") as batch:
        batch.add_column(sa.Column("review", sa.String(16), nullable=False,
                                   server_default="accepted"))
        batch.add_column(sa.Column("hold_reasons", sa.String(200)))
        batch.add_column(sa.Column("reviewed_by", sa.String(200)))
        batch.add_column(sa.Column("reviewed_at", UTCDateTime()))
        batch.create_index("ix_punches_review", ["review"])
    with op.batch_alter_table("kiosks") as batch:
        batch.add_column(sa.Column("measured_offset_s", sa.Float()))
        batch.add_column(sa.Column("measured_at", UTCDateTime()))
        batch.add_column(sa.Column("punch_batch_at", UTCDateTime()))
    for table in ("templates", "chips"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("enrolment_id", sa.Uuid()))
            batch.create_index(f"ix_{table}_enrolment_id", ["enrolment_id"])
    op.create_table(
        "kiosk_enrolments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kiosk_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("consent_id", sa.Uuid(), nullable=False),
        sa.Column("recognizer_id", sa.String(64), nullable=False),
        sa.Column("created_person", sa.Boolean(), nullable=False),
        sa.Column("templates", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.Column("reviewed_by", sa.String(200)),
        sa.Column("reviewed_at", UTCDateTime()),
    )
    op.create_index("kiosk_enrolments_rate", "kiosk_enrolments",
                    ["kiosk_id", "person_id", "uploaded_at"])


def downgrade() -> None:
    op.drop_table("kiosk_enrolments")
    for table in ("chips", "templates"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_enrolment_id")
            batch.drop_column("enrolment_id")
    with op.batch_alter_table("kiosks") as batch:
        for column in ("punch_batch_at", "measured_at", "measured_offset_s"):
            batch.drop_column(column)
    with op.batch_alter_table("punches") as batch:
        batch.drop_index("ix_punches_review")
        for column in ("reviewed_at", "reviewed_by", "hold_reasons", "review"):
            batch.drop_column(column)
