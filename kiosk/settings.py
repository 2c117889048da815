"""The kiosk's settings: one typed object, loaded from TOML plus ``KIOSK_*`` environment.

Each component receives only its own section (``settings.camera`` to the camera, ...).
The file is found at ``--config``, else ``$KIOSK_CONFIG``, else built-in defaults.

Layers, later wins: built-in defaults < the settings file < the kiosk's own settings saved
on its admin screen (only the keys in LOCAL_KEYS; kept in the store, see
kiosk.local_settings) < ``KIOSK_*`` environment variables. The environment stays on top
because it is how an installation (systemd unit, container) pins a value on purpose.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kiosk.errors import SettingsError
from protocol.paths import default_data_dir
from protocol.settings_loader import load_settings, overlay_dotted


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
    match_threshold: float | None = Field(None, description="fixed 1:N threshold (cosine) "
                                          "instead of the gallery-aware one")
    target_fpir: float = Field(0.01, gt=0.0, lt=1.0, description="expected share of strangers "
                               "accepted as someone enrolled that the 1:N threshold allows")
    verify_fmr: float = Field(1e-4, gt=0.0, lt=1.0, description="false match rate of the 1:1 "
                              "(face + code) threshold, per comparison")
    mode: Literal["auto", "face", "face_code"] = Field(
        "auto", description="auto: ask for the employee code when face alone is not sure; "
        "face: never ask; face_code: ask everyone (face + code)")
    site_only_from_pairs: int | None = Field(
        None, ge=10_000, description="cross-person template pairs from which the site's own "
        "impostor sample replaces the pack's calibration sets (default: never)")
    min_face_only_success: float = Field(0.7, ge=0.0, le=1.0, description="below this expected "
                                         "face-only success, doctor says face + code is needed")
    margin: float | None = Field(None, description="override the pack's top-1/top-2 margin")
    consensus_frames: int = Field(3, ge=1, le=30)
    early_frames: int = Field(2, ge=0, le=30, description="strong frames in a row (scores "
                              "far above the thresholds) that decide before consensus_frames "
                              "and liveness_min_frames; 0: off, else at least 2")
    fusion_frames: int = Field(3, ge=1, le=10, description="each frame is matched as the "
                               "mean of the face's last N embeddings (1: the frame alone)")
    min_face_px: int = Field(56, ge=20, description="shorter side of the face box, pixels "
                             "(faceid.quality.MIN_FACE_PX: a 60 px face passes)")
    liveness_threshold: float = Field(0.3, ge=0.0, le=1.0,
                                      description="mean P(real) over the frames of one face")
    liveness_min_frames: int = Field(3, ge=1, le=30,
                                     description="frames averaged before a liveness decision")
    require_liveness: bool = Field(True, description="refuse to record punches when the "
                                   "pack's liveness models are not installed")
    active_liveness: bool = Field(False, description="ask for a head turn (high-security sites)")
    active_liveness_min_yaw_deg: float = Field(20.0, ge=5.0, le=60.0)
    active_liveness_timeout_s: float = Field(6.0, gt=0.0, le=30.0)
    liveness_snapshots: bool = Field(False, description="keep a JPEG of the face with each "
                                     "refused attempt (personal data: off unless the site "
                                     "decides otherwise; see docs/privacy.md)")
    rolling_templates: bool = Field(False, description="keep a template from confident, live "
                                    "check-ins (at most 3 per person, one a day; the oldest is "
                                    "replaced, enrolment templates never): kiosk.app.rolling")
    rolling_above: float = Field(0.05, ge=0.0, le=1.0, description="cosine a rolling template "
                                 "must score over the 1:N threshold deciding now")
    rolling_margin: float = Field(0.10, ge=0.0, le=2.0, description="cosine a rolling template "
                                  "must lead every other person by")
    threads: int = Field(2, ge=1, le=16)

    @field_validator("early_frames")
    @classmethod
    def _never_one_frame(cls, value: int) -> int:
        if value == 1:
            raise ValueError("early_frames is 0 (off) or at least 2: no decision from one frame")
        return value


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


class GreetingSettings(Section):
    """The spoken greeting (kiosk.hw.speech): one line through espeak-ng, offline."""

    speech: bool | None = Field(None, description="speak the greeting; unset = on when "
                                "espeak-ng is installed (a site without audio turns it off)")
    voice_vi: str = Field("vi", description="espeak-ng voice for Vietnamese")
    voice_en: str = Field("en", description="espeak-ng voice for English")
    rate_wpm: int = Field(150, ge=80, le=450, description="words per minute")
    wav_dir: Path | None = Field(None, description="write each greeting to a WAV file here "
                                 "instead of playing it (recording samples, tests)")


class GpioSettings(Section):
    """Door relay, status LED and buzzer (BCM pin numbers); off unless enabled."""

    enabled: bool = False
    relay_pin: int = Field(17, ge=0, le=27)
    led_pin: int = Field(27, ge=0, le=27)
    buzzer_pin: int = Field(22, ge=0, le=27)
    active_high: bool = True
    relay_pulse_s: float = Field(1.0, gt=0, le=30)


class AdminSettings(Section):
    """Admin mode extras. ``face_entry``: a recognized admin (``face_people``) opens admin
    mode without the PIN while the PIN screen is shown; the PIN keeps working."""

    face_entry: bool = False
    face_people: tuple[UUID, ...] = Field((), description="person ids allowed in by face; "
                                          "set on the admin settings screen")


class KioskSettings(Section):
    kiosk_name: str = "kiosk-1"
    site: SiteSettings = SiteSettings()
    camera: CameraSettings = CameraSettings()
    vision: VisionSettings = VisionSettings()
    models: ModelSettings = ModelSettings()
    store: StoreSettings = StoreSettings()
    sync: SyncSettings = SyncSettings()
    attendance: AttendanceSettings = AttendanceSettings()
    ui: UiSettings = UiSettings()
    gpio: GpioSettings = GpioSettings()
    greeting: GreetingSettings = GreetingSettings()
    admin: AdminSettings = AdminSettings()


# What the admin screen may change on the kiosk itself (dotted keys of KioskSettings).
LOCAL_KEYS = ("kiosk_name", "camera.source", "vision.match_threshold",
              "vision.liveness_threshold", "ui.language", "admin.face_people")


def load_kiosk_settings(path: Path | None = None, *, local: bool = True) -> KioskSettings:
    """Load from ``path`` (or ``$KIOSK_CONFIG``), the kiosk's own saved settings (unless
    ``local`` is False) and ``KIOSK_SECTION__KEY`` variables; see the module docstring."""
    if path is None and os.environ.get("KIOSK_CONFIG"):
        path = Path(os.environ["KIOSK_CONFIG"])
    settings = load_settings(KioskSettings, path, "KIOSK_")
    if not local:
        return settings
    from kiosk.local_settings import read_local_settings

    saved = {key: value for key, value in read_local_settings(settings.store.path).items()
             if key in LOCAL_KEYS}  # a key this version no longer offers is ignored
    if not saved:
        return settings
    return load_settings(KioskSettings, path, "KIOSK_",
                         layers=[(f"admin screen ({settings.store.path})", saved)])


def with_local_settings(settings: KioskSettings, values: dict[str, Any]) -> KioskSettings:
    """``settings`` with admin-screen ``values`` ({dotted key in LOCAL_KEYS: value}) applied
    and validated like the file; SettingsError names the key and the problem."""
    unknown = sorted(set(values) - set(LOCAL_KEYS))
    if unknown:
        raise SettingsError(f"not changeable on the kiosk: {', '.join(unknown)}")
    data = settings.model_dump(mode="json")
    overlay_dotted(data, values)
    try:
        return KioskSettings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                             for err in exc.errors())
        raise SettingsError(problems) from None
