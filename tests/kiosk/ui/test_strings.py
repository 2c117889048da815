"""Every screen text exists in both languages, and a Vietnamese-capable font renders it."""

from __future__ import annotations

import pytest

from kiosk.app.state import CameraPhase, GuidanceKey
from kiosk.ui.strings import TEXT, text


def test_every_key_has_vietnamese_and_english() -> None:
    missing = [key for key, entry in TEXT.items() if not entry.get("vi") or not entry.get("en")]
    assert not missing
    assert text("greeting.hello", "vi", name="Hồng") == "Xin chào, Hồng"
    assert text("no.such.key", "vi") == "no.such.key"


@pytest.mark.parametrize("key", [f"guidance.{k.value}" for k in GuidanceKey]
                         + [f"status.camera.{p.value}" for p in CameraPhase])
def test_every_state_the_workers_emit_has_a_text(key: str) -> None:
    assert key in TEXT


def test_a_font_with_vietnamese_diacritics_is_available(qapp) -> None:
    from PySide6.QtGui import QFont, QFontInfo, QFontMetrics

    from kiosk.ui.app import vietnamese_font_families

    families = vietnamese_font_families()
    assert families, "no Vietnamese font: apt install fonts-dejavu-core"
    font = QFont("DejaVu Sans" if "DejaVu Sans" in families else families[0])
    assert QFontInfo(font).family() in families
    metrics = QFontMetrics(font)
    for char in "ĐđăâêôơưẠặễộừỹ":
        assert metrics.inFontUcs4(ord(char)), char
