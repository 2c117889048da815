"""Drills on one kiosk's own resources: a full disk, a corrupted model, a jumping clock.

These run the kiosk's real store, client, model installer and pack loader in this process
(the server is the real subprocess). A full disk is simulated with SQLite's
``PRAGMA max_page_count`` on the store's own connection (a size limit that needs no root
and behaves like ENOSPC for SQLite: SQLITE_FULL).
"""

from __future__ import annotations

import random
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError, ModelIntegrityError, StoreError
from kiosk.store import KioskStore, open_store
from kiosk.sync import SyncClient, sync_once
from scripts.drills.common import (
    ROOT,
    DrillOptions,
    DrillResult,
    compare,
    drill_person,
    prime,
    provision,
    server_rows,
    start_server,
    store_punch_ids,
)
from scripts.drills.kills import unacknowledged

SQLITE_MAX_PAGES = 1073741823  # SQLite's default max_page_count
DRILL_PACK = "yunet-intel0095"


def _drain(store: KioskStore, client: SyncClient, result: DrillResult) -> None:
    for _ in range(50):
        if not store.punches.backlog():
            return
        try:
            sync_once(store, client, batch_size=200)
        except KioskError as exc:
            result.notes.append(f"drain retry: {exc}")
    result.fail(f"outbox not drained: {store.punches.backlog()} left")


def _limit_pages(store: KioskStore, pages: int) -> None:
    # The limit is per connection, so it must be set on the store's own one (private on
    # purpose: nothing but a drill should ever shrink a kiosk's database).
    store._conn.raw.execute(f"PRAGMA max_page_count={pages}")  # noqa: SLF001


def disk_full(options: DrillOptions) -> DrillResult:
    """Fill the store; recording fails clearly, nothing confirmed is lost, it resumes."""
    result = DrillResult("disk_full", iterations=options.count(20, 3))
    folder, url, server = start_server(options, result)
    rng = random.Random(options.seed)
    credential = provision(url, server.url, 1, "disk-drill")[0]
    prime(folder / "kiosk" / "kiosk.sqlite3", credential)
    store = open_store(folder / "kiosk" / "kiosk.sqlite3")
    refused = blocked_syncs = resumed = 0
    messages: set[str] = set()
    try:
        with SyncClient(credential, verify_tls=False) as client:
            for _ in range(result.iterations):
                for _ in range(rng.randint(5, 30)):
                    store.punches.record(drill_person(rng.randint(1, 50)))
                if rng.random() < 0.5:
                    sync_once(store, client, batch_size=rng.randint(5, 50))
                confirmed = set(store_punch_ids(store.path))
                page_count = store._conn.raw.execute("PRAGMA page_count").fetchone()[0]  # noqa: SLF001
                _limit_pages(store, page_count)
                error = _fill(store, confirmed)
                if error is not None:
                    refused += 1
                    messages.add(error.split(": ", 1)[-1])
                    result.check("full" in error, f"unclear disk-full error: {error}")
                else:
                    result.fail("recording never failed on a full store")
                try:
                    sync_once(store, client, batch_size=50)
                except StoreError:
                    blocked_syncs += 1  # pushed, but the ack could not be written: resent
                result.check(confirmed <= set(store_punch_ids(store.path)),
                             "a confirmed punch vanished from the full store")
                _limit_pages(store, SQLITE_MAX_PAGES)
                store.punches.record(drill_person(1))
                resumed += 1
            _drain(store, client, result)
        result.add_counts(compare(store_punch_ids(store.path), url))
    finally:
        store.close()
        server.stop()
    result.faults = {"disk_full_refusals": refused, "syncs_blocked_while_full": blocked_syncs,
                     "resumed_after_space_freed": resumed}
    result.figures["disk_full_errors_seen"] = sorted(messages)
    return result


def _fill(store: KioskStore, confirmed: set[str]) -> str | None:
    """Record until the store refuses; every accepted punch joins ``confirmed``."""
    for _ in range(100_000):
        try:
            confirmed.add(str(store.punches.record(drill_person(2)).id))
        except StoreError as exc:
            return str(exc)
    return None


def corrupted_model(options: DrillOptions) -> DrillResult:
    """Flip bytes in installed model files: verify, doctor's check and the pack loader must
    all name the sha256 mismatch; reinstalling with --force repairs it."""
    from faceid.packs import load_pack, pack_status
    from faceid.registry import load_registry
    from kiosk.modelhub.installer import Installer
    from kiosk.modelhub.sources import default_cache_dir

    result = DrillResult("corrupted_model", iterations=options.count(8, 2))
    if not options.models_from.is_dir():
        result.skipped = f"no model files in {options.models_from} (--models-from DIR)"
        result.iterations = 0
        return result
    models_dir = options.scratch / result.drill / "models"
    installer = Installer(load_registry(), models_dir, cache_dir=default_cache_dir(),
                          from_dir=options.models_from, timeout_s=10.0)
    failed = [f"{r.model_id}: {r.error}" for r in installer.install([DRILL_PACK]) if not r.ok]
    if failed:
        result.skipped = f"pack {DRILL_PACK} could not be installed: {'; '.join(failed)}"
        result.iterations = 0
        return result
    files = sorted(p for p in models_dir.glob("*/*") if p.name != "install.json")
    rng = random.Random(options.seed)
    flipped = detected = 0
    for index in range(result.iterations):
        target = files[index % len(files)]
        model_id = target.parent.name
        flipped += _flip_bytes(target, rng)
        verify = _kiosk("models", "verify", "--models-dir", str(models_dir))
        line = next((x for x in verify.stdout.splitlines() if str(target) in x), "")
        ok = result.check(verify.returncode == 1 and line.startswith("CORRUPT")
                          and "sha256" in line, f"verify missed {target.name}: {line!r}")
        corrupt = {m for s in pack_status(models_dir) for m in s.corrupt_models}
        ok &= result.check(model_id in corrupt, f"doctor's check missed {model_id}")
        try:
            load_pack(DRILL_PACK, models_dir)
            ok &= result.check(False, f"pack loaded with {model_id} corrupted")
        except ModelIntegrityError as exc:
            ok &= result.check(model_id in str(exc), f"unclear pack error: {exc}")
        detected += ok
        installer.install([model_id], force=True)
        repaired = _kiosk("models", "verify", "--models-dir", str(models_dir))
        result.check(repaired.returncode == 0, f"--force reinstall did not repair {model_id}")
    result.faults = {"files_corrupted": result.iterations, "bytes_flipped": flipped,
                     "corruptions_reported_clearly": detected}
    result.figures["example_verify_line"] = line
    return result


def _flip_bytes(path: Path, rng: random.Random) -> int:
    data = bytearray(path.read_bytes())
    offsets = rng.sample(range(len(data)), k=rng.randint(1, 8))
    for offset in offsets:
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    return len(offsets)


def _kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)


def clock_jumps(options: DrillOptions) -> DrillResult:
    """The kiosk clock jumps by hours, forward and back, while people punch.

    The kiosk's wall clock (the store's, shifted by ``skew``) jumps between syncs. Each punch
    is recorded right after a jump (before any sync saw it) and again after a sync. The
    server must store ``captured_at`` and ``clock_offset_s`` exactly as sent, and
    ``occurred_at`` must be the true time in both cases: the kiosk carries its offset on the
    boot clock between syncs (kiosk.store.clockref), so a jump does not make it stale.
    """
    result = DrillResult("clock_jumps", iterations=options.count(24, 4))
    folder, url, server = start_server(options, result)
    rng = random.Random(options.seed)
    store = open_store(folder / "kiosk" / "kiosk.sqlite3")
    sent: dict[str, tuple[datetime, float | None, datetime]] = {}
    skew = timedelta(0)
    store.settings.wall_clock = lambda: datetime.now(UTC) + skew  # the kiosk's own (jumping) clock
    try:
        with SyncClient(provision(url, server.url, 1, "clock-drill")[0], verify_tls=False,
                        wall_clock=lambda: store.settings.wall_clock()) as client:
            _sync(store, client, skew, result)  # a kiosk that never synced cannot know
            for _ in range(result.iterations):
                jump = timedelta(hours=rng.choice([-1, 1]) * rng.uniform(1, 30))
                skew = jump if abs(skew + jump) > timedelta(hours=48) else skew + jump
                _punch(store, sent, rng)  # right after the jump: no sync has seen it
                _sync(store, client, skew, result)
                _punch(store, sent, rng)  # offset measured on the jumped clock
                _sync(store, client, skew, result)
            _drain(store, client, result)
        result.add_counts(compare(store_punch_ids(store.path), url))
        result.check(not unacknowledged(store.path), "punches left unacknowledged")
    finally:
        store.close()
        server.stop()
    _judge_clock_rows(url, sent, result)
    return result


def _punch(store: KioskStore, sent: dict[str, Any], rng: random.Random) -> None:
    real = datetime.now(UTC)
    punch = store.punches.record(drill_person(rng.randint(1, 50)))  # at the kiosk's clock
    sent[str(punch.id)] = (punch.captured_at, punch.clock_offset_s, real)


def _sync(store: KioskStore, client: SyncClient, skew: timedelta,
          result: DrillResult) -> None:
    try:
        sync_once(store, client, batch_size=50)
    except KioskError as exc:
        result.fail(f"sync failed: {exc}")
    if client.clock_offset_s is not None:
        # What the client measures when the kiosk's own clock is ``skew`` ahead.
        store.settings.set_clock_offset_s(client.clock_offset_s - skew.total_seconds())


def _judge_clock_rows(url: str, sent: dict[str, Any], result: DrillResult) -> None:
    rows = server_rows(url, "id, captured_at, clock_offset_s, occurred_at")
    exact = fixed = stale = 0
    worst_fixed_s = worst_stale_s = 0.0
    for punch_id, captured_at, offset, occurred_at in rows:
        captured, sent_offset, real = sent[str(uuid.UUID(str(punch_id)))]
        stored = _as_utc(captured_at)
        exact += abs((stored - captured).total_seconds()) < 0.001 and offset == sent_offset
        error_s = abs((_as_utc(occurred_at) - real).total_seconds())
        if error_s < 60:
            fixed += 1
            worst_fixed_s = max(worst_fixed_s, error_s)
        else:
            stale += 1
            worst_stale_s = max(worst_stale_s, error_s)
    result.check(exact == len(rows), f"{len(rows) - exact} punches not stored as sent")
    result.faults = {"clock_jumps": result.iterations}
    result.figures.update(
        stored_as_sent=exact, occurred_at_within_60s=fixed, worst_error_fresh_offset_s=round(
            worst_fixed_s, 3), occurred_at_off_by_stale_offset=stale,
        worst_error_stale_offset_h=round(worst_stale_s / 3600, 2))


def _as_utc(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
