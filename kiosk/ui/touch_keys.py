"""On-screen keys for the touch-only admin screens: a numeric keypad for the admin PIN and a
Vietnamese keyboard (Telex, kiosk.ui.telex) for a new person's name. GUI thread only.

Both type into a read-only QLineEdit given to them; neither needs a hardware keyboard. The
key style is the check-in PIN pad's (kiosk.ui.pinpad).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from kiosk.ui.pinpad import BACKSPACE, KEY_STYLE, _key
from kiosk.ui.telex import compose_word

MAX_PIN_DIGITS = 8
MAX_NAME_CHARS = 64
SHIFT = "⇧"
SPACE = "␣"
LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


class _Keys(QWidget):
    """A grid of key buttons dispatched by id (no lambda keeps the widget alive)."""

    activity = Signal()
    key_style = KEY_STYLE

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keys: dict[str, QPushButton] = {}
        self._names: list[str] = []
        self._group = QButtonGroup(self)
        self._group.idClicked.connect(self._on_id)
        self.grid = QGridLayout(self)

    def _add(self, name: str, label: str, row: int, column: int, span: int = 1,
             min_height: int = 72) -> None:
        button = _key(label, min_height)
        button.setStyleSheet(self.key_style)
        button.setMinimumWidth(36 * span)  # ten letter keys fit a 480 px wide portrait panel
        button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.grid.setColumnStretch(column, 1)
        self._group.addButton(button, len(self._names))
        self._names.append(name)
        self.keys[name] = button
        self.grid.addWidget(button, row, column, 1, span)

    def _on_id(self, button_id: int) -> None:
        self.press(self._names[button_id])

    def press(self, name: str) -> None:
        raise NotImplementedError


class NumericKeypad(_Keys):
    """Digits, backspace and OK for ``field`` (masked PIN); ``submitted`` on OK."""

    submitted = Signal()

    def __init__(self, field: QLineEdit, ok_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        field.setReadOnly(True)
        for index, label in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "9"]):
            self._add(label, label, index // 3, index % 3)
        self._add(BACKSPACE, BACKSPACE, 3, 0)
        self._add("0", "0", 3, 1)
        self._add("ok", ok_label, 3, 2)
        for button in self.keys.values():
            button.setMinimumWidth(132)  # equal columns, whatever the OK key says
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Minimum)

    def press(self, name: str) -> None:
        self.activity.emit()
        if name == "ok":
            self.submitted.emit()
        elif name == BACKSPACE:
            self.field.setText(self.field.text()[:-1])
        elif len(self.field.text()) < MAX_PIN_DIGITS:
            self.field.setText(self.field.text() + name)


class VietnameseKeyboard(_Keys):
    """Letters (Telex tones and hats), shift, space, backspace and done for ``field``.

    The field shows the finished words plus the word being typed, recomposed from its keys
    after each key (so "Nguyeenx" shows "Nguyễn"); a space ends the word.
    """

    done = Signal()  # the "done" key: the name is typed
    key_style = "font-size: 20pt; font-weight: bold; padding: 2px;"

    def __init__(self, field: QLineEdit, done_label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        field.setReadOnly(True)
        self._done = ""  # text of the finished words
        self._word = ""  # Telex keys of the word being typed
        self.shift = True  # names start with a capital
        for row, letters in enumerate(LETTER_ROWS):
            for column, letter in enumerate(letters):
                self._add(letter, letter, row, column, min_height=64)
        self._add(SHIFT, SHIFT, 2, 7, 1, 64)
        self._add(BACKSPACE, BACKSPACE, 2, 8, 2, 64)
        self._add(SPACE, SPACE, 3, 1, 6, 64)
        self._add("done", done_label, 3, 7, 3, 64)
        self._show_case()

    def clear(self) -> None:
        self._done, self._word, self.shift = "", "", True
        self.field.clear()
        self._show_case()

    def press(self, name: str) -> None:
        self.activity.emit()
        if name == "done":
            self.done.emit()
            return
        if name == SHIFT:
            self.shift = not self.shift
        elif name == BACKSPACE:
            self._backspace()
        elif name == SPACE:
            if self._word or (self._done and not self._done.endswith(" ")):
                self._done, self._word = self._done + compose_word(self._word) + " ", ""
                self.shift = True
        elif len(self.field.text()) < MAX_NAME_CHARS:
            self._word += name.upper() if self.shift else name
            self.shift = False
        self.field.setText(self._done + compose_word(self._word))
        self._show_case()

    def _backspace(self) -> None:
        if self._word:
            self._word = self._word[:-1]
        else:
            self._done = self._done[:-1]

    def _show_case(self) -> None:
        for letters in LETTER_ROWS:
            for letter in letters:
                self.keys[letter].setText(letter.upper() if self.shift else letter)
