"""The clock offset survives the kiosk's wall clock jumping between syncs (same boot), stays
exactly as measured while the clock keeps pace, and falls back to the last measured offset
after a reboot."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.store import KioskStore, open_store

SERVER_NOW = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


class FakeClocks:
    """The kiosk's wall clock (may jump), its boot clock (never jumps) and its boot id."""

    def __init__(self) -> None:
        self.wall = SERVER_NOW - timedelta(seconds=30)  # the kiosk runs 30 s slow
        self.boot_s = 1000.0
        self.boot = "boot-1"

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.boot_s += seconds


@pytest.fixture
def store(tmp_path: Path) -> KioskStore:
    return open_store(tmp_path / "kiosk.sqlite3")


def _with(store: KioskStore, clocks: FakeClocks) -> KioskStore:
    store.settings.wall_clock = lambda: clocks.wall
    store.settings.boot_clock = lambda: clocks.boot_s
    store.settings.boot_id = lambda: clocks.boot
    return store


def _server_instant(store: KioskStore) -> datetime:
    punch = store.punches.record(uuid.uuid4())
    assert punch.clock_offset_s is not None
    return punch.captured_at + timedelta(seconds=punch.clock_offset_s)


@pytest.mark.parametrize("jump", [timedelta(hours=7), -timedelta(hours=30)])
def test_punches_after_a_wall_clock_jump_still_land_at_the_right_time(
        store: KioskStore, jump: timedelta) -> None:
    clocks = FakeClocks()
    _with(store, clocks).settings.set_clock_offset_s(30.0)  # measured by a sync
    clocks.advance(600)
    assert store.settings.clock_offset_s() == 30.0  # no jump: exactly as measured
    assert abs((_server_instant(store) - (SERVER_NOW + timedelta(seconds=600)))
               .total_seconds()) < 0.001
    clocks.wall += jump  # NTP step, a hand-set clock, an RTC-less reboot-free reset...
    clocks.advance(60)
    punch = store.punches.record(uuid.uuid4())
    assert punch.captured_at == clocks.wall  # the kiosk's clock, as it is
    expected = SERVER_NOW + timedelta(seconds=660)
    assert abs((_server_instant(store) - expected).total_seconds()) < 0.001
    assert abs(store.settings.clock_offset_s() - (30.0 - jump.total_seconds())) < 0.001  # type: ignore[operator]
    store.close()


def test_after_a_reboot_the_last_measured_offset_is_used(store: KioskStore) -> None:
    clocks = FakeClocks()
    _with(store, clocks).settings.set_clock_offset_s(30.0)
    clocks.boot, clocks.boot_s = "boot-2", 5.0  # rebooted: the reference means nothing now
    clocks.wall += timedelta(hours=2)
    assert store.settings.clock_offset_s() == 30.0
    store.close()


def test_without_a_boot_id_the_offset_is_kept_as_measured(store: KioskStore) -> None:
    clocks = FakeClocks()
    clocks.boot = None  # type: ignore[assignment]
    _with(store, clocks).settings.set_clock_offset_s(12.5)
    clocks.wall += timedelta(hours=3)
    assert store.settings.clock_offset_s() == 12.5
    store.close()
