"""Corrections store a punch's kind in the wire spelling ("in"/"out"), the one definition
in the domain core (``attendance.PunchKind``); earlier rows said "check_in"/"check_out".

Revision ID: 0460_punch_kind_values
Revises: 0450_login_failures
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0460_punch_kind_values"
down_revision = "0450_login_failures"
branch_labels = None
depends_on = None

_RENAMES = (("check_in", "in"), ("check_out", "out"))


def upgrade() -> None:
    for old, new in _RENAMES:
        op.execute(f"UPDATE corrections SET punch_kind = '{new}' WHERE punch_kind = '{old}'")


def downgrade() -> None:
    for old, new in _RENAMES:
        op.execute(f"UPDATE corrections SET punch_kind = '{old}' WHERE punch_kind = '{new}'")
