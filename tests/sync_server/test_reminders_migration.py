"""The reminders migration: its tables come with it and go with it, and only its."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from sync_server.db.migrate import alembic_config, upgrade
from tests.sync_server.helpers import table_names

TABLES = {"reminder_tasks", "reminder_deliveries", "integrations", "webhook_subscriptions",
          "webhook_deliveries", "webhook_nonces", "digest_recipients"}


def test_reminder_tables_come_and_go_with_their_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade(url)
    before = table_names(url)
    assert before >= TABLES
    command.downgrade(alembic_config(url), "0420_alt_checkin")  # the one before it
    remaining = table_names(url)
    assert not remaining & TABLES
    assert {"kiosk_events", "people", "punches"} <= remaining
    # later revisions' tables
    later = {"login_failures", "kiosk_enrolments", "lookalike_pairs", "day_results", "sites",
             "leave_types", "leave_requests", "report_subscriptions", "report_sends"}
    assert before - remaining == TABLES | later
    upgrade(url)
    assert table_names(url) == before
