"""``kiosk doctor``: one pass/fail line per check, each failure with its fix.

Checks: camera (opens and delivers a frame), models (installed packs, sha256 re-hashed),
execution provider, clock, server health and kiosk credential (kiosk.app.doctor_server: each
proved by a real exchange with the sync server), disk space, admin PIN, and the liveness
threshold in force. Runs on the main thread of a CLI process (no Qt).
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.app.admin_pin import load_pin_hash
from kiosk.app.doctor_result import CheckResult
from kiosk.app.doctor_server import check_credential, check_server_and_clock
from kiosk.errors import EXPECTED_ERRORS, CameraError
from kiosk.settings import KioskSettings

log = logging.getLogger(__name__)

MIN_FREE_BYTES = 1 << 30  # 1 GiB: a day of punches is tiny, but SQLite needs room to vacuum
CAMERA_TIMEOUT_S = 5.0


def check_camera(settings: KioskSettings) -> CheckResult:
    from kiosk.camera import open_source

    camera = settings.camera
    try:
        source = open_source(camera.source, width=camera.width, height=camera.height,
                             fps=camera.fps)
        source.open()
        try:
            deadline = time.monotonic() + CAMERA_TIMEOUT_S
            image = source.read()
            while image is None and time.monotonic() < deadline:
                image = source.read()
        finally:
            source.close()
    except CameraError as exc:
        return CheckResult("camera", False, str(exc),
                           "check the cable and camera.source (KIOSK_CAMERA__SOURCE)")
    if image is None:
        return CheckResult("camera", False, f"{camera.source}: no frame", "check camera.source")
    height, width = image.shape[:2]
    return CheckResult("camera", True, f"{camera.source} delivers {width}x{height}")


def check_models(settings: KioskSettings) -> CheckResult:
    from faceid.packs import pack_status

    models_dir = settings.models.dir
    try:
        statuses = pack_status(models_dir)
    except EXPECTED_ERRORS as exc:
        return CheckResult("models", False, str(exc), "kiosk models install")
    installed = [s.name for s in statuses if s.installed]
    corrupt = sorted({m for s in statuses for m in s.corrupt_models})
    wanted = settings.vision.pack
    if corrupt:
        return CheckResult("models", False, f"sha256 mismatch: {', '.join(corrupt)}",
                           "kiosk models install --force " + " ".join(corrupt))
    if not installed:
        return CheckResult("models", False, f"no complete pack in {models_dir}",
                           "kiosk models install")
    if wanted != "auto" and wanted not in installed:
        return CheckResult("models", False, f"pack {wanted} not installed "
                           f"(installed: {', '.join(installed)})", f"kiosk models install {wanted}")
    in_use = next((s for s in statuses if s.installed and (
        s.name == wanted or (wanted == "auto" and s.auto))), None)
    name = in_use.name if in_use is not None else wanted
    no_liveness = tuple(getattr(in_use, "liveness_missing", ()) or ())
    if no_liveness:
        return CheckResult("models", False, f"pack {name} runs WITHOUT liveness: "
                           f"{', '.join(no_liveness)} missing", f"kiosk models install {name}")
    return CheckResult("models", True, f"sha256 ok; installed packs: {', '.join(installed)}; "
                       f"using {name}" + (" (auto)" if wanted == "auto" else ""))


def check_provider(settings: KioskSettings) -> CheckResult:
    from faceid.onnx_session import available_providers

    providers = available_providers()
    return CheckResult("execution provider", True,
                       f"{providers[0]} (available: {', '.join(providers)}); "
                       f"{settings.vision.threads} threads")


def check_disk(settings: KioskSettings) -> CheckResult:
    folder = _existing_parent(settings.store.path)
    free = shutil.disk_usage(folder).free
    ok = free >= MIN_FREE_BYTES
    return CheckResult("disk space", ok, f"{free / 2**30:.1f} GiB free at {folder}",
                       "free space on the data partition (at least 1 GiB)")


def check_admin_pin(settings: KioskSettings) -> CheckResult:
    stored = load_pin_hash(settings.sync.credential_file.parent)
    return CheckResult("admin PIN", stored is not None,
                       "set (scrypt hash)" if stored else "not set", "kiosk admin-pin")


def check_liveness(settings: KioskSettings) -> CheckResult:
    return CheckResult("liveness threshold", True,
                       f"P(real) >= {settings.vision.liveness_threshold:.2f}")


def run_checks(settings: KioskSettings, *, skip_camera: bool = False) -> list[CheckResult]:
    """Every check, in a fixed order; a check that crashes is reported as a failure."""
    checks: list[Callable[[], CheckResult | list[CheckResult]]] = [
        lambda: check_models(settings), lambda: check_provider(settings),
        lambda: check_server_and_clock(settings), lambda: check_credential(settings),
        lambda: check_disk(settings), lambda: check_admin_pin(settings),
        lambda: check_liveness(settings)]
    if not skip_camera:
        checks.insert(0, lambda: check_camera(settings))
    results: list[CheckResult] = []
    for check in checks:
        try:
            outcome = check()
        except EXPECTED_ERRORS as exc:
            outcome = CheckResult("check", False, str(exc))
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    return results


def _existing_parent(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate if candidate.is_dir() else candidate.parent
    return Path("/")
