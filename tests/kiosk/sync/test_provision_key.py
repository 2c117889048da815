"""``kiosk provision`` generates the data key when none is configured (real server)."""

from __future__ import annotations

import argparse
import stat
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from faceid.sealing import read_key_file
from kiosk.cli import sync as commands
from sync_server.db.engine import transaction
from sync_server.service import kiosks
from tests.sync_server.live import LiveServer


def test_provisioning_generates_the_data_key(
        live_server: LiveServer, sessions: sessionmaker[Session], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("KIOSK_DATA_KEY", raising=False)
    monkeypatch.delenv("KIOSK_DATA_KEY_FILE", raising=False)
    config = tmp_path / "kiosk.toml"
    config.write_text(f"[store]\npath = '{tmp_path / 'data' / 'k.sqlite3'}'\n[sync]\n"
                      f"verify_tls = false\ncredential_file = '{tmp_path / 'data' / 'c.json'}'\n")
    with transaction(sessions) as session:
        _kiosk_id, code = kiosks.create_provisioning_code(session, "north", ttl_s=600, actor="test")
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path)
    commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["--config", str(config), "provision", "--code", code,
                              "--server", live_server.url])
    assert args.handler(args) == 0
    key_file = tmp_path / "data" / "data.key"
    assert "generated the data key" in capsys.readouterr().out
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(read_key_file(key_file).primary) == 32
