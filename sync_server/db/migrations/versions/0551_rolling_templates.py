"""Rolling templates (``templates.rolling``) and the duplicate guard's verdict on kiosk
enrolment uploads (``kiosk_enrolments.guard_*``).

Revision ID: 0551_rolling_templates
Revises: 0550_sites
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0551_rolling_templates"
down_revision = "0550_sites"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("templates") as batch:
        batch.add_column(sa.Column("rolling", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("kiosk_enrolments") as batch:
        batch.add_column(sa.Column("guard_person_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("guard_score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("guard_confirmed_by", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kiosk_enrolments") as batch:
        batch.drop_column("guard_confirmed_by")
        batch.drop_column("guard_score")
        batch.drop_column("guard_person_id")
    with op.batch_alter_table("templates") as batch:
        batch.drop_column("rolling")
