"""``kiosk provision`` and ``kiosk sync`` against a real server (their own parser here)."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.cli import sync as commands
from kiosk.store import open_store
from sync_server.db.engine import transaction
from sync_server.db.models import Punch
from sync_server.service import kiosks
from tests.sync_server.live import LiveServer


def _run(argv: list[str], config: Path) -> int:
    parser = argparse.ArgumentParser(prog="kiosk")
    parser.add_argument("--config", type=Path)
    commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["--config", str(config), *argv])
    return int(args.handler(args))


def test_provision_then_sync_from_the_command_line(
        live_server: LiveServer, sessions: sessionmaker[Session], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f"[store]\npath = '{tmp_path / 'k.sqlite3'}'\n[sync]\n"
                      f"verify_tls = false\ncredential_file = '{tmp_path / 'cred.json'}'\n")
    assert _run(["sync"], config) == 1  # no server configured yet
    with transaction(sessions) as session:
        _kiosk_id, code = kiosks.create_provisioning_code(session, "west-gate", ttl_s=600,
                                                          actor="test")
    assert _run(["provision", "--code", code, "--server", live_server.url], config) == 0
    assert "provisioned as west-gate" in capsys.readouterr().out
    config.write_text(config.read_text() + f"server_url = '{live_server.url}'\n")
    store = open_store(tmp_path / "k.sqlite3")
    for _ in range(3):
        store.punches.record(uuid.uuid4())
    store.close()
    assert _run(["sync"], config) == 0
    assert "pushed 3, pulled 0, waiting 0" in capsys.readouterr().out
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Punch)) == 3
    live_server.stop()
    assert _run(["sync"], config) == 1
    assert "sync failed" in capsys.readouterr().err
