"""The sync-server command line: every command documented, provisioning end to end."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.sync import DeviceReport, provision
from sync_server.cli import build_parser
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
def test_help_runs(command: str) -> None:
    result = _cli([command, "--help"], dict(os.environ))
    assert result.returncode == 0 and "usage: sync-server" in result.stdout


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


def test_create_admin_refuses_short_passwords(tmp_path: Path) -> None:
    env = {**os.environ, "SYNC_SERVER_DATABASE__URL": f"sqlite:///{tmp_path / 'a.sqlite3'}",
           "SYNC_ADMIN_PASSWORD": "short"}
    refused = _cli(["create-admin", "--username", "root"], env)
    assert refused.returncode == 2 and "12 characters" in refused.stderr
    env["SYNC_ADMIN_PASSWORD"] = "a long enough passphrase"
    assert _cli(["create-admin", "--username", "root"], env).returncode == 0


def test_unknown_settings_key_is_rejected(tmp_path: Path) -> None:
    config = tmp_path / "server.toml"
    config.write_text("[database]\nurl = 'sqlite:///x.sqlite3'\nspeed = 3\n")
    result = _cli(["--config", str(config), "migrate"], dict(os.environ))
    assert result.returncode == 2 and "database.speed: unknown key" in result.stderr
