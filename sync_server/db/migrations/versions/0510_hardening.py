"""Webhook nonces scoped per integration: one integration's nonce is not another's replay.

The primary key of ``webhook_nonces`` becomes (system, nonce); the nonces seen in the
last window are kept.

Revision ID: 0510_hardening
Revises: 0500_trust_boundary
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync_server.db.types import UTCDateTime

revision = "0510_hardening"
down_revision = "0500_trust_boundary"
branch_labels = None
depends_on = None


def _nonce_table(name: str, per_system: bool) -> None:
    op.create_table(
        name,
        sa.Column("system", sa.String(100), nullable=False, primary_key=per_system),
        sa.Column("nonce", sa.String(100), nullable=False, primary_key=True),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
    )


def _replace(per_system: bool) -> None:
    _nonce_table("webhook_nonces_next", per_system)
    op.execute("INSERT INTO webhook_nonces_next (system, nonce, seen_at)"
               " SELECT system, nonce, seen_at FROM webhook_nonces")
    op.drop_table("webhook_nonces")
    op.rename_table("webhook_nonces_next", "webhook_nonces")
    op.create_index("webhook_nonces_seen", "webhook_nonces", ["seen_at"])


def upgrade() -> None:
    _replace(per_system=True)


def downgrade() -> None:
    # Back to one nonce space: where two systems used one nonce, keep the first seen.
    op.execute("DELETE FROM webhook_nonces WHERE EXISTS (SELECT 1 FROM webhook_nonces older"
               " WHERE older.nonce = webhook_nonces.nonce AND (older.seen_at <"
               " webhook_nonces.seen_at OR (older.seen_at = webhook_nonces.seen_at AND"
               " older.system < webhook_nonces.system)))")
    _replace(per_system=False)
