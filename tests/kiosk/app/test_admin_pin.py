"""The admin PIN is stored as a salted scrypt hash and verified in constant time."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app.admin_pin import hash_pin, load_pin_hash, save_pin, verify_pin
from kiosk.errors import SettingsError


def test_hash_verifies_only_the_right_pin_and_never_stores_it(tmp_path: Path,
                                                             monkeypatch) -> None:
    monkeypatch.delenv("KIOSK_ADMIN_PIN_HASH", raising=False)
    path = save_pin(tmp_path, "13579")
    stored = path.read_text()
    assert "13579" not in stored and stored.startswith("scrypt$")
    assert path.stat().st_mode & 0o777 == 0o600
    loaded = load_pin_hash(tmp_path)
    assert loaded is not None
    assert verify_pin("13579", loaded)
    assert not verify_pin("13578", loaded)
    assert hash_pin("13579") != hash_pin("13579")  # salted


def test_environment_wins_and_bad_input_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KIOSK_ADMIN_PIN_HASH", hash_pin("0000"))
    assert verify_pin("0000", load_pin_hash(tmp_path) or "")
    with pytest.raises(SettingsError):
        hash_pin("12")
    with pytest.raises(SettingsError):
        verify_pin("1234", "md5$abc")
