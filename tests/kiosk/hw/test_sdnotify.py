"""systemd notify datagrams reach a real unix socket; nothing happens outside systemd."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from kiosk.hw import sdnotify


def test_ready_and_watchdog_reach_the_socket(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        server.settimeout(2)
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        assert sdnotify.ready("first frame processed")
        assert server.recv(1024) == b"READY=1\nSTATUS=first frame processed"
        assert sdnotify.watchdog_ping()
        assert server.recv(1024) == b"WATCHDOG=1"


def test_no_socket_means_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert sdnotify.ready() is False


def test_watchdog_interval_is_half_the_period(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    assert sdnotify.watchdog_interval_s() == 15.0
    monkeypatch.delenv("WATCHDOG_USEC")
    assert sdnotify.watchdog_interval_s() is None


def test_a_full_queue_never_blocks_the_caller(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Nobody reading (systemd stalled): pings are dropped, the frame loop keeps running."""
    import time

    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(str(path))
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        started = time.monotonic()
        results = [sdnotify.watchdog_ping() for _ in range(200)]
        assert time.monotonic() - started < 5
        assert results[0] is True and results[-1] is False
