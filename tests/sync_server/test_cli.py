"""The sync-server command line: every command documented, provisioning end to end."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.sync import DeviceReport, provision
from sync_server.cli import build_parser, main
from tests.sync_server.helpers import migrated_settings
from tests.sync_server.live import LiveServer

COMMANDS = ["run", "migrate", "create-admin", "provision-kiosk", "revoke-kiosk"]


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sync_server.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_every_command_has_help() -> None:
    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"]
    choices = actions[0].choices or {}
    assert sorted(choices) == sorted(COMMANDS)
    for name, sub in choices.items():
        assert sub.description, f"{name} has no description"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_runs(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0 and "usage: sync-server" in capsys.readouterr().out


def test_provision_then_revoke_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    env = {**os.environ, "SYNC_SERVER_DATABASE__URL": url}
    assert _cli(["migrate"], env).returncode == 0
    made = _cli(["provision-kiosk", "--name", "hall"], env)
    assert made.returncode == 0, made.stderr
    code = re.search(r"one-time code: (\S+)", made.stdout)
    assert code is not None
    server = LiveServer(migrated_settings(url)).start()
    try:
        credential = provision(server.url, code.group(1), DeviceReport(), verify_tls=False)
        assert credential.name == "hall"
        revoked = _cli(["revoke-kiosk", "--name", "hall"], env)
        assert revoked.returncode == 0 and "revoked" in revoked.stdout
        again = _cli(["revoke-kiosk", "--name", "nowhere"], env)
        assert again.returncode == 2 and "no kiosk" in again.stderr
    finally:
        server.stop()


def test_create_admin_refuses_short_passwords(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SYNC_SERVER_DATABASE__URL", f"sqlite:///{tmp_path / 'a.sqlite3'}")
    monkeypatch.setenv("SYNC_ADMIN_PASSWORD", "short")
    assert main(["create-admin", "--username", "root"]) == 2
    assert "12 characters" in capsys.readouterr().err
    monkeypatch.setenv("SYNC_ADMIN_PASSWORD", "a long enough passphrase")
    assert main(["create-admin", "--username", "root"]) == 0
    assert main(["create-admin", "--username", "root"]) == 2
    assert "exists" in capsys.readouterr().err


def test_unknown_settings_key_is_rejected(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "server.toml"
    config.write_text("[database]\nurl = 'sqlite:///x.sqlite3'\nspeed = 3\n")
    assert main(["--config", str(config), "migrate"]) == 2
    assert "database.speed: unknown key" in capsys.readouterr().err
