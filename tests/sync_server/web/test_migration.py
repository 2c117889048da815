"""The HR web migration chains after the server's (one head), downgrades and upgrades."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from sync_server.db.migrate import alembic_config, upgrade
from tests.sync_server.helpers import table_names

WEB_TABLES = {"web_users", "web_sessions", "departments", "shift_types", "shift_assignments",
              "holidays", "leaves", "corrections", "audit_log"}


def test_single_head_and_round_trip(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    config = alembic_config(url)
    scripts = ScriptDirectory.from_config(config)
    assert len(scripts.get_heads()) == 1
    upgrade(url)
    assert WEB_TABLES <= table_names(url)
    before = scripts.get_revision("0100_hr_web").down_revision
    assert isinstance(before, str)
    command.downgrade(config, before)
    remaining = table_names(url)
    assert not WEB_TABLES & remaining and "punches" in remaining
    upgrade(url)
    assert WEB_TABLES <= table_names(url)
