"""The server's settings: one typed object from TOML plus ``SYNC_SERVER_SECTION__KEY``.

The file is ``--config``, else ``$SYNC_SERVER_CONFIG``, else built-in defaults. A database
password belongs in the URL given through the environment (``SYNC_SERVER_DATABASE__URL``).
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from protocol.paths import default_data_dir
from protocol.settings_loader import load_settings


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(Section):
    url: str = Field(default_factory=lambda: "sqlite:///" + str(default_data_dir()
                                                                / "sync-server.sqlite3"),
                     description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://...")
    pool_size: int = Field(10, ge=1, le=200)
    echo: bool = False


class ApiSettings(Section):
    max_body_bytes: int = Field(4 * 1024 * 1024, ge=1024, description="bigger bodies get 413")
    max_upload_bytes: int = Field(
        256 * 1024 * 1024, ge=1024,
        description="the limit instead for photo enrolment uploads (photos, a ZIP of a site)")
    max_batch_punches: int = Field(2000, ge=1, le=20000)
    feed_page_max: int = Field(1000, ge=1, le=10000)
    trusted_proxies: tuple[str, ...] = Field(
        (), description="addresses or networks of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed (comma-separated in the environment); none by default")
    metrics_token: str | None = Field(
        None, description="bearer token /metrics requires (environment only: "
        "SYNC_SERVER_API__METRICS_TOKEN)")
    metrics_loopback_only: bool = Field(
        True, description="without a metrics token, answer /metrics only to loopback clients")
    hsts_max_age_s: int = Field(
        365 * 86400, ge=0, description="Strict-Transport-Security max-age on https responses "
        "(0: no header)")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list | tuple):
            for entry in value:
                try:
                    ipaddress.ip_network(str(entry).strip(), strict=False)
                except ValueError:
                    raise ValueError(f"{entry!r} is not an IP address or network") from None
        return value


class HttpSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(8600, ge=0, le=65535)
    workers: int = Field(1, ge=1, le=64)


class ProvisioningSettings(Section):
    code_ttl_s: int = Field(24 * 3600, ge=60, description="one-time codes expire after this")


class VisionSettings(Section):
    """Face enrollment on the server (web uploads, ``enroll-folder``): the same model pack as
    the kiosks, so that the templates it makes reach them (the feed sends a kiosk only the
    templates of its own recognizer)."""

    models_dir: Path = Field(default_factory=lambda: default_data_dir() / "models",
                             description="installed models (`kiosk models install` layout)")
    pack: str = Field("auto", description="model pack name (the kiosks' pack), or 'auto'")
    min_face_px: int = Field(56, ge=20, description="shorter side of the face box, pixels "
                             "(faceid.quality.MIN_FACE_PX: a 60 px face passes)")
    threads: int = Field(1, ge=1, le=16, description="ONNX Runtime threads")
    max_photos: int = Field(20, ge=1, le=100, description="photos used per person and upload")
    min_photos: int = Field(3, ge=1, le=20, description="accepted photos needed to enroll "
                            "(as at a kiosk)")


class MailSettings(Section):
    """Outgoing e-mail (the leaders' daily reminder digest). Off by default; the password
    belongs in the environment (``SYNC_SERVER_MAIL__PASSWORD``). The e-mails are written in
    ``language`` (the site's: Vietnamese unless set to "en")."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    from_address: str = Field("attendance@localhost", alias="from")
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout_s: float = Field(20.0, gt=0, le=300)
    language: Literal["vi", "en"] = Field("vi", description="language of the e-mails")


class RetentionSettings(Section):
    """How long the retention job (``sync-server retention``) keeps data; docs/privacy.md."""

    raw_punch_days: int = Field(400, ge=1, description="raw punches")
    inactive_biometrics_days: int = Field(0, ge=0, description="biometrics of inactive people")
    refused_snapshot_days: int = Field(30, ge=0, description="refused-attempt face snapshots")
    refused_attempt_days: int = Field(365, ge=1, description="refused-attempt records")


class TrustSettings(Section):
    """What the server believes of a kiosk (docs/security.md). Punches outside these bounds
    are stored but held for review; enrolment uploads beyond the rate are refused (429)."""

    punch_skew_s: float = Field(300.0, ge=0, le=86400,
                                description="seconds a punch may lie after its receipt, or "
                                "before the kiosk's provisioning, from clock error")
    max_offline_days: float = Field(7.0, gt=0, le=366,
                                    description="the longest a kiosk of this site may be "
                                    "offline: punches older than its previous batch by more "
                                    "are held")
    offset_tolerance_s: float = Field(300.0, ge=0, le=86400,
                                      description="seconds a punch's clock offset may differ "
                                      "from the one the server measured on the kiosk")
    enrolments_per_person_per_day: int = Field(3, ge=1, le=100,
                                               description="kiosk enrolment uploads per "
                                               "person and kiosk in 24 hours")


class AuditSettings(Section):
    strict: bool = Field(False, description="a change to audited data without an audit entry "
                         "fails its request (tests) instead of being logged as an error")


class ReportSettings(Section):
    """How HR reports count time (rules in ``attendance/overtime.py``)."""

    overtime_after_min: int = Field(30, ge=0, le=600, description="minutes of extra time past "
                                    "the shift end (after late minutes are made up) before "
                                    "overtime counts; 0: every extra minute")
    staff_own_month: bool = Field(False, description="e-mail each person who subscribed their "
                                  "own month on the 1st (sync-server scheduled-reports)")


class HrSettings(Section):
    """What the site lets leaders do (``[hr]`` in the settings file)."""

    leaders_may_excuse: bool = Field(False, description="leaders may excuse the lateness of "
                                     "people of their own department (never of others)")


class ServerSettings(Section):
    database: DatabaseSettings = DatabaseSettings()
    api: ApiSettings = ApiSettings()
    http: HttpSettings = HttpSettings()
    provisioning: ProvisioningSettings = ProvisioningSettings()
    vision: VisionSettings = VisionSettings()
    mail: MailSettings = MailSettings()
    retention: RetentionSettings = RetentionSettings()
    trust: TrustSettings = TrustSettings()
    audit: AuditSettings = AuditSettings()
    reports: ReportSettings = ReportSettings()
    hr: HrSettings = HrSettings()


def load_server_settings(path: Path | None = None) -> ServerSettings:
    """Load from ``path`` (or ``$SYNC_SERVER_CONFIG``) and ``SYNC_SERVER_*`` variables."""
    if path is None and os.environ.get("SYNC_SERVER_CONFIG"):
        path = Path(os.environ["SYNC_SERVER_CONFIG"])
    return load_settings(ServerSettings, path, "SYNC_SERVER_")


def uvicorn_options() -> dict[str, Any]:
    """uvicorn options of every server process (``sync-server run``, test servers): uvicorn's
    own proxy-header handling is off, so that only ``api.trusted_proxies`` decides whose
    X-Forwarded-For counts (sync_server.api.proxies)."""
    return {"proxy_headers": False, "forwarded_allow_ips": "", "server_header": False}
