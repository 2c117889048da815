"""`kiosk doctor`'s server, clock and credential checks against real servers on 127.0.0.1:
the sync server (PASS only when it proves it), a plain web server and a closed port (FAIL)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kiosk.app.doctor import run_checks
from kiosk.settings import KioskSettings
from kiosk.sync import KioskCredential
from kiosk.sync.credentials import save_credential
from tests.sync_server.live import LiveServer
from tests.sync_server.pg import free_port


def _settings(tmp_path: Path, url: str) -> KioskSettings:
    return KioskSettings.model_validate({
        "models": {"dir": str(tmp_path / "models")},
        "store": {"path": str(tmp_path / "kiosk.sqlite3")},
        "sync": {"server_url": url, "credential_file": str(tmp_path / "credential.json"),
                 "timeout_s": 5},
    })


def _checks(settings: KioskSettings) -> dict[str, object]:
    return {r.name: r for r in run_checks(settings, skip_camera=True)}


@pytest.fixture
def plain_web_server(tmp_path: Path) -> Iterator[str]:
    """``python -m http.server`` on 127.0.0.1: answers 200 to anything it can list."""
    port = free_port()
    (tmp_path / "www").mkdir()
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                                "127.0.0.1", "--directory", str(tmp_path / "www")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            assert httpx.get(url + "/", timeout=1).status_code == 200
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(10)


def test_sync_server_health_clock_and_credential_pass(tmp_path: Path, live_server: LiveServer,
                                                      credential: KioskCredential) -> None:
    save_credential(tmp_path / "credential.json", credential)
    results = _checks(_settings(tmp_path, live_server.url))
    assert results["server"].ok and "status ok" in results["server"].detail
    assert results["clock"].ok and "s from the server" in results["clock"].detail
    assert results["credential"].ok and "authenticated" in results["credential"].detail


def test_any_web_server_answering_200_fails(tmp_path: Path, plain_web_server: str,
                                            credential: KioskCredential) -> None:
    save_credential(tmp_path / "credential.json",
                    dataclasses.replace(credential, server_url=plain_web_server))
    results = _checks(_settings(tmp_path, plain_web_server))
    assert not results["server"].ok and "not the sync server's health" in \
        results["server"].detail
    assert not results["clock"].ok and "not compared" in results["clock"].detail
    assert not results["credential"].ok


def test_unreachable_server_fails_server_and_clock(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    results = _checks(_settings(tmp_path, url))
    assert not results["server"].ok and "unreachable" in results["server"].detail
    assert not results["clock"].ok
    assert not results["credential"].ok and "provision" in results["credential"].line()


def test_a_credential_the_server_does_not_know_fails(tmp_path: Path, live_server: LiveServer,
                                                     credential: KioskCredential) -> None:
    save_credential(tmp_path / "credential.json",
                    dataclasses.replace(credential, credential="not-the-real-secret"))
    results = _checks(_settings(tmp_path, live_server.url))
    assert results["server"].ok
    assert not results["credential"].ok and "refused" in results["credential"].detail
