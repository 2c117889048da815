"""``kiosk calibrate``: FAR/FRR of the installed pack on a site's labelled photos.

Thin handler over faceid.calibration. Prints a table and ends with one JSON line of
figures (what the README and the lead's notes quote). Heavy imports happen in the handler.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "calibrate", help="propose recognition thresholds from labelled photos",
        description="Embed every photo of DIR/<identity>/<images> with the model pack, report "
        "false-accept and false-reject rates at candidate thresholds, propose the threshold "
        "and margin for the target false-accept rate, and say whether 1:N identification can "
        "reach it for the population or 1:1 (PIN/QR/badge) is needed. Ends with a JSON line.")
    parser.add_argument("--data", type=Path, required=True, metavar="DIR",
                        help="folder of <identity>/<images> (a site's enrollment photos)")
    parser.add_argument("--pack", help="model pack (default: settings vision.pack, 'auto')")
    parser.add_argument("--target-far", type=float, default=0.001,
                        help="target false-accept rate (default 0.001)")
    parser.add_argument("--population", type=int,
                        help="people who will be enrolled at the site (default: identities in "
                        "DIR); 1:N needs FAR per comparison of target/population")
    parser.add_argument("--usable-frr", type=float, default=0.05,
                        help="highest false-reject rate acceptable for 1:N (default 0.05)")
    parser.set_defaults(handler=calibrate_command)


def calibrate_command(args: argparse.Namespace) -> int:
    from faceid.calibration import calibrate, embed_folder
    from faceid.packs import load_pack
    from kiosk.errors import SettingsError
    from kiosk.settings import load_kiosk_settings

    if not args.data.is_dir():
        raise SettingsError(f"--data {args.data} is not a folder of <identity>/<images>")
    if not 0 < args.target_far < 1:
        raise SettingsError("--target-far must be between 0 and 1")
    settings = load_kiosk_settings(getattr(args, "config", None))
    pack = load_pack(args.pack or settings.vision.pack, settings.models.dir,
                     threads=settings.vision.threads)
    data = embed_folder(pack, args.data)
    for path, reason in data.skipped:
        log.warning("skipped %s: %s", path, reason)
    report = calibrate(data, pack.recognizer_id, args.target_far, args.population,
                       args.usable_frr)
    out = sys.stdout
    out.write(f"pack {pack.name} ({pack.recognizer_id}); {report.identities} identities, "
              f"{report.images} images ({report.skipped} skipped); {report.genuine_pairs} "
              f"genuine and {report.impostor_pairs} impostor pairs\n")
    out.write(f"{'threshold':>10} {'FAR':>10} {'FRR':>8}\n")
    for row in report.table:
        out.write(f"{row.threshold:10.4f} {row.far:10.2e} {row.frr:8.2%}\n")
    out.write(f"1:1 threshold {report.threshold_1to1:.4f} (FAR {report.far_1to1:.2e}, FRR "
              f"{report.frr_1to1:.2%}); 1:N threshold {report.threshold_1toN:.4f}, margin "
              f"{report.margin:.3f}; rank-1 {report.rank1_rate:.2%}\n")
    out.write(f"recommendation: {report.recommendation} -- {report.reason}\n")
    out.write(json.dumps(report.summary(), sort_keys=True) + "\n")
    return 0
