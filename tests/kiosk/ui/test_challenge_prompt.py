"""The active liveness challenge's guidance on the kiosk screen, in both languages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from kiosk.app.admin_pin import hash_pin
from kiosk.app.state import FaceOutline, Guidance, GuidanceKey
from kiosk.ui.window import KioskWindow

FACE = (FaceOutline((400.0, 200.0, 220.0, 260.0), True),)


@pytest.mark.parametrize("language, left, right", [
    ("vi", "Hãy quay đầu nhẹ sang trái", "Hãy quay đầu nhẹ sang phải"),
    ("en", "Turn your head slightly left", "Turn your head slightly right"),
])
def test_the_head_turn_prompts_are_shown_in_large_text(qtbot, language: str, left: str,  # type: ignore[no-untyped-def]
                                                       right: str) -> None:
    window = KioskWindow(language=language, zone=ZoneInfo("Asia/Ho_Chi_Minh"),
                         card_seconds=0.3, admin_timeout_s=0.5,
                         admin_pin_hash=hash_pin("2468"))
    qtbot.addWidget(window)
    window.show()
    try:
        window.show_state(Guidance(GuidanceKey.TURN_LEFT, FACE, (1280, 720), 1.0))
        assert window.guidance_label.text() == left
        window.show_state(Guidance(GuidanceKey.TURN_RIGHT, FACE, (1280, 720), 1.1))
        assert window.guidance_label.text() == right
        assert window.screen_kind == "checkin"
    finally:
        window.shutdown()
        window.close()
