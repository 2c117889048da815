"""The admin settings page: camera source, thresholds, language, kiosk name, face-entry admins.

GUI thread only. The page holds no rules: it sends what was typed as a SaveSettings request
and shows the worker's answer (SettingsSaved: applied, or each refused value's message).
"""

from __future__ import annotations

from uuid import UUID

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from kiosk.app.requests import SaveSettings
from kiosk.app.state import LocalSettingsView, SettingsSaved
from kiosk.ui.live_texts import LiveTexts
from kiosk.ui.strings import Language, text

FIELD_STYLE = "font-size: 18pt; color: white; background: #202830; padding: 6px;"
LABEL_STYLE = "font-size: 16pt; color: white; background: transparent;"
LIST_STYLE = " QListWidget::indicator { width: 32px; height: 32px; }"  # touch-sized ticks


class SettingsPage(QWidget):
    """``save`` carries a SaveSettings; ``back`` returns to enrollment; ``doctor`` re-runs
    the checks; ``activity`` restarts the admin timeout."""

    save = Signal(object)
    back = Signal()
    doctor = Signal()
    activity = Signal()

    def __init__(self, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = LiveTexts(language)
        self._view: LocalSettingsView | None = None
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 24pt; font-weight: bold; color: white;")
        self._texts.bind(self.title.setText, "settings.title")
        layout.addWidget(self.title)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 18pt; color: #ffe28a; background: transparent;")
        self.doctor_lines = QLabel("")
        self.doctor_lines.setWordWrap(True)
        self.doctor_lines.setStyleSheet("font-size: 12pt; color: #cfd8dc;")
        layout.addWidget(self._scrolled_form(), 1)
        layout.addWidget(self.message)
        layout.addLayout(self._build_buttons())

    def _scrolled_form(self) -> QScrollArea:
        """The fields, the face-entry list and the doctor's lines, scrolled by touch when the
        panel is too short for them all (a 7" 800x480 one); title, message and buttons stay."""
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 8, 0)
        column.addLayout(self._build_form())
        column.addWidget(self.doctor_lines)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        scroll.verticalScrollBar().setStyleSheet("QScrollBar:vertical { width: 28px; }")
        QScroller.grabGesture(scroll.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.form_scroll = scroll
        return scroll

    def _build_form(self) -> QVBoxLayout:
        """One row per setting, its label (wrapped) beside its field."""
        form = QVBoxLayout()
        self.kiosk_name = QLineEdit()
        self.camera_source = QLineEdit()
        self.match_threshold = QLineEdit()
        self.liveness_threshold = QLineEdit()
        self.language = QComboBox()
        for code in ("vi", "en"):
            self.language.addItem(text(f"language.{code}", code), code)
        self.admin_people = QListWidget()
        self.admin_people.setMinimumHeight(120)
        self.admin_people.setSpacing(4)
        self.face_entry_note = QLabel("")
        self.face_entry_note.setWordWrap(True)
        self.face_entry_note.setStyleSheet("font-size: 13pt; color: #cfd8dc;")
        rows = (("settings.kiosk_name", self.kiosk_name),
                ("settings.camera_source", self.camera_source),
                ("settings.match_threshold", self.match_threshold),
                ("settings.liveness_threshold", self.liveness_threshold),
                ("settings.language", self.language),
                ("settings.admin_faces", self.admin_people))
        self._labels: dict[str, QLabel] = {}
        for key, field in rows:
            label = QLabel()
            label.setWordWrap(True)
            label.setStyleSheet(LABEL_STYLE)
            self._labels[key] = label
            if key != "settings.match_threshold":
                self._texts.bind(label.setText, key)
            field.setStyleSheet(f"QListWidget {{ {FIELD_STYLE} }}{LIST_STYLE}"
                                if field is self.admin_people else FIELD_STYLE)
            field.setMinimumHeight(48)  # touch-friendly
            form.addLayout(self._row(label, field))
        form.addLayout(self._row(QLabel(""), self.face_entry_note))
        for line in (self.kiosk_name, self.camera_source, self.match_threshold,
                     self.liveness_threshold):
            line.textEdited.connect(lambda _t: self.activity.emit())
        self._show_match_label(None)
        return form

    @staticmethod
    def _row(label: QLabel, field: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(label, 2)
        row.addWidget(field, 3)
        return row

    def _build_buttons(self) -> QBoxLayout:
        """Save, doctor and back: in a row, or one above the other on a portrait panel."""
        buttons = self.buttons = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.save_button = QPushButton()
        self._texts.bind(self.save_button.setText, "settings.save")
        self.save_button.clicked.connect(self.submit)
        self.doctor_button = QPushButton()
        self._texts.bind(self.doctor_button.setText, "admin.doctor")
        self.doctor_button.clicked.connect(self.doctor)
        self.back_button = QPushButton()
        self._texts.bind(self.back_button.setText, "admin.back")
        self.back_button.clicked.connect(self.back)
        for button in (self.save_button, self.doctor_button, self.back_button):
            button.setStyleSheet("font-size: 18pt;")
            button.setMinimumHeight(56)
            buttons.addWidget(button)
        return buttons

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        portrait = event.size().height() > event.size().width()
        self.buttons.setDirection(QBoxLayout.Direction.TopToBottom if portrait
                                  else QBoxLayout.Direction.LeftToRight)
        super().resizeEvent(event)

    def set_language(self, language: Language) -> None:
        self._texts.set_language(language)
        self._show_match_label(self._view)
        self._show_face_note(self._view)

    # -- rendering --------------------------------------------------------------------------
    def show_view(self, view: LocalSettingsView) -> None:
        """Fill the form with the kiosk's current values."""
        self._view = view
        self.kiosk_name.setText(view.kiosk_name)
        self.camera_source.setText(view.camera_source)
        self.match_threshold.setText("" if view.match_threshold is None
                                     else f"{view.match_threshold:g}")
        self.liveness_threshold.setText(f"{view.liveness_threshold:g}")
        self.language.setCurrentIndex(max(0, self.language.findData(view.language)))
        self.admin_people.clear()
        for person in view.people:
            label = f"{person.name} — {person.department}" if person.department else person.name
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, person.person_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = person.person_id in view.admin_people
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.admin_people.addItem(item)
        self._show_match_label(view)
        self._show_face_note(view)

    def show_saved(self, saved: SettingsSaved) -> None:
        if saved.ok:
            self.show_view(saved.view)
            self.message.setText(text("settings.saved", self._texts.language,
                                      changed=", ".join(saved.changed))
                                 if saved.changed else text("settings.unchanged",
                                                            self._texts.language))
            return
        self.message.setText("\n".join(
            text(f"settings.problem.{p.key}", self._texts.language, detail=p.detail)
            for p in saved.problems))

    def _show_match_label(self, view: LocalSettingsView | None) -> None:
        pack = view.pack_match_threshold if view is not None else None
        self._labels["settings.match_threshold"].setText(
            text("settings.match_threshold", self._texts.language,
                 pack="…" if pack is None else f"{pack:g}"))

    def _show_face_note(self, view: LocalSettingsView | None) -> None:
        off = view is not None and not view.face_entry
        self.face_entry_note.setText(text("settings.face_entry_off", self._texts.language)
                                     if off else "")

    # -- input ------------------------------------------------------------------------------
    def checked_admins(self) -> tuple[UUID, ...]:
        """The person ids ticked in the face-entry list."""
        ids = []
        for row in range(self.admin_people.count()):
            item = self.admin_people.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(item.data(Qt.ItemDataRole.UserRole))
        return tuple(ids)

    def submit(self) -> None:
        self.activity.emit()
        self.message.setText("…")
        self.save.emit(SaveSettings(
            kiosk_name=self.kiosk_name.text(), camera_source=self.camera_source.text(),
            match_threshold=self.match_threshold.text(),
            liveness_threshold=self.liveness_threshold.text(),
            language=str(self.language.currentData()), admin_people=self.checked_admins()))
