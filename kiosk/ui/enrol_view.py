"""The enrolment capture screen: the live camera large, a framing oval, the pose asked and why
a capture was refused (kiosk.app.enrol_capture decides; this only draws).

``CaptureView`` replaces the enrolment form while a capture runs: the mirrored preview with
the oval (green with "Khuôn mặt vừa khung" when the face is in it and big enough, amber
otherwise), the progress line ("Tư thế 2/4: quay nhẹ sang trái"), one line of guidance or of
refusal, a Cancel button, and "Bỏ qua tư thế này" beside it once a pose has been asked too
long and may be skipped (``EnrollmentProgress.can_skip``). GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.app.enrol_capture import OVAL_CENTRE, OVAL_RADII
from kiosk.app.state import EnrollmentProgress, GuidanceKey
from kiosk.ui.strings import Language, text
from kiosk.ui.widgets import FittedLabel, PreviewWidget

GOOD = "#2ecc71"
WAIT = "#f1c40f"


class OvalPreview(PreviewWidget):
    """The mirrored live preview with the framing oval drawn over the shown frame."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.in_oval = False

    def oval_rect(self) -> QRectF:
        """The oval's bounding box in widget pixels (the frame is centred and mirrored, the
        oval centred across: mirroring leaves it in place)."""
        image = self._image
        width, height = (image.width(), image.height()) if image is not None else (640, 480)
        target = self._fit(width, height)
        centre_x = target.x() + OVAL_CENTRE[0] * target.width()
        centre_y = target.y() + OVAL_CENTRE[1] * target.height()
        radius_x, radius_y = OVAL_RADII[0] * target.height(), OVAL_RADII[1] * target.height()
        return QRectF(centre_x - radius_x, centre_y - radius_y, 2 * radius_x, 2 * radius_y)

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(GOOD if self.in_oval else WAIT), 6))
        painter.drawEllipse(self.oval_rect())
        painter.end()


class CaptureView(QWidget):
    """Live preview + oval, progress, guidance/refusal and Cancel (module docstring)."""

    cancel = Signal()
    skip = Signal()  # skip the pose asked now

    def __init__(self, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._language: Language = language
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.progress = FittedLabel("", 26, "font-weight: bold; color: white;")
        self.preview = OvalPreview()
        self.guidance = FittedLabel("", 22, f"color: {WAIT};")
        self.skip_button = QPushButton()
        self.skip_button.clicked.connect(self.skip)
        self.skip_button.hide()
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        for button in (self.skip_button, self.cancel_button):
            button.setMinimumHeight(56)
            button.setStyleSheet("font-size: 20pt;")
            buttons.addWidget(button)
        layout.addWidget(self.progress)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.guidance)
        layout.addLayout(buttons)
        self.set_language(language)

    def set_language(self, language: Language) -> None:
        self._language = language
        self.cancel_button.setText(text("enroll.cancel", language))
        self.skip_button.setText(text("enroll.skip_pose", language))

    def replace_form(self, layout: QBoxLayout, capturing: bool, keep: QWidget) -> None:
        """Show this view instead of every other widget of ``layout`` (the enrolment form's
        page), or the form back; ``keep`` is left as it is. The form's stretch gives way."""
        for index in range(layout.count()):
            item = layout.itemAt(index)
            if item is not None and item.spacerItem() is not None:
                layout.setStretch(index, 0 if capturing else 1)
            widget = item.widget() if item is not None else None
            if widget is not None and widget not in (self, keep):
                widget.setVisible(not capturing)
        self.setVisible(capturing)
        if capturing:
            self.start()

    def start(self) -> None:
        """A capture begins: the first pose, nothing in the oval yet."""
        self.preview.in_oval = False
        self.skip_button.hide()
        self.progress.setText(text("enroll.pose_progress", self._language, n=1, total="…",
                                   pose=text("enroll.pose.straight", self._language)))
        self.guidance.setText(text("enroll.fit_oval", self._language))

    def show_frame(self, image: object) -> None:
        self.preview.show_frame(image)  # type: ignore[arg-type]  # an ImageBGR

    def show_progress(self, progress: EnrollmentProgress) -> None:
        """Draw one EnrollmentProgress: pose n/total, the oval's colour, what to do."""
        def tr(key: str, **values: object) -> str:
            return text(key, self._language, **values)

        step = min(progress.captured + 1, progress.target)
        pose = tr(f"enroll.pose.{progress.pose}") if progress.pose else ""
        self.progress.setText(tr("enroll.pose_progress", n=step, total=progress.target,
                                 pose=pose))
        self.preview.in_oval = progress.in_oval
        self.preview.update()
        self.skip_button.setVisible(progress.can_skip)
        if progress.refused:
            line, colour = tr(f"enroll.refused.{progress.refused}"), "#ff8a80"
        elif progress.slow_pose:
            line = tr("enroll.pose_slow_skip" if progress.can_skip else "enroll.pose_slow")
            colour = WAIT
        elif progress.in_oval:
            line, colour = tr("enroll.in_oval"), GOOD
        elif progress.guidance is GuidanceKey.CENTRE_FACE:
            line, colour = tr("enroll.fit_oval"), WAIT
        else:
            line, colour = tr(f"guidance.{progress.guidance.value}"), WAIT
        self.guidance._style = f"color: {colour};"  # noqa: SLF001 - FittedLabel's own style
        self.guidance.setText(line)
