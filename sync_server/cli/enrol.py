"""``sync-server enroll-folder PATH``: enroll faces from a folder of photos, by employee code.

Wire it with ``register_enrol_command(subparsers)`` in ``sync_server.cli.build_parser``. The
layout and the checks are those of ``sync_server.service.photo_import``; the models are the
``[vision]`` settings. Prints one line per person as it goes, then every rejected photo with
its reason. Exit status 0 when every person found was enrolled, 1 when some were not.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sync_server.cli.actor import cli_actor
from sync_server.settings import ServerSettings

LAYOUT = ("Layout: PATH/CODE/*.jpg (one sub-folder per person, named by the employee code) or "
          "PATH/CODE_anything.jpg; the code is matched case-insensitively.")


def register_enrol_command(subparsers: Any) -> None:
    """Add ``enroll-folder`` to the CLI's subparsers (handler signature: (args, settings))."""
    parser = subparsers.add_parser(
        "enroll-folder", help="enroll faces from a folder of photos (one person per code)",
        description="Run the kiosks' face pipeline on every photo under PATH, store the "
        "accepted templates and send them to the kiosks; report rejected photos and why. "
        + LAYOUT + " Each person needs a consent record: the one given with "
        "--consent-notice and --collected-by (recorded now for everyone enrolled), else "
        "their latest one.")
    parser.add_argument("path", type=Path, metavar="PATH", help="folder of photos")
    parser.add_argument("--consent-notice", default="", metavar="VERSION",
                        help="privacy notice version the people agreed to (records consent)")
    parser.add_argument("--collected-by", default="", metavar="NAME",
                        help="who collected the consent (with --consent-notice)")
    parser.set_defaults(handler=enroll_folder_command)


def enroll_folder_command(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import make_engine, session_factory
    from sync_server.db.migrate import upgrade
    from sync_server.service.enrolment import FaceEnroller
    from sync_server.service.photo_import import (
        PersonOutcome,
        folder_entries,
        import_photos,
    )

    def progress(done: int, total: int, outcome: PersonOutcome) -> None:
        who = f"{outcome.key} {outcome.person_name}" if outcome.person_name else outcome.key
        rejected = sum(1 for v in outcome.verdicts if not v.accepted)
        if outcome.refused:
            line = f"not enrolled: {outcome.refused}"
        else:
            line = f"{outcome.templates} templates"
        if rejected:
            line += f" ({rejected} photos rejected)"
        _say(f"[{done}/{total}] {who}: {line}")

    entries = folder_entries(args.path)
    _say(f"{len(entries)} photos found under {args.path}")
    upgrade(settings.database.url)
    engine = make_engine(settings.database.url)
    try:
        report = import_photos(session_factory(engine), FaceEnroller(settings.vision), entries,
                               cli_actor(), args.consent_notice, args.collected_by, progress)
    finally:
        engine.dispose()
    refused = [o for o in report.outcomes if o.refused]
    _say(f"enrolled {report.enrolled} of {len(report.outcomes)} people")
    if report.rejected_photos:
        _say("rejected photos:")
        for _key, verdict in report.rejected_photos:
            _say(f"  {verdict.name}: {verdict.describe()}")
    return 1 if refused else 0


def _say(text: str) -> None:
    """The command's own output (not logging), flushed so progress shows as it happens."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
