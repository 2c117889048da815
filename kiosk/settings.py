"""The kiosk's settings: one typed object, loaded from TOML plus ``KIOSK_*`` environment.

Each component receives only its own section (``settings.camera`` to the camera, ...).
The file is found at ``--config``, else ``$KIOSK_CONFIG``, else built-in defaults.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kiosk.config import load_settings


def default_data_dir() -> Path:
    """Where models, the store and credentials live unless configured (outside git)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "face-attendance"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteSettings(Section):
    name: str = "Head office"
    timezone: str = "Asia/Ho_Chi_Minh"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from None
        return value


class CameraSettings(Section):
    source: str = Field("0", description="V4L2 index, video file, image folder, "
                        "'picamera2', or a GStreamer pipeline ('gst:...')")
    width: int = 1280
    height: int = 720
    fps: float = 15.0


class VisionSettings(Section):
    pack: str = Field("auto", description="model pack name, or 'auto' for the best installed")
    match_threshold: float | None = Field(None, description="override the pack's threshold")
    margin: float | None = Field(None, description="override the pack's top-1/top-2 margin")
    consensus_frames: int = Field(3, ge=1, le=30)
    min_face_px: int = Field(80, ge=20)
    liveness_threshold: float = Field(0.7, ge=0.0, le=1.0,
                                      description="mean P(real) over the frames of one face")
    liveness_min_frames: int = Field(3, ge=1, le=30,
                                     description="frames averaged before a liveness decision")
    require_liveness: bool = Field(True, description="refuse to record punches when the "
                                   "pack's liveness models are not installed")
    active_liveness: bool = Field(False, description="ask for a head turn (high-security sites)")
    active_liveness_min_yaw_deg: float = Field(20.0, ge=5.0, le=60.0)
    active_liveness_timeout_s: float = Field(6.0, gt=0.0, le=30.0)
    threads: int = Field(2, ge=1, le=16)


class ModelSettings(Section):
    dir: Path = Field(default_factory=lambda: default_data_dir() / "models")
    cache_dir: Path | None = Field(None, description="download cache (default "
                                   "~/.cache/face-attendance/downloads)")
    download_timeout_s: float = Field(30.0, gt=0)


class StoreSettings(Section):
    path: Path = Field(default_factory=lambda: default_data_dir() / "kiosk.sqlite3")


class SyncSettings(Section):
    server_url: str | None = None
    interval_s: float = Field(10.0, gt=0)
    batch_size: int = Field(200, ge=1, le=5000)
    timeout_s: float = Field(10.0, gt=0)
    verify_tls: bool = True
    credential_file: Path = Field(default_factory=lambda: default_data_dir() / "credential.json")


class AttendanceSettings(Section):
    cooldown_s: int = Field(120, ge=0, description="repeat punches within this are ignored")


class UiSettings(Section):
    language: Literal["vi", "en"] = "vi"
    fullscreen: bool = True
    card_seconds: float = Field(6.0, gt=0)
    sound: bool = True
    admin_timeout_s: float = Field(120.0, gt=0)


class GpioSettings(Section):
    """Door relay, status LED and buzzer (BCM pin numbers); off unless enabled."""

    enabled: bool = False
    relay_pin: int = Field(17, ge=0, le=27)
    led_pin: int = Field(27, ge=0, le=27)
    buzzer_pin: int = Field(22, ge=0, le=27)
    active_high: bool = True
    relay_pulse_s: float = Field(1.0, gt=0, le=30)


class KioskSettings(Section):
    kiosk_name: str = "kiosk-1"
    site: SiteSettings = SiteSettings()
    camera: CameraSettings = CameraSettings()  # type: ignore[call-arg]
    vision: VisionSettings = VisionSettings()  # type: ignore[call-arg]
    models: ModelSettings = ModelSettings()  # type: ignore[call-arg]
    store: StoreSettings = StoreSettings()
    sync: SyncSettings = SyncSettings()  # type: ignore[call-arg]
    attendance: AttendanceSettings = AttendanceSettings()  # type: ignore[call-arg]
    ui: UiSettings = UiSettings()  # type: ignore[call-arg]
    gpio: GpioSettings = GpioSettings()  # type: ignore[call-arg]


def load_kiosk_settings(path: Path | None = None) -> KioskSettings:
    """Load from ``path`` (or ``$KIOSK_CONFIG``) and ``KIOSK_SECTION__KEY`` variables."""
    if path is None and os.environ.get("KIOSK_CONFIG"):
        path = Path(os.environ["KIOSK_CONFIG"])
    return load_settings(KioskSettings, path, "KIOSK_")
