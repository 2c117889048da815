"""Nothing clipped on the face + code keypad asking for the last digits, nor the look-alike
confirmation on the admin enrolment page, at every supported resolution (the checks and the
window of tests/kiosk/ui/test_screen_geometry.py)."""

from __future__ import annotations

from uuid import uuid4

from kiosk.app.state import EnrollmentFinished
from kiosk.ui.window import KioskWindow
from tests.kiosk.ui.test_screen_geometry import PIN, _clipped, pin_hash, window

__all__ = ["pin_hash", "window"]  # the fixtures this module uses


def test_face_code_keypad_asking_for_the_last_digits(window: KioskWindow) -> None:
    window.open_keypad(code_only=True, suffix=4)
    assert "4" in window.keypad.title.text()
    assert _clipped(window) == []


def test_admin_enrolment_offering_the_lookalike_confirmation(window: KioskWindow) -> None:
    window.enter_admin()
    for key in [*PIN, "ok"]:
        window.admin.pin_page.keypad.press(key)
    window.admin.render_finished(EnrollmentFinished(
        None, "Nguyễn Văn Bình", 0, 0, ok=False, error="đã đăng ký",
        lookalike_id=uuid4(), lookalike_name="Nguyễn Thị Phương Thảo"))
    box = window.admin.confirm_different
    assert box.isVisibleTo(window) and "Nguyễn Thị Phương Thảo" in box.text()
    # the page's other texts are the enrolment screen's own (checked with it)
    assert [p for p in _clipped(window) if box.text() in p] == []
