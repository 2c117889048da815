"""Kiosks report their gallery-aware decision rule (thresholds and expected rates);
confirmed look-alike pairs of people (the enrolment duplicate guard).

Revision ID: 0530_sites_lookalikes
Revises: 0510_hardening
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db.types import UTCDateTime

revision = "0530_sites_lookalikes"
down_revision = "0510_hardening"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kiosks") as batch:
        batch.add_column(sa.Column("decision_rule", sa.JSON(), nullable=True))
    op.create_table(
        "lookalike_pairs",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("person_a", sa.Uuid(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("person_b", sa.Uuid(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("confirmed_by", sa.String(200), nullable=False),
        sa.Column("confirmed_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("person_a", "person_b", name="lookalike_pair_once"),
    )


def downgrade() -> None:
    op.drop_table("lookalike_pairs")
    with op.batch_alter_table("kiosks") as batch:
        batch.drop_column("decision_rule")
