"""Settings: TOML plus environment, unknown keys rejected, secrets kept out of files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.errors import SettingsError
from kiosk.settings import KioskSettings, load_kiosk_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    settings = load_kiosk_settings(None)
    assert settings.site.timezone == "Asia/Ho_Chi_Minh"
    assert settings.vision.consensus_frames == 3
    assert settings.sync.verify_tls is True


def test_file_values_and_environment_override(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[camera]\nsource = "/dev/video2"\n[ui]\nlanguage = "en"\n')
    monkeypatch.setenv("KIOSK_CAMERA__SOURCE", "/srv/frames")
    monkeypatch.setenv("KIOSK_VISION__CONSENSUS_FRAMES", "5")
    settings = load_kiosk_settings(path)
    assert settings.camera.source == "/srv/frames"
    assert settings.vision.consensus_frames == 5
    assert settings.ui.language == "en"


def test_unknown_key_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "[camera]\nsorce = \"0\"\n")
    with pytest.raises(SettingsError, match=r"camera\.sorce: unknown key"):
        load_kiosk_settings(path)


def test_unknown_section_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "[cammera]\nsource = \"0\"\n")
    with pytest.raises(SettingsError, match=r"cammera: unknown key"):
        load_kiosk_settings(path)


def test_bad_time_zone_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[site]\ntimezone = "Asia/Hanoi_City"\n')
    with pytest.raises(SettingsError, match="unknown time zone"):
        load_kiosk_settings(path)


def test_secret_in_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[sync]\napi_token = "abc"\n')
    with pytest.raises(SettingsError, match="secret"):
        load_kiosk_settings(path)


def test_broken_toml_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, "[camera\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_kiosk_settings(path)


def test_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not found"):
        load_kiosk_settings(tmp_path / "absent.toml")


def test_sections_are_immutable() -> None:
    settings = KioskSettings()
    with pytest.raises(Exception, match="frozen"):
        settings.camera.source = "1"  # type: ignore[misc]


def test_secret_variables_are_not_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_DATA_KEY", "c2VjcmV0")
    monkeypatch.setenv("KIOSK_ADMIN_PIN_HASH", "scrypt$...")
    settings = load_kiosk_settings(None)
    assert settings.kiosk_name == "kiosk-1"
