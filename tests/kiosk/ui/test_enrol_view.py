"""The admin enrolment capture screen, offscreen: a large live preview (a real nuaa-dev webcam
frame through the window's preview buffer) with the framing oval drawn green or amber, the
pose asked in Vietnamese, refusals, Cancel, and the form back with the reason afterwards; a
pose asked too long shows how to reach it and, where allowed, "Bỏ qua tư thế này"."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import cv2
import pytest
from PySide6.QtGui import QColor

from kiosk.app.admin_pin import hash_pin
from kiosk.app.requests import CancelEnrollment, SkipEnrollmentPose, StartEnrollment
from kiosk.app.state import (
    EnrollmentFinished,
    EnrollmentProgress,
    GuidanceKey,
    PeopleDirectory,
)
from kiosk.camera import Frame, LatestFrameBuffer
from kiosk.ui.enrol_view import GOOD, WAIT
from kiosk.ui.window import KioskWindow
from tests.conftest import need_shared

PIN = "2468"
LIVE = "0001_00_00_01_0.jpg"


def _progress(in_oval: bool, refused: str = "") -> EnrollmentProgress:
    return EnrollmentProgress("Nguyễn Thị Thủy", 1, 4, GuidanceKey.HOLD_STILL if in_oval
                              else GuidanceKey.CENTRE_FACE, pose="left", in_oval=in_oval,
                              refused=refused, face_box=(250.0, 120.0, 150.0, 180.0),
                              frame_size=(640, 480))


def _oval_colour(win: KioskWindow) -> QColor:
    """The colour drawn on the oval's top edge in the preview as it is painted now."""
    preview = win.admin.capture_view.preview
    rect = preview.oval_rect()
    image = preview.grab().toImage()
    return image.pixelColor(int(rect.center().x()), int(rect.top()) + 1)


def _near(colour: QColor, hex_colour: str) -> bool:
    want = QColor(hex_colour)
    return max(abs(colour.red() - want.red()), abs(colour.green() - want.green()),
               abs(colour.blue() - want.blue())) <= 40


@pytest.mark.parametrize("size", [(800, 480), (1280, 800), (480, 800)])
def test_capture_shows_live_video_with_oval_pose_and_reasons(qtbot, size: tuple[int, int]  # type: ignore[no-untyped-def]
                                                             ) -> None:
    frame = cv2.imread(str(need_shared("datasets", "nuaa-dev", "live") / LIVE))
    buffer = LatestFrameBuffer()
    win = KioskWindow(language="vi", zone=ZoneInfo("Asia/Ho_Chi_Minh"), card_seconds=0.3,
                      admin_timeout_s=60, admin_pin_hash=hash_pin(PIN), preview_buffer=buffer)
    qtbot.addWidget(win)
    win.setFixedSize(*size)
    win.show()
    sent: list[object] = []
    win.request.connect(sent.append)
    try:
        win.enter_admin()
        win.admin.pin_page.field.setText(PIN)
        win.admin.pin_page.submit()
        win.show_state(PeopleDirectory(()))
        win.admin.new_name.setText("Nguyễn Thị Thủy")
        win.admin.consent.setChecked(True)
        win.admin.start_enrollment()
        assert isinstance(sent[-1], StartEnrollment) and sent[-1].frames == 4
        view = win.admin.capture_view
        assert view.isVisible() and not win.admin.consent.isVisible()
        buffer.put(Frame(frame, datetime.now(UTC), 0, 0.0))
        qtbot.waitUntil(lambda: view.preview.frames_shown >= 1, timeout=3000)
        # the live video is large: at least 40% of the screen's height (it was a 160 px chip)
        assert view.preview.height() >= 0.4 * size[1], view.preview.height()

        win.show_state(_progress(in_oval=False))
        assert view.progress.text() == "Tư thế 2/4: quay nhẹ sang trái"
        assert view.guidance.text() == "Đưa khuôn mặt vào khung bầu dục"
        assert _near(_oval_colour(win), WAIT), _oval_colour(win).name()
        win.show_state(_progress(in_oval=True))
        assert view.guidance.text() == "Khuôn mặt vừa khung — giữ tư thế"
        assert _near(_oval_colour(win), GOOD), _oval_colour(win).name()
        win.show_state(_progress(in_oval=True, refused="not_live"))
        assert view.guidance.text() == "Ảnh bị từ chối: không qua kiểm tra người thật"
        _assert_fits(win, [view.progress, view.guidance, view.cancel_button])

        qtbot.mouseClick(view.cancel_button, _left())
        assert isinstance(sent[-1], CancelEnrollment)
        win.show_state(EnrollmentFinished(None, "Nguyễn Thị Thủy", 0, 0, ok=False,
                                          problem="no_pose_change"))
        assert not view.isVisible() and win.admin.consent.isVisible()
        assert win.admin.result.text().startswith(
            "Đăng ký không thành công: Khuôn mặt không hề đổi tư thế")
    finally:
        win.shutdown()
        win.close()


def _left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def _assert_fits(win: KioskWindow, widgets) -> None:  # type: ignore[no-untyped-def]
    """Each widget whole on the screen and its text not wider than the widget."""
    for widget in widgets:
        rect = widget.rect().translated(widget.mapTo(win, widget.rect().topLeft()))
        assert win.rect().contains(rect), (widget.text(), rect)
        assert widget.fontMetrics().horizontalAdvance(widget.text()) <= widget.width(), \
            widget.text()


def test_oval_sits_where_the_engine_checks_it() -> None:
    """A face centred in the frame is in the oval; one at the frame's edge or too small is
    not (kiosk.app.enrol_capture.in_oval, the rule the green cue shows)."""
    from kiosk.app.enrol_capture import in_oval

    assert in_oval((250.0, 130.0, 140.0, 170.0), (640, 480), 56)
    assert not in_oval((0.0, 130.0, 140.0, 170.0), (640, 480), 56)
    assert not in_oval((300.0, 200.0, 40.0, 40.0), (640, 480), 56)


@pytest.mark.parametrize("size", [(800, 480), (480, 800)])
def test_a_pose_asked_too_long_shows_guidance_and_a_skip_button(  # type: ignore[no-untyped-def]
        qtbot, size: tuple[int, int]) -> None:
    win = KioskWindow(language="vi", zone=ZoneInfo("Asia/Ho_Chi_Minh"), card_seconds=0.3,
                      admin_timeout_s=60, admin_pin_hash=hash_pin(PIN))
    qtbot.addWidget(win)
    win.setFixedSize(*size)
    win.show()
    sent: list[object] = []
    win.request.connect(sent.append)
    try:
        win.enter_admin()
        win.admin.pin_page.field.setText(PIN)
        win.admin.pin_page.submit()
        win.show_state(PeopleDirectory(()))
        win.admin.new_name.setText("Nguyễn Thị Thủy")
        win.admin.consent.setChecked(True)
        win.admin.start_enrollment()
        view = win.admin.capture_view
        win.show_state(_progress(in_oval=True))
        assert not view.skip_button.isVisible()
        win.show_state(replace(_progress(in_oval=True), slow_pose=True))  # the minimum left
        assert view.guidance.text() == "Chưa được: làm chậm, vừa phải, giữ mặt trong khung"
        assert not view.skip_button.isVisible()
        win.show_state(replace(_progress(in_oval=True), slow_pose=True, can_skip=True))
        assert view.guidance.text() == "Chưa được? Làm chậm, vừa phải — hoặc bỏ qua tư thế này"
        assert view.skip_button.isVisible() and view.skip_button.text() == "Bỏ qua tư thế này"
        _assert_fits(win, [view.progress, view.guidance, view.skip_button, view.cancel_button])
        qtbot.mouseClick(view.skip_button, _left())
        assert isinstance(sent[-1], SkipEnrollmentPose)
        assert not view.skip_button.isVisible()  # until the engine offers it again
        win.show_state(EnrollmentProgress("Nguyễn Thị Thủy", 1, 3, GuidanceKey.CENTRE_FACE,
                                          pose="right"))
        assert view.progress.text() == "Tư thế 2/3: quay nhẹ sang phải"
        assert view.guidance.text() == "Đưa khuôn mặt vào khung bầu dục"
    finally:
        win.shutdown()
        win.close()
