"""Nothing clipped at any supported resolution: every visible text label's text fits its
label (word-wrapped at its width, its own font) and every label lies inside the window.
Checked offscreen on the greeting card (a repeat greeting with the longest verdict, the
enrolled face chip beside the live face), the refusal cards beside the live preview, the
admin PIN page and the admin enrolment page with its on-screen keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4
from zoneinfo import ZoneInfo

import cv2
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from kiosk.app.admin_pin import hash_pin
from kiosk.app.state import (
    Greeting,
    LivenessFailed,
    NotRecognized,
    PunchDirection,
    ReminderItem,
)
from kiosk.ui.app import use_kiosk_font
from kiosk.ui.window import KioskWindow

SIZES = [(800, 480), (1024, 600), (1280, 800), (1920, 1080), (600, 1024)]
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
    """Descriptions of visible texts that do not fit their widget or the window."""
    QApplication.processEvents()
    problems = []
    for widget in win.findChildren(QWidget):
        if not widget.isVisibleTo(win) or not isinstance(widget, QLabel | QAbstractButton):
            continue
        shown = widget.text()
        if not shown:
            continue
        rect = widget.rect().translated(widget.mapTo(win, widget.rect().topLeft()))
        if not win.rect().contains(rect):
            problems.append(f"outside the window: {shown!r} {rect}")
            continue
        metrics = QFontMetrics(widget.font())
        wrap = isinstance(widget, QLabel) and widget.wordWrap()
        flags = Qt.TextFlag.TextWordWrap if wrap else Qt.TextFlag(0)
        needed = metrics.boundingRect(0, 0, widget.contentsRect().width() if wrap else 100000,
                                      100000, int(flags), shown)
        if needed.height() > widget.contentsRect().height() + 1 or (
                not wrap and needed.width() > widget.contentsRect().width() + 1):
            problems.append(f"clipped: {shown!r} needs {needed.width()}x{needed.height()}, "
                            f"has {widget.contentsRect().width()}x"
                            f"{widget.contentsRect().height()}")
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
    window.admin.pin_keypad.press("1")
    window.admin.pin_keypad.press("ok")  # the attempts-left message shows
    assert _clipped(window) == []


def test_admin_enrolment_keyboard(window: KioskWindow) -> None:
    window.enter_admin()
    for key in [*PIN, "ok"]:
        window.admin.pin_keypad.press(key)
    window.admin.open_name_keyboard()
    for key in "Nguyeenx":
        window.admin.name_keyboard.press(key.lower())
    assert _clipped(window) == []
