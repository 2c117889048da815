"""Provisioning from the kiosk's [sync] settings, the credential file, and the backoff."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from kiosk.errors import AuthError
from kiosk.settings import SyncSettings
from kiosk.store import KioskStore
from kiosk.sync import (
    Backoff,
    build_sync_worker,
    load_credential,
    provision_and_save,
    rotate_and_save,
    sync_once,
)
from sync_server.db.engine import transaction
from sync_server.service import kiosks
from tests.sync_server.live import LiveServer


def test_provision_save_and_build_worker(live_server: LiveServer, tmp_path: Path,
                                         store: KioskStore,
                                         sessions: sessionmaker[Session]) -> None:
    settings = SyncSettings(server_url=live_server.url, verify_tls=False,  # type: ignore[call-arg]
                            credential_file=tmp_path / "secret" / "credential.json")
    with pytest.raises(AuthError, match="provision this kiosk first"):
        build_sync_worker(store, settings)
    with transaction(sessions) as session:
        _kiosk_id, code = kiosks.create_provisioning_code(session, "side-door", ttl_s=600,
                                                          actor="test")
    with pytest.raises(AuthError):
        provision_and_save(settings, "WRONG-CODE1")
    credential = provision_and_save(settings, code, "0.1.0", "sface-2021dec")
    assert load_credential(settings.credential_file) == credential
    assert credential.credential not in repr(credential)
    worker = build_sync_worker(store, settings, "0.1.0", "sface-2021dec")
    assert worker is not None and not worker.is_alive()
    store.punches.record(uuid.uuid4())
    assert sync_once(store, worker.client).pushed == 1
    rotated = rotate_and_save(worker.client, settings)
    assert rotated.credential != credential.credential
    assert load_credential(settings.credential_file) == rotated
    store.punches.record(uuid.uuid4())
    assert sync_once(store, worker.client).pushed == 1
    worker.client.close()
    unset = SyncSettings(server_url=None)  # type: ignore[call-arg]
    assert build_sync_worker(store, unset) is None


def test_backoff_grows_with_full_jitter_and_resets() -> None:
    backoff = Backoff(base_s=1.0, max_s=30.0, rng=random.Random(7))
    ceilings = [1, 2, 4, 8, 16, 30, 30, 30]
    delays = [backoff.next_delay() for _ in ceilings]
    assert all(0 <= delay <= ceiling for delay, ceiling in zip(delays, ceilings, strict=True))
    assert max(delays[4:]) > 4  # it does grow
    backoff.reset()
    assert backoff.next_delay() <= 1.0
    with pytest.raises(ValueError):
        Backoff(base_s=0)
