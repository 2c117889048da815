"""``kiosk provision`` and ``kiosk sync``: provisioning once, and one sync exchange by hand.

Registered by kiosk/cli/__init__.py through ``register(subparsers)``; handlers import lazily.
"""

from __future__ import annotations

import argparse
import logging
import sys

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    provision = subparsers.add_parser(
        "provision", help="exchange a one-time code for this kiosk's credential",
        description="Exchange the one-time code printed by 'sync-server provision-kiosk' for "
        "this kiosk's credential, written to sync.credential_file (mode 0600).")
    provision.add_argument("--code", required=True, help="the one-time code (e.g. ABCDE-FGHJK)")
    provision.add_argument("--server", help="server URL (default: sync.server_url)")
    provision.set_defaults(handler=provision_command)

    sync = subparsers.add_parser(
        "sync", help="run one sync exchange now and report it",
        description="Heartbeat, push every waiting punch, pull the change feed; print what "
        "moved. Exit 1 if the server could not be reached or refused the kiosk.")
    sync.set_defaults(handler=sync_command)


def provision_command(args: argparse.Namespace) -> int:
    from kiosk import __version__
    from kiosk.settings import load_kiosk_settings
    from kiosk.store.keys import default_key_file, ensure_key_file
    from kiosk.sync.factory import provision_and_save

    kiosk_settings = load_kiosk_settings(args.config)
    settings = kiosk_settings.sync
    if args.server:
        settings = settings.model_copy(update={"server_url": args.server})
    credential = provision_and_save(settings, args.code, software_version=__version__)
    sys.stdout.write(f"provisioned as {credential.name} ({credential.kiosk_id}); credential "
                     f"saved to {settings.credential_file}\n")
    key_file = default_key_file(kiosk_settings.store.path)
    if ensure_key_file(key_file):
        sys.stdout.write(f"generated the data key for templates and chips in {key_file} "
                         "(mode 0600); back it up apart from the kiosk\n")
    return 0


def sync_command(args: argparse.Namespace) -> int:
    from kiosk import __version__
    from kiosk.errors import SyncError
    from kiosk.settings import load_kiosk_settings
    from kiosk.store import open_store
    from kiosk.sync.factory import build_sync_worker
    from kiosk.sync.worker import sync_once

    settings = load_kiosk_settings(args.config)
    store = open_store(settings.store.path)
    try:
        worker = build_sync_worker(store, settings.sync, software_version=__version__)
        if worker is None:
            sys.stderr.write("sync.server_url is not set: nothing to sync with\n")
            return 1
        try:
            report = sync_once(store, worker.client, settings.sync.batch_size,
                               software_version=__version__)
        except SyncError as exc:
            sys.stderr.write(f"sync failed: {exc}\n")
            return 1
        finally:
            worker.client.close()
        offset = "unknown" if report.clock_offset_s is None else f"{report.clock_offset_s:+.3f} s"
        sys.stdout.write(f"pushed {report.pushed}, pulled {report.pulled}, waiting "
                         f"{report.backlog}, clock offset {offset}\n")
        return 0
    finally:
        store.close()
