"""Admin mode by touch alone: the PIN on the on-screen keypad, the new person's name on the
Vietnamese keyboard, and the wrong-PIN lockout kept in the store across a restart. Only
mouse clicks drive the screen (no key events)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from kiosk.app.admin_lockout import AdminLockout
from kiosk.app.admin_pin import hash_pin
from kiosk.app.requests import StartEnrollment
from kiosk.store import KioskStore, open_store
from kiosk.ui.touch_keys import SHIFT, SPACE
from kiosk.ui.window import KioskWindow

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PIN = "2468"


class Clock:
    """UTC now, moved forward by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return hash_pin(PIN)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[KioskStore]:
    opened = open_store(tmp_path / "kiosk.sqlite3")
    yield opened
    opened.close()


def _window(qtbot, pin_hash: str, lockout: AdminLockout) -> KioskWindow:  # type: ignore[no-untyped-def]
    win = KioskWindow(language="vi", zone=ZONE, card_seconds=0.3, admin_timeout_s=60,
                      admin_pin_hash=pin_hash, admin_lockout=lockout)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    return win


def _close(win: KioskWindow) -> None:
    win.shutdown()
    win.close()


def _touch(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    assert widget.isVisible(), widget
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _type_pin(qtbot, win: KioskWindow, pin: str) -> None:  # type: ignore[no-untyped-def]
    for digit in pin:
        _touch(qtbot, win.admin.pin_page.keypad.keys[digit])
    _touch(qtbot, win.admin.pin_page.keypad.keys["ok"])


def _type_name(qtbot, win: KioskWindow, keys: str) -> None:  # type: ignore[no-untyped-def]
    keyboard = win.admin.name_keyboard
    for key in keys:
        if key == " ":
            _touch(qtbot, keyboard.keys[SPACE])
            continue
        if key.isupper() != keyboard.shift:
            _touch(qtbot, keyboard.keys[SHIFT])
        _touch(qtbot, keyboard.keys[key.lower()])


def test_pin_and_vietnamese_name_by_touch(qtbot, pin_hash: str, store: KioskStore) -> None:
    win = _window(qtbot, pin_hash, AdminLockout(store.settings))
    sent: list[object] = []
    win.request.connect(sent.append)
    try:
        _touch(qtbot, win.admin_button)
        assert win.screen_kind == "admin" and win.admin.pin_page.field.isReadOnly()
        _type_pin(qtbot, win, "1357")
        assert win.admin.pin_page.message.text() == "Sai mã PIN — còn 4 lần thử"
        assert win.admin.pin_page.field.text() == ""
        _type_pin(qtbot, win, PIN)
        assert win.admin.unlocked
        assert not win.admin.name_keyboard.isVisible()
        _touch(qtbot, win.admin.new_name)  # the name field opens the keyboard
        _type_name(qtbot, win, "Nguyeenx Thij Thuyr")
        assert win.admin.new_name.text() == "Nguyễn Thị Thủy"
        _touch(qtbot, win.admin.name_keyboard.keys["⌫"])
        assert win.admin.new_name.text() == "Nguyễn Thị Thuy"  # the tone key goes first
        _type_name(qtbot, win, "r")
        assert not win.admin.consent.isVisible()  # the keyboard has the page to itself
        _touch(qtbot, win.admin.name_keyboard.keys["done"])
        assert not win.admin.name_keyboard.isVisible()
        _touch(qtbot, win.admin.consent)
        _touch(qtbot, win.admin.start_button)
        request = sent[-1]
        assert isinstance(request, StartEnrollment)
        assert request.new_person_name == "Nguyễn Thị Thủy" and request.person_id is None
    finally:
        _close(win)


def test_lockout_survives_a_restart_shows_attempts_and_grows(qtbot, pin_hash: str,
                                                              tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "kiosk.sqlite3"
    store = open_store(path)
    win = _window(qtbot, pin_hash, AdminLockout(store.settings, clock))
    try:
        _touch(qtbot, win.admin_button)
        for left in (4, 3, 2):
            _type_pin(qtbot, win, "0000")
            assert win.admin.pin_page.message.text() == f"Sai mã PIN — còn {left} lần thử"
    finally:
        _close(win)
        store.close()
    store = open_store(path)  # the kiosk restarts: the count is still there
    win = _window(qtbot, pin_hash, AdminLockout(store.settings, clock))
    try:
        _touch(qtbot, win.admin_button)
        _type_pin(qtbot, win, "0000")
        assert win.admin.pin_page.message.text() == "Sai mã PIN — còn 1 lần thử"
        _type_pin(qtbot, win, "0000")
        assert win.admin.pin_page.message.text() == "Nhập sai quá nhiều lần — thử lại sau 1 phút"
        clock.now += timedelta(seconds=30)
        _type_pin(qtbot, win, PIN)  # even the right PIN waits out the lock
        assert not win.admin.unlocked
        assert win.admin.pin_page.message.text() == "Nhập sai quá nhiều lần — thử lại sau 30 giây"
    finally:
        _close(win)
        store.close()
    store = open_store(path)  # restarted while locked: still locked
    win = _window(qtbot, pin_hash, AdminLockout(store.settings, clock))
    try:
        _touch(qtbot, win.admin_button)
        assert "30 giây" in win.admin.pin_page.message.text()
        clock.now += timedelta(seconds=31)
        for _ in range(5):
            _type_pin(qtbot, win, "0000")
        assert win.admin.pin_page.message.text() == "Nhập sai quá nhiều lần — thử lại sau 2 phút"
        clock.now += timedelta(seconds=121)
        _type_pin(qtbot, win, PIN)
        assert win.admin.unlocked
        assert AdminLockout(store.settings, clock).status().attempts_left == 5
        assert AdminLockout(store.settings, clock).status().next_lock_s == 60
    finally:
        _close(win)
        store.close()


@pytest.mark.parametrize("size", [(800, 480), (480, 800), (1024, 600)])
def test_keypad_and_keyboard_fit_small_screens(qtbot, pin_hash: str, size: tuple[int, int]
                                               ) -> None:
    win = _window(qtbot, pin_hash, AdminLockout())
    win.setFixedSize(*size)
    try:
        _touch(qtbot, win.admin_button)
        _assert_inside(win, win.admin.pin_page.keypad.keys.values())
        _type_pin(qtbot, win, PIN)
        _touch(qtbot, win.admin.new_name)
        _assert_inside(win, win.admin.name_keyboard.keys.values())
        assert (win.width(), win.height()) == size
    finally:
        _close(win)


def _assert_inside(win: KioskWindow, widgets) -> None:  # type: ignore[no-untyped-def]
    """Every key on screen, whole, at least 48 px high, and no key over another."""
    screen = win.rect()
    rects = []
    for widget in widgets:
        assert widget.isVisible()
        rect = widget.rect().translated(widget.mapTo(win, widget.rect().topLeft()))
        assert screen.contains(rect), (widget.text(), rect, screen)
        assert widget.height() >= 48, widget.text()  # still a touch target
        assert widget.sizeHint().height() <= widget.height() + 1, widget.text()  # not squashed
        rects.append(rect)
    for index, rect in enumerate(rects):
        assert not any(rect.intersects(other) for other in rects[index + 1:])
