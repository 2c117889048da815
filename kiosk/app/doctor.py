"""``kiosk doctor``: one pass/fail line per check, each failure with its fix.

Checks: camera (opens and delivers a frame), models (installed packs, sha256 re-hashed),
execution provider, clock (against the server's Date header when one is configured), disk
space, server reachability, kiosk credential, Vietnamese font, admin PIN, and the liveness
threshold in force. Runs on the main thread of a CLI process (no Qt).
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from kiosk.app.admin_pin import load_pin_hash
from kiosk.errors import EXPECTED_ERRORS, CameraError
from kiosk.settings import KioskSettings

log = logging.getLogger(__name__)

MIN_FREE_BYTES = 1 << 30  # 1 GiB: a day of punches is tiny, but SQLite needs room to vacuum
MAX_CLOCK_SKEW_S = 30.0
CAMERA_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{'PASS' if self.ok else 'FAIL'} {self.name}: {self.detail}"
        return f"{text} -- fix: {self.fix}" if not self.ok and self.fix else text


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


def check_server_and_clock(settings: KioskSettings) -> list[CheckResult]:
    """Reachability and clock skew from one request to the server (or local checks only)."""
    url = settings.sync.server_url
    now = datetime.now(UTC)
    if not url:
        sane = now.year >= 2024
        return [CheckResult("server", True, "no server configured (standalone kiosk)"),
                CheckResult("clock", sane, f"{now:%Y-%m-%dT%H:%M:%SZ} (no server to compare)",
                            "enable NTP: timedatectl set-ntp true")]
    import httpx

    try:
        response = httpx.get(url, timeout=settings.sync.timeout_s,
                             verify=settings.sync.verify_tls, follow_redirects=True)
    except httpx.HTTPError as exc:
        return [CheckResult("server", False, f"{url} unreachable: {exc}",
                            "check the network and sync.server_url"),
                CheckResult("clock", now.year >= 2024, "server unreachable: not compared",
                            "enable NTP: timedatectl set-ntp true")]
    results = [CheckResult("server", True, f"{url} answers HTTP {response.status_code}")]
    date_header = response.headers.get("date")
    if date_header is None:
        results.append(CheckResult("clock", True, "server sent no Date header: not compared"))
        return results
    skew = (now - parsedate_to_datetime(date_header)).total_seconds()
    results.append(CheckResult("clock", abs(skew) <= MAX_CLOCK_SKEW_S,
                               f"{skew:+.1f} s from the server",
                               "enable NTP: timedatectl set-ntp true"))
    return results


def check_credential(settings: KioskSettings) -> CheckResult:
    path = settings.sync.credential_file
    if not settings.sync.server_url:
        return CheckResult("credential", True, "not needed without a server")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return CheckResult("credential", False, f"{path}: {exc.__class__.__name__}",
                           "provision this kiosk with the one-time code from "
                           "`sync-server provision-kiosk`")
    return CheckResult("credential", isinstance(data, dict) and bool(data), f"{path} present",
                       "re-provision the kiosk")


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
