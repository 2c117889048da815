"""The window renders state objects built directly (no camera, no models)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QLabel

from kiosk.app.admin_pin import hash_pin
from kiosk.app.requests import ListPeople, SetAdminMode, StartEnrollment
from kiosk.app.state import (
    CameraPhase,
    CameraState,
    EnrollmentFinished,
    FaceOutline,
    Greeting,
    Guidance,
    GuidanceKey,
    ModelsMissing,
    NotRecognized,
    PeopleDirectory,
    PersonChoice,
    PunchDirection,
    ReminderItem,
    StatusBar,
)
from kiosk.ui.window import KioskWindow

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PIN = "2468"


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return hash_pin(PIN)


@pytest.fixture
def window(qtbot, pin_hash: str) -> KioskWindow:
    win = KioskWindow(language="vi", zone=ZONE, card_seconds=0.3, admin_timeout_s=0.5,
                      admin_pin_hash=pin_hash)
    qtbot.addWidget(win)
    win.resize(1024, 600)
    win.show()
    yield win
    win.shutdown()
    win.close()


def _greeting(**changes: object) -> Greeting:
    values: dict[str, object] = dict(
        person_id=uuid4(), person_name="Nguyễn Thị Hồng", department="Vụ Tổ chức cán bộ",
        at=datetime(2026, 11, 23, 1, 12, tzinfo=UTC), direction=PunchDirection.CHECK_IN,
        verdict_text="Đi muộn 12 phút",
        reminders=(ReminderItem("r1", "Nộp báo cáo quý", overdue=True),
                   ReminderItem("r2", "Họp giao ban", due_at=datetime(2026, 11, 23, 2, 0,
                                                                     tzinfo=UTC))))
    values.update(changes)
    return Greeting(**values)  # type: ignore[arg-type]


def test_greeting_card_shows_local_time_verdict_and_reminders_then_clears(qtbot, window) -> None:
    window.show_state(_greeting())
    assert window.screen_kind == "greeting"
    assert window.card.name.text() == "Nguyễn Thị Hồng"
    assert window.guidance_label.text() == "Xin chào, Nguyễn Thị Hồng"
    assert window.card.when.text() == "Giờ vào: 08:12"  # UTC+7, the site zone
    assert window.card.verdict.text() == "Đi muộn 12 phút"
    assert "Nộp báo cáo quý" in window.card.reminders.items[0].text()
    assert "Quá hạn" in window.card.reminders.items[0].text()
    assert "Hạn 23/11 09:00" in window.card.reminders.items[1].text()
    qtbot.waitUntil(lambda: window.screen_kind == "checkin", timeout=3000)


def test_not_recognized_is_transient_but_camera_offline_persists(qtbot, window) -> None:
    window.show_state(NotRecognized(at=datetime.now(UTC)))
    assert window.screen_kind == "not_recognized"
    assert window.refusal.title.text() == "Không nhận diện được"
    assert window.preview.isVisible()  # the person still sees their face
    assert "Dùng mã PIN hoặc thẻ QR" in window.refusal.hint.text()
    qtbot.waitUntil(lambda: window.screen_kind == "checkin", timeout=3000)
    window.show_state(CameraState(CameraPhase.OFFLINE, "unplugged"))
    assert window.screen_kind == "camera_offline"
    # Whatever shows meanwhile (a PIN check-in's greeting or refusal) gives the screen back.
    window.show_state(NotRecognized(at=datetime.now(UTC)))
    qtbot.waitUntil(lambda: window.screen_kind == "camera_offline", timeout=3000)
    window.show_state(_greeting())
    assert window.screen_kind == "greeting"
    qtbot.waitUntil(lambda: window.screen_kind == "camera_offline", timeout=3000)
    window.show_state(CameraState(CameraPhase.LIVE))
    assert window.screen_kind == "checkin"


def test_models_missing_screen_names_the_fix(window) -> None:
    window.show_state(ModelsMissing(detail="no pack installed"))
    assert window.screen_kind == "models_missing"
    assert "kiosk models install" in window.message.fix.text()


def test_status_bar_and_guidance(window) -> None:
    window.show_state(StatusBar(online=False, backlog=7, camera=CameraPhase.LIVE,
                                pack="yunet-dlib"))
    assert window.status.online.text().endswith("Ngoại tuyến")
    assert window.status.backlog.text() == "7 lượt chờ đồng bộ"
    shown = [label.text() for label in window.status.findChildren(QLabel)]
    assert not any("yunet" in line or "Mô hình" in line for line in shown)  # not for staff
    window.show_state(Guidance(GuidanceKey.MOVE_CLOSER, (FaceOutline((10, 10, 30, 30), False),),
                           (640, 480)))
    assert window.guidance_label.text() == "Lại gần hơn"


def test_admin_pin_enrollment_requests_and_timeout(qtbot, window) -> None:
    sent: list[object] = []
    window.request.connect(sent.append)
    window.enter_admin()
    assert window.screen_kind == "admin" and sent[-1] == SetAdminMode(True)
    window.admin.pin_page.field.setText("0000")
    window.admin.pin_page.submit()
    assert not window.admin.unlocked
    assert window.admin.pin_page.message.text() == "Sai mã PIN — còn 4 lần thử"
    window.admin.pin_page.field.setText(PIN)
    window.admin.pin_page.submit()
    assert window.admin.unlocked and isinstance(sent[-1], ListPeople)
    person = PersonChoice(uuid4(), "Trần Văn Bình", "Văn phòng")
    window.show_state(PeopleDirectory((person,)))
    window.admin.start_enrollment()  # consent not given yet
    assert not any(isinstance(r, StartEnrollment) for r in sent)
    window.admin.consent.setChecked(True)
    window.admin.person_picker.setCurrentIndex(0)  # nobody is preselected
    window.admin.start_enrollment()
    request = sent[-1]
    assert isinstance(request, StartEnrollment) and request.person_id == person.person_id
    assert request.consent_notice_version
    window.show_state(EnrollmentFinished(person.person_id, person.name, 5, 0, ok=True))
    assert "Trần Văn Bình" in window.admin.result.text()
    qtbot.waitUntil(lambda: window.screen_kind != "admin", timeout=3000)  # timed out
    assert sent[-1] == SetAdminMode(False)


def test_english_strings(qtbot, pin_hash: str) -> None:
    win = KioskWindow(language="en", zone=ZONE, card_seconds=1, admin_timeout_s=1,
                      admin_pin_hash=pin_hash)
    qtbot.addWidget(win)
    win.show_state(_greeting(direction=PunchDirection.CHECK_OUT, verdict_text="On time",
                         at=datetime.now(UTC) - timedelta(minutes=1), reminders=()))
    assert win.card.when.text().startswith("Check-out: ")
    assert win.card.reminders.items[0].text() == "No reminders"
    win.shutdown()


def test_pin_pad_locks_after_repeated_wrong_pins(window) -> None:
    window.enter_admin()
    for _ in range(5):
        window.admin.pin_page.field.setText("1111")
        window.admin.pin_page.submit()
    assert "1 phút" in window.admin.pin_page.message.text()
    window.admin.pin_page.field.setText(PIN)  # even the right PIN waits out the lockout
    window.admin.pin_page.submit()
    assert not window.admin.unlocked
    window.leave_admin()
