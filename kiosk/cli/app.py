"""``kiosk run``, ``kiosk enroll``, ``kiosk doctor`` and ``kiosk admin-pin``.

Thin handlers over kiosk.app.runtime (the composition root) and kiosk.app.doctor. Heavy
imports (Qt, ONNX Runtime, the store) happen inside the handlers, so ``kiosk --help`` is fast.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.app.doctor_result import CheckResult

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    run = subparsers.add_parser(
        "run", help="start the full-screen check-in app",
        description="Start the check-in app. --offscreen runs it without a display (demos, "
        "tests) and logs each decision on one line.")
    run.add_argument("--offscreen", action="store_true", help="no display (Qt offscreen)")
    run.add_argument("--camera", metavar="SOURCE", help="override camera.source: device index, "
                     "/dev/videoN, gst:PIPELINE, picamera2, a video file or an image folder")
    run.add_argument("--max-seconds", type=float, metavar="N", help="stop after N seconds")
    run.add_argument("--exit-after-punches", type=int, metavar="N",
                     help="stop after N new punches")
    run.add_argument("--realtime", action="store_true", help="with a file/folder camera in "
                     "--offscreen mode, replay at the source's frame rate (default: as fast "
                     "as inference allows, every frame analysed)")
    run.set_defaults(handler=run_command)

    enroll = subparsers.add_parser(
        "enroll", help="enroll a person from photos",
        description="Enroll one person from a folder of photos (one face each). Consent must "
        "have been collected: give the notice version the person agreed to.")
    enroll.add_argument("--person-name", required=True, help="full name (a pending person is "
                        "created unless --person-id names an existing one)")
    enroll.add_argument("--person-id", help="UUID of an existing (synced) person")
    enroll.add_argument("--department", default="", help="department of a new person")
    enroll.add_argument("--images", type=Path, required=True, help="folder of photos")
    enroll.add_argument("--consent-version", required=True,
                        help="version of the consent notice the person agreed to")
    enroll.add_argument("--collected-by", default=getpass.getuser(),
                        help="who collected the consent (default: this user)")
    enroll.set_defaults(handler=enroll_command)

    doctor = subparsers.add_parser(
        "doctor", help="check camera, models, clock, disk, server and credential",
        description="Run every health check; one PASS/FAIL line each with the fix. Exit 1 if "
        "any check fails.")
    doctor.add_argument("--skip-camera", action="store_true", help="do not open the camera")
    doctor.set_defaults(handler=doctor_command)

    reenroll = subparsers.add_parser(
        "reenroll", help="rebuild templates for the current pack from stored face chips",
        description="After a pack switch: re-embed every enrolled person's stored aligned "
        "chips with the current pack's recognizer (no new photos). The app also does this by "
        "itself when it starts with a new pack.")
    reenroll.set_defaults(handler=reenroll_command)

    pin = subparsers.add_parser(
        "admin-pin", help="set the admin PIN (stored as a scrypt hash)",
        description="Set the admin PIN for admin mode. Reads it from $KIOSK_NEW_ADMIN_PIN or "
        "asks twice; stores only a salted scrypt hash beside the kiosk credential.")
    pin.set_defaults(handler=admin_pin_command)


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from kiosk.settings import load_kiosk_settings

    return load_kiosk_settings(getattr(args, "config", None))


def run_command(args: argparse.Namespace) -> int:
    from kiosk.app.runtime import KioskRuntime
    from kiosk.ui.app import RunLimits, run_kiosk_app

    settings = _settings(args)
    if args.camera:
        camera = settings.camera.model_copy(update={"source": args.camera})
        settings = settings.model_copy(update={"camera": camera})
    runtime = KioskRuntime(settings, replay_every_frame=args.offscreen and not args.realtime)
    limits = RunLimits(max_seconds=args.max_seconds, exit_after_punches=args.exit_after_punches,
                       exit_when_camera_ends=args.offscreen)
    return run_kiosk_app(runtime, limits, offscreen=args.offscreen)


def enroll_command(args: argparse.Namespace) -> int:
    from uuid import UUID

    from kiosk.app.runtime import enroll_from_folder

    settings = _settings(args)
    person_id = UUID(args.person_id) if args.person_id else None
    finished = enroll_from_folder(settings, person_id=person_id, name=args.person_name,
                                  department=args.department, folder=args.images,
                                  consent_version=args.consent_version,
                                  collected_by=args.collected_by)
    print(f"{'enrolled' if finished.ok else 'not enrolled'}: {finished.person_name} "  # noqa: T201
          f"({finished.person_id}); templates {finished.templates_saved}, "
          f"rejected {finished.rejected}{'; ' + finished.error if finished.error else ''}")
    return 0 if finished.ok else 1


def doctor_command(args: argparse.Namespace) -> int:
    from kiosk.app.doctor import run_checks

    results = [*run_checks(_settings(args), skip_camera=args.skip_camera), _check_font()]
    for result in results:
        print(result.line())  # noqa: T201 - the command's output
    return 0 if all(r.ok for r in results) else 1


def _check_font() -> CheckResult:
    """Whether Qt finds a font with Vietnamese diacritics (the kiosk's texts need one)."""
    from kiosk.app.doctor_result import CheckResult
    from kiosk.ui.app import vietnamese_font_families

    families = vietnamese_font_families()
    return CheckResult("font", bool(families), ", ".join(families[:3]) or "no Vietnamese font",
                       "apt install fonts-dejavu-core")


def reenroll_command(args: argparse.Namespace) -> int:
    from faceid.packs import load_pack
    from kiosk.app.desk import StoreDesk
    from kiosk.app.reenroll import reenroll_from_chips

    settings = _settings(args)
    pack = load_pack(settings.vision.pack, settings.models.dir, threads=settings.vision.threads)
    desk = StoreDesk.open(settings)
    try:
        report = reenroll_from_chips(
            desk.store, pack.embedder,
            lambda done, total, name: print(f"{done}/{total} {name}", file=sys.stderr))  # noqa: T201
    finally:
        desk.close()
    print(f"{report.recognizer_id}: {report.rebuilt} re-enrolled, {report.already} already "  # noqa: T201
          f"enrolled, {report.without_chips} without chips (enrol again), "
          f"{report.failed} unreadable chips")
    return 0 if report.without_chips == 0 else 1


def admin_pin_command(args: argparse.Namespace) -> int:
    import os

    from kiosk.app.admin_pin import save_pin

    settings = _settings(args)
    pin = os.environ.get("KIOSK_NEW_ADMIN_PIN", "")
    if not pin:
        pin = getpass.getpass("new admin PIN: ")
        if getpass.getpass("again: ") != pin:
            print("the PINs differ; nothing changed", file=sys.stderr)  # noqa: T201
            return 1
    path = save_pin(settings.sync.credential_file.parent, pin)
    print(f"admin PIN hash written to {path}")  # noqa: T201
    return 0
