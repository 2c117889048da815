"""``kiosk``: the edge app's command line. A thin layer over the library.

Each command group lives in its own module and exposes ``register(subparsers)``; handlers
import what they need when they run, so ``kiosk --help`` stays fast and light.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk import __version__
from kiosk.errors import EXPECTED_ERRORS
from kiosk.logs import configure_logging

# Modules that add commands: each has register(subparsers) -> None.
COMMAND_MODULES = (
    "kiosk.cli.app",
    "kiosk.cli.calibrate",
    "kiosk.cli.models",
    "kiosk.cli.sync",
    "kiosk.cli.store",
)

log = logging.getLogger("kiosk.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Face-recognition attendance kiosk: check-in app, enrollment, models, "
        "health checks.",
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--config", type=Path, help="settings TOML file (default: $KIOSK_CONFIG "
                        "or built-in defaults)")
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a command group that this installation does not include
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.log_level)
    try:
        result = args.handler(args)
    except EXPECTED_ERRORS as exc:
        log.error("%s", exc)
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201 - the CLI's own output
        return 2
    except KeyboardInterrupt:
        return 130
    return int(result or 0)

