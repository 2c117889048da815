"""Nothing clipped at any supported resolution: every visible text fits its widget (word-wrapped
at its width, its own font) with every letter in that font (Vietnamese diacritics drawn, not
boxes), no two visible sibling widgets overlap, and every widget lies inside the window (or,
on a page that scrolls, inside the scrolled content, the scroll area inside the window).
Checked offscreen at each of SIZES (480x800 and 600x1024 portrait), in the kiosk's font,
on the greeting card (a repeat greeting with the longest verdict, the enrolled face chip
beside the live face, three reminders), the refusal cards beside the live preview, the staff
PIN keypad (digits and letters), the face + code keypad, the PIN and badge refusals, the
camera-offline and models-missing screens, the admin PIN page, the enrolment form, its
on-screen keyboard and its capture view, and the admin settings page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4
from zoneinfo import ZoneInfo

import cv2
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

from kiosk.app.admin_pin import hash_pin
from kiosk.app.state import (
    AltCheckinRefused,
    AltRefusal,
    CameraPhase,
    CameraState,
    CodeRequested,
    DoctorReport,
    EnrollmentFinished,
    EnrollmentProgress,
    Greeting,
    GuidanceKey,
    LivenessFailed,
    LocalSettingsView,
    ModelsMissing,
    NotRecognized,
    PeopleDirectory,
    PersonChoice,
    PunchDirection,
    ReminderItem,
    StatusBar,
)
from kiosk.ui.app import use_kiosk_font
from kiosk.ui.window import KioskWindow

SIZES = [(800, 480), (1024, 600), (1280, 800), (1920, 1080), (480, 800), (600, 1024)]
PIN = "2468"


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return hash_pin(PIN)


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def window(request, qtbot, pin_hash: str) -> Iterator[KioskWindow]:  # type: ignore[no-untyped-def]
    use_kiosk_font()  # laid out in the font the real app uses, whatever ran before
    win = KioskWindow(language="vi", zone=ZoneInfo("Asia/Ho_Chi_Minh"), card_seconds=30,
                      admin_timeout_s=60, admin_pin_hash=pin_hash)
    qtbot.addWidget(win)
    win.setFixedSize(*request.param)
    win.show()
    yield win
    win.shutdown()
    win.close()


def _clipped(win: KioskWindow) -> list[str]:
    """Descriptions of what does not fit: texts, overlapping siblings, widgets outside."""
    QApplication.processEvents()
    problems = []
    for widget in win.findChildren(QWidget):
        if not widget.isVisibleTo(win) or widget.isWindow() or _scroll_internal(widget):
            continue
        rect = _rect_in(win, widget)
        bounds = _bounds(win, widget)
        if not bounds.contains(rect):
            problems.append(f"outside {bounds}: {_name(widget)} {rect}")
            continue
        problems += _overlaps(win, widget)
        if isinstance(widget, QLabel | QAbstractButton) and widget.text():
            problems += _text_problems(widget)
    return problems


def _name(widget: QWidget) -> str:
    shown = widget.text() if isinstance(widget, QLabel | QAbstractButton | QLineEdit) else ""
    return f"{type(widget).__name__} {shown!r}"


def _rect_in(win: QWidget, widget: QWidget) -> QRect:
    return widget.rect().translated(widget.mapTo(win, widget.rect().topLeft()))


def _scroll_internal(widget: QWidget) -> bool:
    """A scroll area's own parts (viewport, scroll bars), not content laid out by the page."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and not (
                isinstance(parent, QScrollArea) and parent.widget() is not None
                and (parent.widget() is widget or parent.widget().isAncestorOf(widget))):
            return True
        parent = parent.parentWidget()
    return False


def _bounds(win: QWidget, widget: QWidget) -> QRect:
    """The window's rect, or the scrolled content's for a widget inside a scroll area (the
    scroll area itself must lie in the window: it is checked as a widget of its own)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None and \
                parent.widget().isAncestorOf(widget):
            return _rect_in(win, parent.widget())
        parent = parent.parentWidget()
    return win.rect()


def _overlaps(win: QWidget, widget: QWidget) -> list[str]:
    """Visible siblings laid out over ``widget`` (a layout squeezed below its minimum)."""
    parent = widget.parentWidget()
    if parent is None or parent.layout() is None or isinstance(parent, QStackedWidget):
        return []
    problems = []
    for sibling in parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if sibling is widget or not sibling.isVisibleTo(win) or sibling.isWindow() or \
                id(sibling) < id(widget):
            continue
        shared = sibling.geometry().intersected(widget.geometry())
        if shared.width() > 0 and shared.height() > 0:
            problems.append(f"overlap: {_name(widget)} {widget.geometry()} and "
                            f"{_name(sibling)} {sibling.geometry()}")
    return problems


def _text_problems(widget: QLabel | QAbstractButton) -> list[str]:
    """The text's size in the widget's font against the widget's room, and any letter the
    font cannot draw (a Vietnamese diacritic shown as a box)."""
    shown = widget.text()
    metrics = QFontMetrics(widget.font())
    room = widget.contentsRect()
    if isinstance(widget, QCheckBox):  # the indicator comes first
        option = QStyleOptionButton()
        option.initFrom(widget)
        room = widget.style().subElementRect(QStyle.SubElement.SE_CheckBoxContents, option,
                                             widget)
    wrap = isinstance(widget, QLabel) and widget.wordWrap()
    flags = Qt.TextFlag.TextWordWrap if wrap else Qt.TextFlag(0)
    needed = metrics.boundingRect(0, 0, room.width() if wrap else 100000, 100000, int(flags),
                                  shown)
    problems = []
    if needed.height() > room.height() + 1 or (not wrap and needed.width() > room.width() + 1):
        problems.append(f"clipped: {shown!r} needs {needed.width()}x{needed.height()}, "
                        f"has {room.width()}x{room.height()}")
    missing = {c for c in shown if c.isalpha() and not metrics.inFontUcs4(ord(c))}
    if missing:
        problems.append(f"not in the font {widget.font().family()}: {sorted(missing)}")
    return problems


@pytest.fixture(scope="module")
def chip(faces_dev: Path) -> bytes:
    """A real face photo, cropped square and JPEG-encoded like a stored enrolment chip."""
    image = cv2.imread(str(faces_dev / "people" / "clapton-1.jpg"))
    side = min(image.shape[:2])
    ok, encoded = cv2.imencode(".jpg", cv2.resize(image[:side, :side], (112, 112)))
    assert ok
    return encoded.tobytes()


def test_repeat_greeting_card(window: KioskWindow, chip: bytes) -> None:
    window.show_state(Greeting(
        person_id=uuid4(), person_name="Nguyễn Thị Hồng Nhung", department="Vụ Tổ chức cán bộ",
        at=datetime(2026, 11, 23, 1, 12, tzinfo=UTC), direction=PunchDirection.CHECK_IN,
        verdict_text="Hôm nay không có ca", repeat=True, verdict_quiet=True,
        reminders=(ReminderItem("r1", "Nộp báo cáo quý về tổ chức cán bộ", overdue=True),
                   ReminderItem("r2", "Họp giao ban", due_at=datetime(2026, 11, 23, 2, 0,
                                                                     tzinfo=UTC))),
        enrolled_chip=chip))
    assert window.screen_kind == "greeting"
    assert _clipped(window) == []
    card = window.card
    assert card.check.isVisible() and card.check.text() == "✓"
    # "no shift today" is small: below the name and the check-in time
    assert card.verdict.font().pointSizeF() < card.when.font().pointSizeF()
    assert card.chip.isVisible() and not card.chip.pixmap().isNull()
    assert card.chip.width() >= 64  # the enrolled face stays recognisable
    chip_rect = card.chip.rect().translated(card.chip.mapTo(window, card.chip.rect().topLeft()))
    assert window.rect().contains(chip_rect)


@pytest.fixture(scope="module")
def live_face(faces_dev: Path) -> bytes:
    """Another real photo, encoded as the engine encodes the face it decided on."""
    image = cv2.imread(str(faces_dev / "people" / "clapton-2.jpg"))
    ok, encoded = cv2.imencode(".jpg", cv2.resize(image, (150, 180)))
    assert ok
    return encoded.tobytes()


def _inside(window: KioskWindow, widget: QWidget) -> bool:
    return window.rect().contains(widget.rect().translated(
        widget.mapTo(window, widget.rect().topLeft())))


def test_enrolled_chip_beside_the_live_face(window: KioskWindow, chip: bytes,
                                            live_face: bytes) -> None:
    window.show_state(Greeting(
        person_id=uuid4(), person_name="Nguyễn Thị Hồng Nhung", department="Vụ Tổ chức cán bộ",
        at=datetime(2026, 11, 23, 1, 12, tzinfo=UTC), direction=PunchDirection.CHECK_IN,
        verdict_text="Đi muộn 12 phút",
        reminders=(ReminderItem("r1", "Nộp báo cáo quý về tổ chức cán bộ", overdue=True),),
        enrolled_chip=chip, live_face=live_face, track_id=7))
    assert _clipped(window) == []
    card = window.card
    for face in (card.chip, card.live):
        assert face.isVisible() and not face.pixmap().isNull() and face.width() >= 64
        assert _inside(window, face)
    chip_at, live_at = (f.mapTo(window, f.rect().topLeft()) for f in (card.chip, card.live))
    assert abs(chip_at.y() - live_at.y()) <= 2 and chip_at.x() < live_at.x()  # side by side


@pytest.mark.parametrize("refusal", [NotRecognized(at=datetime(2026, 11, 23, tzinfo=UTC),
                                                   track_id=3),
                                     LivenessFailed(at=datetime(2026, 11, 23, tzinfo=UTC),
                                                    track_id=3)],
                         ids=["not_recognized", "liveness"])
def test_refusal_beside_the_live_preview(window: KioskWindow,
                                         refusal: NotRecognized | LivenessFailed) -> None:
    window.show_state(refusal)
    assert window.screen_kind in ("not_recognized", "liveness")
    assert _clipped(window) == []
    assert window.preview.isVisible() and window.preview.width() >= 200
    assert window.refusal.hint.text() == "⌨ Dùng mã PIN hoặc thẻ QR"
    assert _inside(window, window.refusal.hint)


def test_greeting_without_a_stored_chip(window: KioskWindow) -> None:
    window.show_state(Greeting(
        person_id=uuid4(), person_name="Lê Văn Nam", department="",
        at=datetime(2026, 11, 23, 1, 12, tzinfo=UTC), direction=PunchDirection.CHECK_OUT,
        verdict_text="Đúng giờ"))
    assert window.card.check.isVisible() and not window.card.chip.isVisible()
    assert _clipped(window) == []


def test_admin_pin_page(window: KioskWindow) -> None:
    window.enter_admin()
    window.admin.pin_page.keypad.press("1")
    window.admin.pin_page.keypad.press("ok")  # the attempts-left message shows
    assert _clipped(window) == []


def test_admin_enrolment_keyboard(window: KioskWindow) -> None:
    window.enter_admin()
    for key in [*PIN, "ok"]:
        window.admin.pin_page.keypad.press(key)
    window.admin.open_name_keyboard()
    for key in "Nguyeenx":
        window.admin.name_keyboard.press(key.lower())
    assert _clipped(window) == []


TOUCH_PX = 48  # px: the shortest key or button a finger is asked to hit


def _status(window: KioskWindow) -> None:
    window.show_state(StatusBar(online=True, backlog=12, camera=CameraPhase.LIVE,
                                pack="yunet-intel0095", kiosk_name="Cổng chính"))


def _visible_keys(window: KioskWindow, keys: dict[str, QPushButton]) -> list[QPushButton]:
    return [key for key in keys.values() if key.isVisibleTo(window)]


def test_staff_pin_keypad(window: KioskWindow) -> None:
    _status(window)
    window.open_keypad()
    pad = window.keypad
    assert window.screen_kind == "keypad"
    assert _clipped(window) == []
    for key in "F001":  # letters first, then digits, then on to the PIN
        pad.press("letters" if key.isalpha() else "digits")
        pad.press(key)
        assert _clipped(window) == []
    pad.press("ok")
    assert pad.active is pad.pin_field
    assert pad.title.text() == "Chấm công bằng mã nhân viên và mã PIN"
    assert _clipped(window) == []
    keys = _visible_keys(window, pad.keys)
    assert len(keys) == 14 and min(key.height() for key in keys) >= TOUCH_PX
    assert min(field.height() for field in (pad.code_field, pad.pin_field)) >= TOUCH_PX
    window.close_keypad()


def test_staff_pin_keypad_letters(window: KioskWindow) -> None:
    window.open_keypad()
    window.keypad.press("letters")
    assert _clipped(window) == []
    keys = _visible_keys(window, window.keypad.keys)
    assert len(keys) == 27 and min(key.height() for key in keys) >= TOUCH_PX
    window.close_keypad()


def test_face_and_code_keypad(window: KioskWindow) -> None:
    window.show_state(CodeRequested(at=datetime(2026, 11, 23, 1, 12, tzinfo=UTC)))
    pad = window.keypad
    assert window.screen_kind == "keypad" and pad.code_only and not pad.pin_field.isVisible()
    assert pad.title.text() == "Vui lòng nhập mã nhân viên để xác nhận khuôn mặt"
    assert _clipped(window) == []
    assert min(key.height() for key in _visible_keys(window, pad.keys)) >= TOUCH_PX
    window.close_keypad()


@pytest.mark.parametrize("refusal", [
    AltCheckinRefused(AltRefusal.UNKNOWN_BADGE),
    AltCheckinRefused(AltRefusal.WRONG_PIN, attempts_left=2),
    AltCheckinRefused(AltRefusal.LOCKED, locked_until=datetime(2026, 11, 23, 2, 30, tzinfo=UTC)),
    AltCheckinRefused(AltRefusal.FACE_CODE_MISMATCH)], ids=lambda r: r.reason.value)
def test_badge_and_pin_refusals(window: KioskWindow, refusal: AltCheckinRefused) -> None:
    _status(window)
    window.show_state(refusal)
    assert window.screen_kind == refusal.reason.value
    assert window.message.title.text() and _clipped(window) == []


def test_camera_offline_and_models_missing(window: KioskWindow) -> None:
    _status(window)
    window.show_state(CameraState(CameraPhase.OFFLINE))
    assert window.screen_kind == "camera_offline"
    assert _clipped(window) == []
    window.show_state(CameraState(CameraPhase.LIVE))
    window.show_state(ModelsMissing(
        detail="no model pack",
        fix="kiosk models install yunet-intel0095 --from /media/usb/goi-mo-hinh"))
    assert window.screen_kind == "models_missing"
    assert _clipped(window) == []


def test_reminders_on_the_greeting_card(window: KioskWindow, chip: bytes,
                                        live_face: bytes) -> None:
    _status(window)
    now = datetime(2026, 11, 23, 1, 12, tzinfo=UTC)
    reminders = (ReminderItem("r1", "Nộp báo cáo quý III về tổ chức cán bộ", overdue=True,
                              urgent=True),
                 ReminderItem("r2", "Họp giao ban lãnh đạo Vụ", due_at=now),
                 ReminderItem("r3", "Góp ý dự thảo quy chế chấm công", due_at=now))
    window.show_state(Greeting(
        person_id=uuid4(), person_name="Nguyễn Thị Hồng Nhung", department="Vụ Tổ chức cán bộ",
        at=now, direction=PunchDirection.CHECK_IN, verdict_text="Đi muộn 12 phút",
        reminders=reminders, enrolled_chip=chip, live_face=live_face, track_id=7))
    assert _clipped(window) == []
    panel = window.card.reminders
    shown = [item for item in panel.items if item.isVisibleTo(window) and item.text()]
    assert shown and shown[0].text().startswith("• Nộp báo cáo quý III")
    hidden = len(reminders) - len(shown)  # too small a panel for all: the title counts them
    assert panel.title.text() == "Việc cần làm của bạn" + (f" (+{hidden})" if hidden else "")
    buttons = [b for b in panel.ack_buttons if b.isVisibleTo(window)]
    assert len(buttons) == len(shown) and min(b.height() for b in buttons) >= 56
    if window.width() >= 1024:  # a 10" panel shows all three
        assert hidden == 0


def _unlock(window: KioskWindow) -> None:
    window.enter_admin()
    for key in [*PIN, "ok"]:
        window.admin.pin_page.keypad.press(key)
    window.show_state(PeopleDirectory((PersonChoice(uuid4(), "Trần Văn Bình", "Văn phòng Bộ"),
                                       PersonChoice(uuid4(), "Lê Thị Mai", "Vụ Tổ chức cán bộ"))))


def test_enrolment_form(window: KioskWindow) -> None:
    _status(window)
    _unlock(window)
    admin = window.admin
    assert admin.consent.isVisible() and admin.consent_text.isVisible()
    assert _clipped(window) == []
    admin.consent.setChecked(True)
    admin.new_name.setText("Nguyễn Thị Hồng Nhung")
    admin.start_enrollment()
    window.show_state(EnrollmentFinished(None, "Nguyễn Thị Hồng Nhung", 2, 0, ok=False,
                                         problem="not_live"))
    admin.progress.setText("Đã chụp 2/4 ảnh tốt")
    assert "không qua kiểm tra người thật" in admin.result.text()
    assert _clipped(window) == []
    for button in (admin.start_button, admin.settings_button):
        assert button.height() >= TOUCH_PX
    admin.render_finished(EnrollmentFinished(  # a look-alike: the admin may confirm
        None, "Nguyễn Văn Bình", 0, 0, ok=False, error="đã đăng ký", lookalike_id=uuid4(),
        lookalike_name="Nguyễn Thị Phương Thảo"))
    assert admin.confirm_different.isVisibleTo(window)
    assert _clipped(window) == []


def test_consent_text_ticks_its_box(window: KioskWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    _unlock(window)
    assert not window.admin.consent.isChecked()
    qtbot.mouseClick(window.admin.consent_text, Qt.MouseButton.LeftButton)
    assert window.admin.consent.isChecked()


def test_enrolment_capture_view(window: KioskWindow) -> None:
    _status(window)
    _unlock(window)
    admin = window.admin
    admin.consent.setChecked(True)
    admin.new_name.setText("Trần Văn Bình")
    admin.start_enrollment()
    window.show_state(EnrollmentProgress("Trần Văn Bình", 1, 4, GuidanceKey.HOLD_STILL,
                                         pose="up_or_down", slow_pose=True, can_skip=True))
    view = admin.capture_view
    assert view.isVisible() and view.skip_button.isVisible()
    assert _clipped(window) == []
    window.show_state(EnrollmentProgress("Trần Văn Bình", 2, 4, GuidanceKey.HOLD_STILL,
                                         pose="right", refused="same_as_before"))
    assert _clipped(window) == []
    assert min(b.height() for b in (view.skip_button, view.cancel_button)
               if b.isVisible()) >= TOUCH_PX
    admin.cancel_capture()


def test_admin_settings_page(window: KioskWindow) -> None:
    _status(window)
    _unlock(window)
    window.admin.open_settings()
    people = (PersonChoice(uuid4(), "Trần Văn Bình", "Văn phòng Bộ"),
              PersonChoice(uuid4(), "Lê Thị Mai", "Vụ Tổ chức cán bộ"))
    window.show_state(LocalSettingsView(
        kiosk_name="Cổng chính", camera_source="/dev/video0", match_threshold=None,
        pack_match_threshold=0.62, liveness_threshold=0.7, language="vi", face_entry=False,
        admin_people=(people[1].person_id,), people=people))
    window.show_state(DoctorReport(("PASS models: sha256 ok; installed packs: yunet-intel0095",
                                    "PASS disk space: 21.4 GiB free at /var/lib/face-attendance",
                                    "FAIL clock: 95 s behind the server"), False))
    page = window.admin.settings_page
    assert page.isVisible() and page.face_entry_note.text()
    assert _clipped(window) == []
    for button in (page.save_button, page.doctor_button, page.back_button):
        assert button.height() >= TOUCH_PX and _inside(window, button)


def test_the_longer_english_texts_fit_too(window: KioskWindow) -> None:
    _status(window)
    window.set_language("en")
    window.show_state(CodeRequested(at=datetime(2026, 11, 23, 1, 12, tzinfo=UTC)))
    assert window.keypad.title.text() == "Please type your employee code to confirm your face"
    assert _clipped(window) == []
    window.close_keypad()
    window.show_state(AltCheckinRefused(AltRefusal.FACE_CODE_MISMATCH))
    assert _clipped(window) == []
    _unlock(window)
    assert window.admin.consent_text.text().startswith("This person read the notice")
    assert _clipped(window) == []
    window.admin.open_settings()
    assert _clipped(window) == []
