"""The sync-server command line: every command documented, provisioning end to end."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kiosk.sync import DeviceReport, provision
from sync_server.cli import build_parser, main
from tests.sync_server.helpers import migrated_settings
from tests.sync_server.live import LiveServer

COMMANDS = ["run", "migrate", "create-admin", "create-user", "provision-kiosk", "revoke-kiosk",
            "rotate-key", "retention", "enroll-folder", "create-integration",
            "subscribe-webhook", "deliver-webhooks", "digest-recipient", "digest",
            "kiosk-enrolments", "held-punches", "report-subscription", "scheduled-reports",
            "sites"]


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


def test_provision_then_revoke_from_the_command_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("SYNC_SERVER_DATABASE__URL", url)
    assert main(["migrate"]) == 0
    # Once through a real process, as the console entry point runs it.
    made = _cli(["provision-kiosk", "--name", "hall"], dict(os.environ))
    assert made.returncode == 0, made.stderr
    code = re.search(r"one-time code: (\S+)", made.stdout)
    assert code is not None
    server = LiveServer(migrated_settings(url)).start()
    try:
        credential = provision(server.url, code.group(1), DeviceReport(), verify_tls=False)
        assert credential.name == "hall"
        capsys.readouterr()
        assert main(["revoke-kiosk", "--name", "hall"]) == 0
        assert "revoked" in capsys.readouterr().out
        assert main(["revoke-kiosk", "--name", "nowhere"]) == 2
        assert "no kiosk" in capsys.readouterr().err
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


def test_run_migrates_and_serves_on_loopback(tmp_path: Path) -> None:
    from tests.sync_server.pg import free_port

    port = free_port()
    env = {**os.environ, "SYNC_SERVER_DATABASE__URL": f"sqlite:///{tmp_path / 'run.sqlite3'}"}
    server = subprocess.Popen([sys.executable, "-m", "sync_server.cli", "run", "--port",
                               str(port)], env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("sync-server run did not come up") from None
                time.sleep(0.2)
        assert answer.status_code == 200 and answer.json()["status"] == "ok"
        assert "x-server-time" in answer.headers
    finally:
        server.terminate()
        server.wait(30)


def test_create_admin_makes_one_login_for_the_web_and_the_api(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'admin.sqlite3'}"
    monkeypatch.setenv("SYNC_SERVER_DATABASE__URL", url)
    monkeypatch.setenv("SYNC_ADMIN_PASSWORD", "a long enough passphrase")
    assert main(["migrate"]) == 0
    assert main(["create-admin", "--username", "chief"]) == 0
    assert "HR web (/hr) and the admin API" in capsys.readouterr().out
    server = LiveServer(migrated_settings(url)).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            assert client.get("/api/v1/kiosks", auth=("chief", "a long enough passphrase")
                              ).status_code == 200
            form = client.get("/hr/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', form)
            assert token is not None
            answer = client.post("/hr/login", data={
                "username": "chief", "password": "a long enough passphrase",
                "csrf_token": token.group(1)})
            assert answer.status_code == 303 and answer.headers["location"].startswith("/hr")
            assert "chief (Quản trị)" in client.get("/hr/users").text
    finally:
        server.stop()
