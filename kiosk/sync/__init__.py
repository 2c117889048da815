"""Kiosk <-> server sync over HTTP (httpx). No Qt here: the UI wraps SyncWorker.

Public API::

    credential = provision(server_url, code, DeviceReport(...), verify_tls=True)
    save_credential(path, credential) / load_credential(path) -> KioskCredential
    client = SyncClient(credential, timeout_s=10, verify_tls=True)
        client.push_punches(punches) -> acknowledged ids
        client.pull_feed(after, limit) -> FeedPage
        client.heartbeat(DeviceReport(...)); client.rotate_credential() -> KioskCredential
        client.upload_enrollment(person_id, recognizer_id, consent, embeddings, chips)
        client.clock_offset_s   # server minus kiosk clock, seconds, from the last exchange
    provision_and_save(settings.sync, code) -> KioskCredential   # once, at installation
    build_sync_worker(store, settings.sync, version, recognizer_id) -> SyncWorker | None
    rotate_and_save(client, settings.sync) -> KioskCredential  # old one valid until new used
    sync_once(store, client, batch_size) -> SyncReport
    worker = SyncWorker(store, client, interval_s, ...); worker.start(); worker.wake();
        worker.state() -> SyncState; worker.online(); worker.stop()

Errors: kiosk.errors.AuthError (refused or revoked), ServerUnavailable (retry later),
SyncError (the server refused the input).
"""

from kiosk.sync.backoff import Backoff
from kiosk.sync.client import DeviceReport, FeedPage, SyncClient, provision
from kiosk.sync.credentials import KioskCredential, load_credential, save_credential
from kiosk.sync.factory import build_sync_worker, provision_and_save, rotate_and_save
from kiosk.sync.worker import SyncReport, SyncState, SyncWorker, pull_all, push_all, sync_once

__all__ = [
    "Backoff",
    "DeviceReport",
    "FeedPage",
    "KioskCredential",
    "SyncClient",
    "SyncReport",
    "SyncState",
    "SyncWorker",
    "build_sync_worker",
    "load_credential",
    "provision",
    "provision_and_save",
    "pull_all",
    "push_all",
    "rotate_and_save",
    "save_credential",
    "sync_once",
]
