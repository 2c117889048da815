"""The admin PIN page: prompt, masked field, message and Cancel beside the numeric keypad.

Wrong PINs count toward a lock that survives restarts (kiosk.app.admin_lockout); a right one
emits ``unlocked``. GUI thread only.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from kiosk.app.admin_lockout import AdminLockout, LockoutStatus
from kiosk.app.admin_pin import verify_pin
from kiosk.errors import SettingsError
from kiosk.ui.admin_style import big, column
from kiosk.ui.live_texts import LiveTexts
from kiosk.ui.pinpad import FIELD_STYLE
from kiosk.ui.strings import Language
from kiosk.ui.touch_keys import NumericKeypad


class PinPage(QWidget):
    """``unlocked``: the right PIN; ``cancelled``: Cancel touched; ``activity``: any input."""

    unlocked = Signal()
    cancelled = Signal()
    activity = Signal()

    def __init__(self, pin_hash: str | None, lockout: AdminLockout, language: Language,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pin_hash = pin_hash
        self.lockout = lockout
        self._texts = LiveTexts(language)
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        info = self._build_info()
        self.keypad = NumericKeypad(self.field, self._texts("admin.enter"))
        self._texts.bind(self.keypad.keys["ok"].setText, "admin.enter")
        self.keypad.submitted.connect(self.submit)
        self.keypad.activity.connect(self.activity)
        self.keypad.setMaximumWidth(480)
        self._layout.addWidget(info, 1)
        self._layout.addWidget(self.keypad, 1)

    def _build_info(self) -> QWidget:
        """The prompt, the masked field, the message and Cancel, centred in a column."""
        info, layout = column()
        layout.addStretch(1)
        self.prompt = QLabel()
        self._texts.bind(self.prompt.setText, "admin.pin_prompt")
        self.prompt.setStyleSheet("font-size: 28pt; color: white;")
        self.prompt.setWordWrap(True)
        self.field = QLineEdit()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setStyleSheet(FIELD_STYLE)  # dark text on white: readable
        self.field.setMinimumSize(280, 64)
        self.message = QLabel("")
        self.message.setStyleSheet("font-size: 20pt; color: #ff8a80;")
        self.message.setWordWrap(True)
        cancel = QPushButton()
        self._texts.bind(cancel.setText, "admin.cancel")
        cancel.clicked.connect(self.cancelled)
        for widget in (self.prompt, self.field, self.message, big(cancel)):
            layout.addWidget(widget)
        layout.addStretch(1)
        return info

    def set_direction(self, direction: QBoxLayout.Direction) -> None:
        """Keypad beside the column (landscape) or under it (portrait)."""
        self._layout.setDirection(direction)

    def set_language(self, language: Language) -> None:
        self._texts.set_language(language)

    def reset(self) -> None:
        """An empty field; the message says whether the PIN is locked or was never set."""
        self.field.clear()
        status = self.lockout.status()
        if status.locked_for_s > 0:
            self.message.setText(self._locked_text(status))
        else:
            self.message.setText("" if self._pin_hash else self._texts("admin.pin_unset"))

    def submit(self) -> None:
        """Check the PIN typed on the keypad; wrong ones count toward a persistent lock."""
        self.activity.emit()
        pin = self.field.text()
        self.field.clear()
        status = self.lockout.status()
        if status.locked_for_s > 0:
            self.message.setText(self._locked_text(status))
            return
        if not pin:
            return
        try:
            ok = self._pin_hash is not None and verify_pin(pin, self._pin_hash)
        except SettingsError:
            ok = False
        if ok:
            self.lockout.record_success()
            self.unlocked.emit()
            return
        status = self.lockout.record_failure()
        if status.locked_for_s > 0:
            self.message.setText(self._locked_text(status))
        elif self._pin_hash is None:
            self.message.setText(self._texts("admin.pin_unset"))
        else:
            self.message.setText(self._texts("admin.pin_wrong", left=status.attempts_left))

    def _locked_text(self, status: LockoutStatus) -> str:
        seconds = math.ceil(status.locked_for_s)
        wait = (self._texts("admin.minutes", n=math.ceil(seconds / 60))
                if seconds >= 60 else self._texts("admin.seconds", n=seconds))
        return self._texts("admin.pin_locked", wait=wait)
