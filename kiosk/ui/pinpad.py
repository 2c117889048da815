"""The check-in keypad: employee code, then PIN, on large touch keys. GUI thread only.

For people who decline face check-in. The pad verifies nothing: ``submitted(code, pin)``
goes to the inference worker as a PinEntered request, and the result comes back as a
Greeting or an AltCheckinRefused state like any other. Employee codes may hold letters
(``F001``): the code field has an "ABC" page of letter keys; the PIN is digits only and
shown masked.

The pad fits its panel: ``fit`` picks the largest of PAD_SCALES at which the title (wrapped),
the fields and every row of keys have the height they need, keys never under TOUCH_PX.
"""

from __future__ import annotations

import string

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.strings import Language, text

KEY_STYLE = "font-size: 26pt; font-weight: bold; padding: 8px;"
FIELD_STYLE = "font-size: 28pt; padding: 6px; background: white; color: #101418;"
ACTIVE_BORDER = " border: 4px solid #2d8cff;"
TITLE_PT, KEY_PT, FIELD_PT = 26, 26, 28  # at full scale
FIELD_PX = 72  # px: a field's height at full scale
TOUCH_PX = 48  # px: no key or field is shorter, whatever the panel (about 9 mm on a 7" one)
PAD_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)  # tried in turn until the pad fits
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
        self.title.setWordWrap(True)  # a long title takes two lines on a narrow panel
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_field = self._field(text("pin.code", language), password=False)
        self.pin_field = self._field(text("pin.pin", language), password=True)
        self.code_field.installEventFilter(self)
        self.pin_field.installEventFilter(self)
        self.key_pages = QStackedWidget()
        self.key_pages.addWidget(self._digit_keys())
        self.key_pages.addWidget(self._letter_keys())
        layout = self._layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        fields = QHBoxLayout()
        fields.addWidget(self.code_field)
        fields.addWidget(self.pin_field)
        layout.addLayout(fields)
        layout.addWidget(self.key_pages, 1)
        self.active = self.code_field
        self.code_only = False
        self.scale = 1.0
        self.suffix: int | None = None
        self.reset()

    def _field(self, placeholder: str, *, password: bool) -> QLineEdit:
        field = QLineEdit()
        field.setPlaceholderText(placeholder)
        field.setReadOnly(True)  # typed through the keys (a hardware keyboard is optional)
        field.setMinimumHeight(FIELD_PX)
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
        button.setProperty("full_height", min_height)  # px at full scale (``fit``)
        self._group.addButton(button, len(self._key_names))
        self._key_names.append(key)
        self.keys[key] = button
        return button

    def _on_key(self, button_id: int) -> None:
        self.press(self._key_names[button_id])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.fit()  # styles apply to a shown widget: a hidden pad's fit was a guess

    def fit(self) -> None:
        """The largest of PAD_SCALES at which everything has the height it needs."""
        if self.width() <= 0 or self.height() <= 0:
            return  # not laid out yet: the first resize fits it
        for scale in PAD_SCALES:
            self._fit_at(scale)
            if self._fits():
                return

    def _fit_at(self, scale: float) -> None:
        self.scale = scale
        self.title.setStyleSheet(f"font-size: {TITLE_PT * scale:.1f}pt; font-weight: bold;")
        style = (f"font-size: {KEY_PT * scale:.1f}pt; font-weight: bold; "
                 f"padding: {max(2, round(8 * scale))}px;")
        for button in self.keys.values():
            button.setStyleSheet(style)
            button.setMinimumHeight(max(TOUCH_PX, round(button.property("full_height") * scale)))
        for field in (self.code_field, self.pin_field):
            field.setMinimumHeight(max(TOUCH_PX, round(FIELD_PX * scale)))
        self._style_fields()
        for nested in self.key_pages.findChildren(QLayout):
            nested.invalidate()  # else nested layouts update only at the next event
        self._layout.invalidate()
        self._layout.activate()

    def _fits(self) -> bool:
        """Whether the pad's layout and its wrapped title fit the pad's current size."""
        needed = self._layout.totalHeightForWidth(self.width())
        if needed <= 0 or needed > self.height():
            return False
        title = self.title.contentsRect()
        return self.title.fontMetrics().boundingRect(
            0, 0, title.width(), 100000, int(Qt.TextFlag.TextWordWrap),
            self.title.text()).height() <= title.height()

    def _style_fields(self) -> None:
        """Both fields at the pad's scale, the one the keys type into outlined."""
        style = (f"font-size: {FIELD_PT * self.scale:.1f}pt; padding: 6px; "
                 "background: white; color: #101418;")
        for field in (self.code_field, self.pin_field):
            field.setStyleSheet(style + (ACTIVE_BORDER if field is self.active else ""))

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
        self.fit()

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
        self.fit()  # the title changed

    def _title(self) -> str:
        if not self.code_only:
            return text("pin.title", self.language)
        if self.suffix:
            return text("code.suffix_title", self.language, digits=self.suffix)
        return text("code.title", self.language)

    def _activate(self, field: QLineEdit) -> None:
        self.active = field
        self._style_fields()
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
