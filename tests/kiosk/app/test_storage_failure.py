"""A full disk at the door: the person is told their check-in was not saved, nothing is
half-written, the kiosk keeps running, and it records again once space is back.

The check-in engine runs on real models and a real photo; SQLite's ``max_page_count`` (a
per-connection cap, set on the engine's own store connection) stands in for a full disk.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from kiosk.app.runtime import KioskRuntime, enroll_from_folder
from kiosk.app.state import Greeting, StorageFailed
from kiosk.store import open_store
from tests.kiosk.app.helpers import kiosk_settings, lfw_photo, photo_folder

pytestmark = [pytest.mark.shared]


def _run_until(engine, wanted: type, seconds: float = 60.0) -> list[object]:  # type: ignore[no-untyped-def]
    states: list[object] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        states += engine.step(0.2)
        if any(isinstance(s, wanted) for s in states):
            return states
    raise AssertionError(f"no {wanted.__name__} within {seconds} s: {states[-5:]}")


def test_a_full_store_shows_not_saved_and_recovers(installed_pack, faces_dev,
                                                   tmp_path: Path) -> None:
    pack, models_dir = installed_pack
    camera = photo_folder(tmp_path / "camera", [lfw_photo(faces_dev, "Colin_Powell", 7)])
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(camera),
                              cooldown_s=0)
    enrolled = enroll_from_folder(
        settings, person_id=None, name="Colin Powell", department="Test department",
        folder=photo_folder(tmp_path / "enroll", [lfw_photo(faces_dev, "Colin_Powell", n)
                                                  for n in range(1, 7)]),
        consent_version="test-notice-1", collected_by="pytest")
    assert enrolled.ok, enrolled.error
    runtime = KioskRuntime(settings, replay_every_frame=True, folder_blank_frames=6,
                           loop_recording=True)
    engine = runtime.build_engine()
    raw = engine._desk.store._conn.raw  # the engine's own connection (the cap is per connection)
    runtime.camera.start()
    try:
        raw.execute(f"PRAGMA max_page_count={raw.execute('PRAGMA page_count').fetchone()[0]}")
        n = 0
        for size in (4000, 400, 40, 1):  # fill the last free bytes, as a full disk would be
            try:
                while True:
                    n += 1
                    raw.execute("INSERT INTO settings (key, value) VALUES (?, ?)",
                                (f"f{n}", "x" * size))
            except sqlite3.OperationalError as exc:  # SQLITE_FULL is the point
                assert "full" in str(exc)
        # Punches may still fit in a half-empty page for a while; then a write fails.
        states = _run_until(engine, StorageFailed)
        failed = next(s for s in states if isinstance(s, StorageFailed))
        assert "full" in failed.detail
        assert engine.counters.store_failures >= 1
        greeted_before = engine.counters.punches

        raw.execute("DELETE FROM settings WHERE key LIKE 'f%'")
        raw.execute("PRAGMA max_page_count=1073741823")  # space is back
        later = _run_until(engine, Greeting)
        assert engine.counters.punches > greeted_before  # recording again
        states += later
    finally:
        runtime.camera.stop()
        engine.close()
    # Every greeting shown stands for a saved punch, and every saved punch was greeted:
    # a failed write showed "not saved", never a greeting.
    greeted = {s.punch_id for s in states if isinstance(s, Greeting) and not s.repeat}
    store = open_store(Path(settings.store.path))
    try:
        assert {p.id for p in store.punches.pending(1000)} == greeted
    finally:
        store.close()
