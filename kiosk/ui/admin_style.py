"""The admin screens' sizes and styles (a 7" touch panel, dark pages) and the helpers that
apply them. GUI thread only."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

BIG = "font-size: 20pt;"
ACTION_STYLE = "font-size: 16pt; padding: 4px;"  # two by two fit half of a 7" panel
TOUCH_PX = 56  # px: the enrolment page's buttons, dropdown and name field
INDICATOR_PX = 64  # px: a CONSENT_STYLE box and the spacing before its text
CHECKBOX_MARGIN_PX = 11  # px: the enrolment page's layout margin, each side
# The consent box must be seen on the dark page, ticked or not: a white frame on a lighter
# box, filled green with a white tick mark when ticked.
CONSENT_STYLE = ("QCheckBox { font-size: 18pt; color: white; spacing: 16px; } "
                 "QCheckBox::indicator { width: 36px; height: 36px; border: 3px solid #ffffff; "
                 "border-radius: 6px; background: #37474f; } "
                 "QCheckBox::indicator:checked { background: #2ecc71; }")


def big(widget: QWidget) -> QWidget:
    """``widget`` in the big font, touch-friendly (at least TOUCH_PX high)."""
    widget.setStyleSheet(BIG)
    widget.setMinimumHeight(TOUCH_PX)
    return widget


def column() -> tuple[QWidget, QVBoxLayout]:
    """A widget holding a vertical layout without margins."""
    widget = QWidget()
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    return widget, layout


def white(label: QLabel) -> QLabel:
    """``label`` in white 18 pt, wrapped, on the page's background."""
    label.setStyleSheet("font-size: 18pt; color: white; background: transparent;")
    label.setWordWrap(True)
    return label
