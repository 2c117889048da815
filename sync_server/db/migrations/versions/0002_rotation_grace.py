"""Credential rotation grace: the previous credential works until the new one is used.

Revision ID: 0002_rotation_grace
Revises: 0001_initial
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_rotation_grace"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kiosks") as batch:
        batch.add_column(sa.Column("previous_credential_hash", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("kiosks") as batch:
        batch.drop_column("previous_credential_hash")
