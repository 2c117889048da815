"""The check-in keypad and its place in the kiosk window (Qt offscreen, real widgets)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from kiosk.app.requests import PinEntered, SetKeypadOpen
from kiosk.app.state import (
    AltCheckinRefused,
    AltRefusal,
    CameraPhase,
    CameraState,
    Greeting,
    PunchDirection,
)
from kiosk.ui.pinpad import BACKSPACE, PinPad
from kiosk.ui.window import KioskWindow


def test_keys_fill_code_then_a_masked_pin_and_submit_clears_both(qtbot) -> None:
    pad = PinPad("en")
    qtbot.addWidget(pad)
    sent: list[tuple[str, str]] = []
    pad.submitted.connect(lambda code, pin: sent.append((code, pin)))
    for key in ["letters", "F", "digits", "0", "0", "9", BACKSPACE, "1"]:
        pad.keys[key].click()
    assert pad.code_field.text() == "F001"
    pad.keys["ok"].click()  # "Next": on to the PIN
    assert pad.active is pad.pin_field and not pad.keys["letters"].isEnabled()
    for key in "123456789":  # at most 8 digits
        pad.keys[key].click()
    assert pad.pin_field.text() == "12345678"
    assert pad.pin_field.displayText() != "12345678"  # masked on screen
    pad.keys["ok"].click()
    assert sent == [("F001", "12345678")]
    assert pad.code_field.text() == "" and pad.pin_field.text() == ""
    pad.set_language("vi")
    assert pad.keys["cancel"].text() == "Hủy" and pad.keys["ok"].text() == "Tiếp"


def test_window_opens_the_keypad_pauses_faces_and_shows_refusals(qtbot) -> None:
    window = KioskWindow(language="en", zone=ZoneInfo("Asia/Ho_Chi_Minh"), card_seconds=0.3,
                         admin_timeout_s=5, admin_pin_hash=None)
    qtbot.addWidget(window)
    window.show()
    requests: list[object] = []
    window.request.connect(requests.append)
    try:
        window.pin_button.click()
        assert window.screen_kind == "keypad"
        for key in ["7", "7", "ok", "2", "5", "8", "0", "ok"]:
            window.keypad.keys[key].click()
        assert requests == [SetKeypadOpen(True), PinEntered("77", "2580"),
                            SetKeypadOpen(False)]
        assert "2580" not in repr(requests[1])  # the PIN stays out of logs
        assert window.screen_kind == "checkin"
        locked = datetime(2026, 3, 2, 1, 25, tzinfo=UTC)
        window.show_state(AltCheckinRefused(AltRefusal.LOCKED, locked_until=locked))
        assert window.screen_kind == "pin_locked"
        assert "08:25" in window.message.fix.text()  # local time of the site
        window.pin_button.click()  # from a transient message, the keypad opens again
        window.admin_button.click()  # admin mode takes over and the keypad closes
        assert requests[-1] == SetKeypadOpen(False) and window.screen_kind == "admin"
    finally:
        window.shutdown()
        window.close()


def test_the_keypad_works_while_the_camera_is_offline(qtbot) -> None:
    """Face check-in is down; a PIN is not: the keypad opens over the offline screen, the
    greeting shows, and the offline screen comes back (until the camera does)."""
    window = KioskWindow(language="en", zone=ZoneInfo("Asia/Ho_Chi_Minh"), card_seconds=0.3,
                         admin_timeout_s=5, admin_pin_hash=None)
    qtbot.addWidget(window)
    window.show()
    requests: list[object] = []
    window.request.connect(requests.append)
    try:
        window.show_state(CameraState(CameraPhase.OFFLINE, "unplugged"))
        assert window.screen_kind == "camera_offline"
        window.pin_button.click()
        assert window.screen_kind == "keypad"
        window.show_state(CameraState(CameraPhase.OFFLINE, "still unplugged"))
        assert window.screen_kind == "keypad"  # the person typing is not interrupted
        for key in ["7", "7", "ok", "2", "5", "8", "0", "ok"]:
            window.keypad.keys[key].click()
        assert PinEntered("77", "2580") in requests
        assert window.screen_kind == "camera_offline"  # until the answer arrives
        window.show_state(_greeting_for("Le Thi Pin"))
        assert window.screen_kind == "greeting"
        assert window.card.name.text() == "Le Thi Pin"
        qtbot.waitUntil(lambda: window.screen_kind == "camera_offline", timeout=3000)
        window.show_state(AltCheckinRefused(AltRefusal.WRONG_PIN, attempts_left=4))
        assert window.screen_kind == "pin_wrong"
        qtbot.waitUntil(lambda: window.screen_kind == "camera_offline", timeout=3000)
        window.show_state(CameraState(CameraPhase.LIVE))
        assert window.screen_kind == "checkin"
    finally:
        window.shutdown()
        window.close()


def _greeting_for(name: str) -> Greeting:
    return Greeting(person_id=uuid.uuid4(), person_name=name, department="Finance",
                    at=datetime.now(UTC), direction=PunchDirection.CHECK_IN,
                    verdict_text="On time", punch_id=uuid.uuid4())
