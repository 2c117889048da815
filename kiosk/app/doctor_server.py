"""``kiosk doctor``'s server checks: each one proves its claim with a real exchange.

- server: ``GET /api/v1/health`` answers 200 with a body that validates as
  protocol.health.HealthOut and ``status == "ok"`` (any other web server FAILS);
- clock: the kiosk's clock against the health answer's ``server_time`` (NTP style: against
  the midpoint of send and receive); not compared means FAIL;
- credential: the kiosk credential authenticates a real call (a heartbeat).

Without a server configured (a standalone kiosk) only the local clock's sanity is checked.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
from pydantic import ValidationError

from kiosk import __version__
from kiosk.app.doctor_result import CheckResult
from kiosk.errors import AuthError, ServerUnavailable, SyncError
from kiosk.settings import KioskSettings
from protocol.api import API_PREFIX
from protocol.health import HealthOut

MAX_CLOCK_SKEW_S = 30.0
NTP_FIX = "enable NTP: timedatectl set-ntp true"
URL_FIX = "check the network and sync.server_url (the sync server's base URL)"


def check_server_and_clock(settings: KioskSettings) -> list[CheckResult]:
    """The server's health endpoint and the clock skew from the same exchange."""
    url = settings.sync.server_url
    now = datetime.now(UTC)
    if not url:
        sane = now.year >= 2024
        return [CheckResult("server", True, "no server configured (standalone kiosk)"),
                CheckResult("clock", sane, f"{now:%Y-%m-%dT%H:%M:%SZ} (no server to compare)",
                            NTP_FIX)]
    health_url = url.rstrip("/") + API_PREFIX + "/health"
    sent = time.time()
    try:
        response = httpx.get(health_url, timeout=settings.sync.timeout_s,
                             verify=settings.sync.verify_tls)
    except httpx.HTTPError as exc:
        return _server_failed(f"{health_url} unreachable: {type(exc).__name__}: {exc}")
    received = time.time()
    try:
        response.raise_for_status()
        health = HealthOut.model_validate_json(response.content)
    except (httpx.HTTPStatusError, ValidationError):
        return _server_failed(f"{health_url} answered HTTP {response.status_code} but not the "
                              "sync server's health")
    if health.status != "ok":
        return _server_failed(f"sync server {health.version} reports status {health.status!r}")
    skew_s = (sent + received) / 2 - health.server_time.timestamp()
    return [CheckResult("server", True, f"sync server {health.version} at {url} (status ok)"),
            CheckResult("clock", abs(skew_s) <= MAX_CLOCK_SKEW_S,
                        f"{skew_s:+.1f} s from the server (limit ±{MAX_CLOCK_SKEW_S:.0f} s)",
                        NTP_FIX)]


def _server_failed(detail: str) -> list[CheckResult]:
    return [CheckResult("server", False, detail, URL_FIX),
            CheckResult("clock", False, "not compared: the server did not answer its health "
                        "check", "fix the server check first")]


def check_credential(settings: KioskSettings) -> CheckResult:
    """The credential file loads and authenticates a heartbeat against the server."""
    from kiosk.sync.client import DeviceReport, SyncClient
    from kiosk.sync.credentials import load_credential

    if not settings.sync.server_url:
        return CheckResult("credential", True, "not needed without a server")
    reprovision = ("provision this kiosk with the one-time code from "
                   "`sync-server provision-kiosk`")
    try:
        credential = load_credential(settings.sync.credential_file)
    except AuthError as exc:
        return CheckResult("credential", False, str(exc), reprovision)
    try:
        with SyncClient(credential, timeout_s=settings.sync.timeout_s,
                        verify_tls=settings.sync.verify_tls) as client:
            client.heartbeat(DeviceReport(software_version=__version__))
    except AuthError:
        return CheckResult("credential", False, f"the server refused kiosk "
                           f"{credential.name!r} ({credential.kiosk_id})", reprovision)
    except (ServerUnavailable, SyncError) as exc:
        return CheckResult("credential", False, f"not verified: {exc}", URL_FIX)
    return CheckResult("credential", True, f"kiosk {credential.name!r} authenticated "
                       f"(heartbeat accepted by {credential.server_url})")
