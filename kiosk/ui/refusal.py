"""The refusal card ("not recognized", "liveness failed"): shown beside the live preview,
which stays visible so the person sees their face and the guidance, and pointing to the PIN
keypad or a QR badge. GUI thread only."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from kiosk.ui.strings import Language, text

TITLE_PT, FIX_PT, HINT_PT = 34, 20, 24
SCALES = (1.0, 0.85, 0.7, 0.6, 0.5, 0.42)  # tried in turn until the texts fit


class RefusalCard(QFrame):
    """Title, what to do next, and "Dùng mã PIN hoặc thẻ QR"; ``kind`` names the refusal
    ("not_recognized" or "liveness"; "" while hidden) and ``track_id`` the face refused."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refusal")
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        self.title = self._label()
        self.fix = self._label()
        self.hint = self._label()
        layout.addStretch(1)
        for label in (self.title, self.fix, self.hint):
            layout.addWidget(label)
        layout.addStretch(1)
        self.kind = ""
        self.track_id: int | None = None
        self._fit_at(1.0)

    @staticmethod
    def _label() -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label

    def show_refusal(self, kind: str, background: str, language: Language,
                     track_id: int | None) -> None:
        self.kind, self.track_id = kind, track_id
        self.setStyleSheet(f"#refusal {{ background: {background}; border-radius: 24px; }}")
        self.title.setText(text(f"{kind}.title", language))
        self.fix.setText(text(f"{kind}.fix", language))
        self.hint.setText("⌨ " + text("refusal.pin_or_qr", language))
        self.fit()

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.fit()

    def fit(self) -> None:
        """The largest of SCALES at which every text has the height it needs."""
        for scale in SCALES:
            self._fit_at(scale)
            if self._fits():
                return

    def _fit_at(self, scale: float) -> None:
        for label, size_pt, bold, color in ((self.title, TITLE_PT, True, "#ffffff"),
                                            (self.fix, FIX_PT, False, "#f0f0f0"),
                                            (self.hint, HINT_PT, True, "#ffe28a")):
            weight = "bold" if bold else "normal"
            label.setStyleSheet(f"font-size: {size_pt * scale:.1f}pt; font-weight: {weight}; "
                                f"color: {color}; background: transparent;")
        self._layout.invalidate()
        self._layout.activate()

    def _fits(self) -> bool:
        needed = self._layout.totalHeightForWidth(self.width())
        if needed <= 0 or needed > self.height():
            return False
        for label in (self.title, self.fix, self.hint):
            width = label.contentsRect().width()
            height = label.fontMetrics().boundingRect(
                0, 0, width, 100000, int(Qt.TextFlag.TextWordWrap), label.text()).height()
            if height > label.contentsRect().height():
                return False
        return True
