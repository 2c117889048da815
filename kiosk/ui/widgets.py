"""Widgets of the check-in screen. GUI thread only; each draws one kind of state object."""

from __future__ import annotations

from datetime import datetime, tzinfo

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from faceid.types import ImageBGR
from kiosk.app.state import (
    CameraPhase,
    Greeting,
    Guidance,
    PunchDirection,
    ReminderItem,
    StatusBar,
)
from kiosk.ui.strings import Language, text

MAX_REMINDERS_SHOWN = 3
CARD_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.42)  # tried in turn until the card fits


def _label(size_pt: int, bold: bool = False, color: str = "#ffffff") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    _style(label, size_pt, bold, color)
    label.setProperty("base_style", (size_pt, bold, color))
    return label


def _style(label: QLabel, size_pt: float, bold: bool, color: str) -> None:
    weight = "bold" if bold else "normal"
    label.setStyleSheet(f"font-size: {size_pt:.1f}pt; font-weight: {weight}; color: {color}; "
                        "background: transparent;")


def _scale_labels(labels: list[QLabel], scale: float) -> None:
    """Every label at ``scale`` times the font size it was made with (``_label``)."""
    for label in labels:
        size_pt, bold, color = label.property("base_style")
        _style(label, size_pt * scale, bold, color)


def _wrapped_height(label: QLabel) -> int:
    """Pixels the label's text needs when word-wrapped at the label's width, in its font."""
    width = label.contentsRect().width()
    return QFontMetrics(label.font()).boundingRect(
        0, 0, width, 100000, int(Qt.TextFlag.TextWordWrap), label.text()).height()


class FittedLabel(QLabel):
    """One centred line whose font shrinks (down to half) until the text fits the width."""

    def __init__(self, text_: str, size_pt: int, style: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._max_pt = size_pt
        self._style = style
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text_)

    def setText(self, text_: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text_)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        size_pt = float(self._max_pt)
        font = QFont(self.font())
        while size_pt > self._max_pt / 2:
            font.setPointSizeF(size_pt)
            if QFontMetrics(font).horizontalAdvance(self.text()) <= self.width() - 8:
                break
            size_pt -= 1
        self.setStyleSheet(f"font-size: {size_pt:.0f}pt; {self._style}")


class PreviewWidget(QWidget):
    """The live camera preview, mirrored like a mirror, with the tracked faces outlined.

    ``show_frame`` converts one BGR frame (a cheap copy, no inference); ``frames_shown``
    counts frames painted, which is what bench_kiosk reports as the preview rate.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)
        self._image: QImage | None = None
        self._guidance: Guidance | None = None
        self.frames_shown = 0

    def show_frame(self, image: ImageBGR) -> None:
        mirrored = np.ascontiguousarray(image[:, ::-1, ::-1])  # mirror, BGR -> RGB
        height, width = mirrored.shape[:2]
        self._image = QImage(mirrored.data, width, height, 3 * width,
                             QImage.Format.Format_RGB888).copy()
        self.frames_shown += 1
        self.update()

    def show_guidance(self, guidance: Guidance) -> None:
        self._guidance = guidance
        self.update()

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#101418"))
        if self._image is not None:
            target = self._fit(self._image.width(), self._image.height())
            painter.drawImage(target, self._image)
            self._draw_faces(painter, target)
        painter.end()

    def _fit(self, width: int, height: int) -> QRectF:
        scale = min(self.width() / max(width, 1), self.height() / max(height, 1))
        shown_w, shown_h = width * scale, height * scale
        return QRectF((self.width() - shown_w) / 2, (self.height() - shown_h) / 2,
                      shown_w, shown_h)

    def _draw_faces(self, painter: QPainter, target: QRectF) -> None:
        guidance = self._guidance
        if guidance is None or guidance.frame_size[0] <= 0:
            return
        frame_w, frame_h = guidance.frame_size
        scale_x, scale_y = target.width() / frame_w, target.height() / frame_h
        for face in guidance.faces:
            x, y, w, h = face.box
            mirrored_x = frame_w - (x + w)  # the preview is mirrored; boxes are not
            color = QColor("#2ecc71") if face.good else QColor("#f1c40f")
            painter.setPen(QPen(color, 4))
            painter.drawRoundedRect(QRectF(target.x() + mirrored_x * scale_x,
                                           target.y() + y * scale_y, w * scale_x, h * scale_y),
                                    12, 12)


class ReminderPanel(QFrame):
    """The recognized person's own top reminders (titles, due, flags: never details).

    Each unacknowledged one has a large "Đã nhận / Got it" button: one touch emits
    ``acknowledged(person_id, reminder_id)`` and marks the line at once (the worker records
    the acknowledgement; the next greeting shows it from the store).
    """

    acknowledged = Signal(object, str)  # (person UUID, reminder id)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminders")
        self.setStyleSheet("#reminders { background: #1f2d3a; border-radius: 16px; }")
        layout = QVBoxLayout(self)
        self.title = _label(20, bold=True, color="#f5f7fa")
        layout.addWidget(self.title)
        self.items = [_label(18, color="#dfe6ee") for _ in range(MAX_REMINDERS_SHOWN)]
        self.ack_buttons: list[QPushButton] = []
        # One group dispatching by button id, not a lambda per button: a connected lambda
        # holding ``self`` keeps the panel's Python wrapper alive after Qt deleted it.
        self._ack_group = QButtonGroup(self)
        self._ack_group.setExclusive(False)
        self._ack_group.idClicked.connect(self._ack)
        for index, item in enumerate(self.items):
            button = QPushButton()
            button.setMinimumHeight(56)  # a finger, not a mouse pointer
            button.setStyleSheet("font-size: 18pt; font-weight: bold; padding: 6px 18px; "
                                 "background: #2e7d4f; color: white; border-radius: 10px;")
            self._ack_group.addButton(button, index)
            button.hide()
            self.ack_buttons.append(button)
            row = QHBoxLayout()
            row.addWidget(item, 1)
            row.addWidget(button)
            layout.addLayout(row)
        self._greeting: Greeting | None = None
        self._language: Language = "vi"

    def set_scale(self, scale: float) -> None:
        """Texts and buttons at ``scale`` times their full size (the card's fit)."""
        _scale_labels([self.title, *self.items], scale)
        for button in self.ack_buttons:
            button.setMinimumHeight(56)  # a finger at any scale
            button.setStyleSheet(f"font-size: {18 * scale:.1f}pt; font-weight: bold; "
                                 "padding: 4px 12px; background: #2e7d4f; color: white; "
                                 "border-radius: 10px;")

    def show_reminders(self, greeting: Greeting, language: Language, zone: tzinfo) -> None:
        self._greeting, self._language = greeting, language
        self.title.setText(text("reminders.title", language))
        shown = greeting.reminders[:MAX_REMINDERS_SHOWN]
        for index, label in enumerate(self.items):
            button = self.ack_buttons[index]
            button.hide()
            if index >= len(shown):
                label.setText(text("reminders.none", language) if index == 0 else "")
                continue
            item = shown[index]
            label.setText(self._line(item, language, zone))
            if not item.acknowledged:
                button.setText(text("reminders.ack", language))
                button.show()

    @staticmethod
    def _line(item: ReminderItem, language: Language, zone: tzinfo) -> str:
        flags = []
        if item.urgent:
            flags.append(text("reminders.urgent", language))
        if item.overdue:
            flags.append(text("reminders.overdue", language))
        elif item.due_at is not None:
            when = item.due_at.astimezone(zone).strftime("%d/%m %H:%M")
            flags.append(text("reminders.due", language, when=when))
        if item.acknowledged:
            flags.append(text("reminders.acknowledged", language))
        suffix = f"  ·  {' · '.join(flags)}" if flags else ""
        return f"• {item.title}{suffix}"

    def _ack(self, index: int) -> None:
        greeting = self._greeting
        if greeting is None or index >= len(greeting.reminders):
            return
        item = greeting.reminders[index]
        self.ack_buttons[index].hide()
        label = self.items[index]
        label.setText(f"{label.text()}  ·  {text('reminders.acknowledged', self._language)}")
        self.acknowledged.emit(greeting.person_id, item.reminder_id)


CHIP_SIDE = 112  # px: the enrolled face chip and the live face, each, at full scale
VERDICT_STYLE = (26, True, "#ffe28a")  # (pt, bold, colour) at full scale
QUIET_VERDICT_STYLE = (16, False, "#cfe9dc")  # "no shift today": small, like the department


class GreetingCard(QFrame):
    """A big check mark and the name; under it the person's enrolled face chip BESIDE the
    face the recognizer decided on (so a wrong match is caught at once); then department,
    time, check-in/out, verdict ("Đi muộn 12 phút") and reminders."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("greeting")
        self.setStyleSheet("#greeting { background: rgba(12, 60, 40, 235); border-radius: 24px; }")
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        header = QHBoxLayout()
        self.check = _label(48, bold=True, color="#2ecc71")
        self.check.setText("✓")
        self.check.setWordWrap(False)
        self.chip = self._face_label()  # enrolled
        self.live = self._face_label()  # now, at the door
        self.name = _label(40, bold=True)
        header.addWidget(self.check, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.name, 1)
        layout.addLayout(header)
        faces = QHBoxLayout()  # enrolled | now, side by side under the name
        faces.addWidget(self.chip)
        faces.addWidget(self.live)
        faces.addStretch(1)
        layout.addLayout(faces)
        self.department = _label(22, color="#cfe9dc")
        self.when = _label(28)
        self.verdict = _label(*VERDICT_STYLE)  # smaller than the name
        self.reminders = ReminderPanel()
        for widget in (self.department, self.when, self.verdict, self.reminders):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.greeting: Greeting | None = None
        self.scale = 1.0

    @staticmethod
    def _face_label() -> QLabel:
        label = QLabel()
        label.setFixedSize(CHIP_SIDE, CHIP_SIDE)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("background: #0b2a1e; border-radius: 12px;")
        return label

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        """The largest of CARD_SCALES at which every text fits the card's current size."""
        layout = self._layout
        for scale in CARD_SCALES:
            self.scale = scale
            _scale_labels([self.check, self.name, self.department, self.when, self.verdict],
                          scale)
            side = round(CHIP_SIDE * max(scale, 0.6))
            for label in (self.chip, self.live):
                label.setFixedSize(side, side)
            self._show_faces()
            self.reminders.set_scale(scale)
            layout.invalidate()
            layout.activate()  # lays the children out at this scale, now
            if self._texts_fit():
                return

    def _texts_fit(self) -> bool:
        """Whether every visible text label of the card has the height its text needs."""
        needed = self._layout.totalHeightForWidth(self.width())
        if needed <= 0 or needed > self.height():
            return False
        for label in self.findChildren(QLabel):
            if label.isVisibleTo(self) and label.text() and label.wordWrap() and \
                    _wrapped_height(label) > label.contentsRect().height():
                return False
        return True

    def show_greeting(self, greeting: Greeting, language: Language, zone: tzinfo) -> None:
        self.greeting = greeting
        self.name.setText(greeting.person_name)
        self.department.setText(greeting.department)
        direction_key = ("greeting.check_in" if greeting.direction is PunchDirection.CHECK_IN
                         else "greeting.check_out")
        local: datetime = greeting.at.astimezone(zone)
        self.when.setText(f"{text(direction_key, language)}: {local:%H:%M}")
        verdict = greeting.verdict_text
        if greeting.repeat:
            verdict = f"{verdict} ({text('greeting.repeat', language)})"
        self.verdict.setText(verdict)
        self.verdict.setProperty("base_style",
                                 QUIET_VERDICT_STYLE if greeting.verdict_quiet else VERDICT_STYLE)
        self.reminders.show_reminders(greeting, language, zone)
        self.chip.setVisible(greeting.enrolled_chip is not None)
        self.live.setVisible(greeting.live_face is not None)
        self.fit()

    def _show_faces(self) -> None:
        """The enrolled chip and the live face scaled into their labels (cleared without)."""
        greeting = self.greeting
        for label, data in ((self.chip, greeting.enrolled_chip if greeting else None),
                            (self.live, greeting.live_face if greeting else None)):
            image = QImage.fromData(data) if data else QImage()
            if image.isNull():
                label.clear()
                continue
            label.setPixmap(QPixmap.fromImage(image).scaled(
                label.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))


class MessageScreen(QFrame):
    """A full-screen state: a title and what to do next (not recognized, camera offline...)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 64, 64, 64)
        layout.addStretch(1)
        self.title = _label(44, bold=True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fix = _label(26, color="#f0f0f0")
        self.fix.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        layout.addWidget(self.fix)
        layout.addStretch(1)
        self.kind = ""

    def show_message(self, kind: str, title: str, fix: str, background: str) -> None:
        self.kind = kind
        self.setStyleSheet(f"#message {{ background: {background}; }}")
        self.title.setText(title)
        self.fix.setText(fix)


class StatusBarWidget(QFrame):
    """Online/offline, punches waiting to sync, camera state. The model pack is for admins
    (settings and doctor screens), not for the staff at the door."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusbar")
        self.setStyleSheet("#statusbar { background: #0b0f13; }")
        layout = QHBoxLayout(self)
        self.online = _label(14)
        self.backlog = _label(14)
        self.camera = _label(14)
        for widget in (self.online, self.backlog, self.camera):
            layout.addWidget(widget)
        self.state: StatusBar | None = None

    def show_status(self, state: StatusBar, language: Language) -> None:
        self.state = state
        if state.online is None:
            self.online.setText(text("status.standalone", language))
        else:
            key = "status.online" if state.online else "status.offline"
            self.online.setText(("● " if state.online else "○ ") + text(key, language))
        self.backlog.setText(text("status.backlog", language, count=state.backlog))
        self.camera.setText(text(f"status.camera.{state.camera.value}", language))

    def set_camera(self, phase: CameraPhase, language: Language) -> None:
        self.camera.setText(text(f"status.camera.{phase.value}", language))
