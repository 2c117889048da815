"""Sites (buildings): kiosks, departments and people assigned to sites; feed entries carry
the site whose kiosks receive them. Every existing kiosk and department goes to one default
site, people follow their department, and existing feed entries stay for every kiosk: an
upgraded server behaves exactly as before until a second site is made.

Revision ID: 0550_sites
Revises: 0552_leave_requests
Create Date: 2026-12-06
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

from sync_server.clock import utc_now
from sync_server.db.types import UTCDateTime

revision = "0550_sites"
down_revision = "0552_leave_requests"
branch_labels = None
depends_on = None

DEFAULT_SITE_NAME = "Trụ sở chính"  # head office; renamed on the Sites page


def upgrade() -> None:
    sites = op.create_table(
        "sites",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    default_id = uuid.uuid4()
    op.bulk_insert(sites, [{"id": default_id, "name": DEFAULT_SITE_NAME, "is_default": True,
                            "created_at": utc_now()}])
    for table in ("people", "kiosks", "departments"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("site_id", sa.Uuid(), nullable=True))
            batch.create_foreign_key(f"{table}_site_fk", "sites", ["site_id"], ["id"])
            batch.create_index(f"ix_{table}_site_id", ["site_id"])
    with op.batch_alter_table("kiosks") as batch:
        batch.add_column(sa.Column("feed_resync", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("changes") as batch:
        batch.add_column(sa.Column("site_id", sa.Uuid(), nullable=True))
        batch.create_index("ix_changes_site_id", ["site_id"])
    for table in ("kiosks", "departments"):
        op.execute(sa.table(table, sa.column("site_id", sa.Uuid()))
                   .update().values(site_id=default_id))


def downgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        batch.drop_index("ix_changes_site_id")
        batch.drop_column("site_id")
    with op.batch_alter_table("kiosks") as batch:
        batch.drop_column("feed_resync")
    for table in ("departments", "kiosks", "people"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_site_id")
            batch.drop_constraint(f"{table}_site_fk", type_="foreignkey")
            batch.drop_column("site_id")
    op.drop_table("sites")
