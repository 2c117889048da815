"""Building the sync pieces from the kiosk's ``[sync]`` settings section.

``build_sync_worker`` is what the kiosk app calls at start-up; ``provision_and_save`` is what
a ``kiosk provision`` command would call once, with the code from ``sync-server
provision-kiosk``.
"""

from __future__ import annotations

import logging

from kiosk.settings import SyncSettings
from kiosk.store import KioskStore
from kiosk.sync.backoff import Backoff
from kiosk.sync.client import DeviceReport, SyncClient, provision
from kiosk.sync.credentials import KioskCredential, load_credential, save_credential
from kiosk.sync.worker import SyncWorker

log = logging.getLogger(__name__)


def provision_and_save(settings: SyncSettings, code: str, software_version: str | None = None,
                       recognizer_id: str | None = None) -> KioskCredential:
    """Exchange ``code`` at ``settings.server_url`` and write the credential file (0600).

    Blocks on the network (``settings.timeout_s``). Raises AuthError for a bad code,
    ServerUnavailable when the server cannot be reached, ValueError when no server URL is
    configured.
    """
    if not settings.server_url:
        raise ValueError("sync.server_url is not set")
    credential = provision(settings.server_url, code,
                           DeviceReport(software_version=software_version,
                                        recognizer_id=recognizer_id), settings.timeout_s,
                           settings.verify_tls)
    save_credential(settings.credential_file, credential)
    log.info("kiosk provisioned as %s (%s)", credential.name, credential.kiosk_id)
    return credential


def build_sync_worker(store: KioskStore, settings: SyncSettings,
                      software_version: str | None = None,
                      recognizer_id: str | None = None) -> SyncWorker | None:
    """A SyncWorker (not started) for a provisioned kiosk, or None when no server is set.

    Raises AuthError when a server is configured but the credential file is missing.
    """
    if not settings.server_url:
        return None
    credential = load_credential(settings.credential_file)
    client = SyncClient(credential, settings.timeout_s, settings.verify_tls)
    return SyncWorker(store, client, interval_s=settings.interval_s,
                      batch_size=settings.batch_size,
                      backoff=Backoff(base_s=1.0, max_s=max(60.0, 10 * settings.interval_s)),
                      software_version=software_version, recognizer_id=recognizer_id)


def rotate_and_save(client: SyncClient, settings: SyncSettings) -> KioskCredential:
    """Get a new credential and write it to the credential file before using it.

    Safe against a lost answer or a crash here: the server keeps the old credential valid
    until the new one is first presented. Call it on the thread that owns ``client``.
    """
    credential = client.rotate_credential()
    save_credential(settings.credential_file, credential)
    log.info("kiosk credential rotated")
    return credential
