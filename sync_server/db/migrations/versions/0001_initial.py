"""Initial schema: people, consents, templates, chips, kiosks, punches, changes, admins.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db.models import SEQ_TYPE
from sync_server.db.types import UTCDateTime

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("employee_code", sa.String(64), unique=True),
        sa.Column("department", sa.String(200), index=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("person_id", sa.Uuid(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("given_at", UTCDateTime(), nullable=False),
        sa.Column("notice_version", sa.String(64), nullable=False),
        sa.Column("collected_by", sa.String(200), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime()),
    )
    op.create_table(
        "templates",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("person_id", sa.Uuid(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("consent_id", sa.Uuid(), sa.ForeignKey("consents.id"), nullable=False),
        sa.Column("recognizer_id", sa.String(64), nullable=False, index=True),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=False),
        sa.Column("source_kiosk_id", sa.Uuid()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "chips",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("person_id", sa.Uuid(), sa.ForeignKey("people.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("image_format", sa.String(16), nullable=False),
        sa.Column("alignment", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("code_hash", sa.String(64)),
        sa.Column("code_expires_at", UTCDateTime()),
        sa.Column("credential_hash", sa.String(64)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("provisioned_at", UTCDateTime()),
        sa.Column("revoked_at", UTCDateTime()),
        sa.Column("last_seen_at", UTCDateTime()),
        sa.Column("software_version", sa.String(64)),
        sa.Column("recognizer_id", sa.String(64)),
        sa.Column("backlog", sa.Integer()),
        sa.Column("clock_offset_s", sa.Float()),
        sa.Column("feed_cursor", SEQ_TYPE),
    )
    op.create_table(
        "punches",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kiosk_id", sa.Uuid(), sa.ForeignKey("kiosks.id"), nullable=False,
                  index=True),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("captured_at", UTCDateTime(), nullable=False),
        sa.Column("clock_offset_s", sa.Float()),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )
    op.create_index("punches_person_time", "punches", ["person_id", "occurred_at"])
    op.create_table(
        "changes",
        sa.Column("seq", SEQ_TYPE, primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("op", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("recognizer_id", sa.String(64)),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("changes_entity", "changes", ["entity", "entity_id"])
    op.create_table(
        "admin_users",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("admin_users", "changes", "punches", "kiosks", "chips", "templates",
                  "consents", "people"):
        op.drop_table(table)
