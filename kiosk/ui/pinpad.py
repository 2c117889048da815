"""The check-in keypad: employee code, then PIN, on large touch keys. GUI thread only.

For people who decline face check-in. The pad verifies nothing: ``submitted(code, pin)``
goes to the inference worker as a PinEntered request, and the result comes back as a
Greeting or an AltCheckinRefused state like any other. Employee codes may hold letters
(``F001``): the code field has an "ABC" page of letter keys; the PIN is digits only and
shown masked.
"""

from __future__ import annotations

import string

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.strings import Language, text

KEY_STYLE = "font-size: 26pt; font-weight: bold; padding: 8px;"
FIELD_STYLE = "font-size: 28pt; padding: 6px; background: white; color: #101418;"
ACTIVE_FIELD_STYLE = FIELD_STYLE + " border: 4px solid #2d8cff;"
MAX_CODE_CHARS = 32
MAX_PIN_DIGITS = 8
BACKSPACE = "⌫"


def _key(label: str, min_height: int = 84) -> QPushButton:
    button = QPushButton(label)
    button.setStyleSheet(KEY_STYLE)
    button.setMinimumHeight(min_height)  # touch-friendly: about 2 cm on a 10" panel
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class PinPad(QFrame):
    """Employee code + PIN entry. ``press(key)`` is what every key button does."""

    submitted = Signal(str, str)  # employee code, PIN
    code_entered = Signal(str)  # employee code only (face + code: the face was seen)
    cancelled = Signal()
    activity = Signal()  # any key: the window restarts its inactivity timer

    def __init__(self, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language: Language = language
        self.setStyleSheet("background: #16202a; color: white;")
        self.keys: dict[str, QPushButton] = {}
        # Keys dispatch through one group by id, and the fields report touches through an
        # event filter: no connected lambda holding ``self``, which would keep the pad's
        # Python wrapper alive after Qt deleted it.
        self._key_names: list[str] = []
        self._group = QButtonGroup(self)
        self._group.idClicked.connect(self._on_key)
        self.title = QLabel(text("pin.title", language))
        self.title.setStyleSheet("font-size: 26pt; font-weight: bold;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)  # "type the last N digits ..." on a narrow screen
        self.code_field = self._field(text("pin.code", language), password=False)
        self.pin_field = self._field(text("pin.pin", language), password=True)
        self.code_field.installEventFilter(self)
        self.pin_field.installEventFilter(self)
        self.key_pages = QStackedWidget()
        self.key_pages.addWidget(self._digit_keys())
        self.key_pages.addWidget(self._letter_keys())
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        fields = QHBoxLayout()
        fields.addWidget(self.code_field)
        fields.addWidget(self.pin_field)
        layout.addLayout(fields)
        layout.addWidget(self.key_pages, 1)
        self.active = self.code_field
        self.code_only = False
        self.suffix: int | None = None
        self.reset()

    def _field(self, placeholder: str, *, password: bool) -> QLineEdit:
        field = QLineEdit()
        field.setPlaceholderText(placeholder)
        field.setReadOnly(True)  # typed through the keys (a hardware keyboard is optional)
        field.setMinimumHeight(72)
        if password:
            field.setEchoMode(QLineEdit.EchoMode.Password)
        return field

    def _digit_keys(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        labels = ["1", "2", "3", "4", "5", "6", "7", "8", "9", BACKSPACE, "0", "ok"]
        for index, label in enumerate(labels):
            grid.addWidget(self._bind(label), index // 3, index % 3)
        grid.addWidget(self._bind("letters"), 4, 0)
        grid.addWidget(self._bind("cancel"), 4, 1, 1, 2)
        return page

    def _letter_keys(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        for index, letter in enumerate(string.ascii_uppercase):
            grid.addWidget(self._bind(letter, 64), index // 7, index % 7)
        grid.addWidget(self._bind("digits", 64), 3, 5, 1, 2)
        return page

    def _bind(self, key: str, min_height: int = 84) -> QPushButton:
        names = {"ok": "pin.next", "letters": "pin.letters", "digits": "pin.digits",
                 "cancel": "pin.cancel"}
        button = _key(text(names[key], self.language) if key in names else key, min_height)
        self._group.addButton(button, len(self._key_names))
        self._key_names.append(key)
        self.keys[key] = button
        return button

    def _on_key(self, button_id: int) -> None:
        self.press(self._key_names[button_id])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """A touch on either field makes it the one the keys type into."""
        if event.type() == QEvent.Type.MouseButtonPress and watched in (self.code_field,
                                                                       self.pin_field):
            self._activate(self.code_field if watched is self.code_field else self.pin_field)
            return True
        return super().eventFilter(watched, event)

    def set_language(self, language: Language) -> None:
        """Redraw every text in ``language`` (the admin settings screen changed it)."""
        self.language = language
        self.title.setText(self._title())
        self.code_field.setPlaceholderText(text("pin.code", language))
        self.pin_field.setPlaceholderText(text("pin.pin", language))
        for key, name in (("letters", "pin.letters"), ("digits", "pin.digits"),
                          ("cancel", "pin.cancel")):
            self.keys[key].setText(text(name, language))
        self._activate(self.active)  # the OK key's text depends on the field

    # -- behaviour ---------------------------------------------------------------------
    def reset(self, code_only: bool = False, suffix: int | None = None) -> None:
        """Empty both fields and start at the code (called each time the pad opens).
        ``code_only``: face + code, the employee code alone is asked for (no PIN);
        ``suffix``: only its last N characters (the title says how many)."""
        self.code_only = code_only
        self.suffix = suffix if code_only else None
        self.title.setText(self._title())
        self.pin_field.setVisible(not code_only)
        self.code_field.clear()
        self.pin_field.clear()
        self._activate(self.code_field)

    def _title(self) -> str:
        if not self.code_only:
            return text("pin.title", self.language)
        if self.suffix:
            return text("code.suffix_title", self.language, digits=self.suffix)
        return text("code.title", self.language)

    def _activate(self, field: QLineEdit) -> None:
        self.active = field
        self.code_field.setStyleSheet(ACTIVE_FIELD_STYLE if field is self.code_field
                                      else FIELD_STYLE)
        self.pin_field.setStyleSheet(ACTIVE_FIELD_STYLE if field is self.pin_field
                                     else FIELD_STYLE)
        self.keys["letters"].setEnabled(field is self.code_field)
        last = field is self.pin_field or self.code_only
        self.keys["ok"].setText(text("pin.ok" if last else "pin.next", self.language))
        if field is self.pin_field:
            self.key_pages.setCurrentIndex(0)

    def press(self, key: str) -> None:
        """One key: a digit or letter, BACKSPACE, "ok", "letters", "digits" or "cancel"."""
        self.activity.emit()
        if key == "cancel":
            self.reset()
            self.cancelled.emit()
        elif key in ("letters", "digits"):
            self.key_pages.setCurrentIndex(1 if key == "letters" else 0)
        elif key == BACKSPACE:
            self.active.setText(self.active.text()[:-1])
        elif key == "ok":
            self._confirm()
        elif self.active is self.pin_field:
            if key.isdigit() and len(self.pin_field.text()) < MAX_PIN_DIGITS:
                self.pin_field.setText(self.pin_field.text() + key)
        elif len(self.code_field.text()) < MAX_CODE_CHARS:
            self.code_field.setText(self.code_field.text() + key)

    def _confirm(self) -> None:
        if self.active is self.code_field and self.code_only:
            code = self.code_field.text()
            if code:
                self.reset(code_only=True, suffix=self.suffix)
                self.code_entered.emit(code)
            return
        if self.active is self.code_field:
            if self.code_field.text():
                self._activate(self.pin_field)
            return
        code, pin = self.code_field.text(), self.pin_field.text()
        if not code:
            self._activate(self.code_field)
            return
        if pin:
            self.reset()  # the PIN leaves the screen at once
            self.submitted.emit(code, pin)
