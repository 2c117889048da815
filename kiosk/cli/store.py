"""``kiosk rotate-key`` and ``kiosk retention``: data key rotation and the retention job.

Registered by kiosk/cli/__init__.py through ``register(subparsers)``; handlers import lazily.
"""

from __future__ import annotations

import argparse
import logging
import sys

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rotate = subparsers.add_parser(
        "rotate-key", help="re-encrypt every template and chip under a new data key",
        description="With $KIOSK_DATA_KEY set to 'new,old' (base64 keys), re-encrypt every "
        "blob under 'new'; without it, generate a new key into the key file, re-encrypt, then "
        "drop the old key from the file.")
    rotate.set_defaults(handler=rotate_key_command)

    retention = subparsers.add_parser(
        "retention", help="apply the retention periods now (also run daily by the app)",
        description="Delete synced punches older than --punch-days and the biometrics of "
        "people inactive for longer than --inactive-days; print what was removed.")
    retention.add_argument("--punch-days", type=int, default=None,
                           help="keep synced punches this many days (default 90)")
    retention.add_argument("--inactive-days", type=int, default=None,
                           help="erase biometrics of inactive people after this (default 0)")
    retention.set_defaults(handler=retention_command)


def rotate_key_command(args: argparse.Namespace) -> int:
    from kiosk.settings import load_kiosk_settings
    from kiosk.store.keys import rotate_store_key

    settings = load_kiosk_settings(args.config)
    result = rotate_store_key(settings.store.path)
    where = f" (key file {result.key_file})" if result.key_file else \
        "; now remove the old key from $KIOSK_DATA_KEY"
    sys.stdout.write(f"re-encrypted {result.resealed} blobs under key "
                     f"{result.new_key_id}{where}\n")
    return 0


def retention_command(args: argparse.Namespace) -> int:
    from kiosk.settings import load_kiosk_settings
    from kiosk.store import open_store
    from kiosk.store.retention import RetentionPolicy, apply_retention

    settings = load_kiosk_settings(args.config)
    defaults = RetentionPolicy()
    policy = RetentionPolicy(
        synced_punch_days=defaults.synced_punch_days if args.punch_days is None
        else args.punch_days,
        inactive_biometrics_days=defaults.inactive_biometrics_days if args.inactive_days is None
        else args.inactive_days)
    store = open_store(settings.store.path)
    try:
        report = apply_retention(store, policy)
    finally:
        store.close()
    sys.stdout.write(f"removed {report.punches} synced punches, biometrics of "
                     f"{report.people} inactive people\n")
    return 0
