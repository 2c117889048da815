"""Kiosks report their gallery-aware decision rule (thresholds and expected rates).

Revision ID: 0530_sites_lookalikes
Revises: 0450_login_failures
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0530_sites_lookalikes"
down_revision = "0450_login_failures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kiosks") as batch:
        batch.add_column(sa.Column("decision_rule", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kiosks") as batch:
        batch.drop_column("decision_rule")
