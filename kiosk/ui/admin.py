"""Admin mode: PIN entry, then on-kiosk enrollment with consent and live capture feedback.

GUI thread only. The panel never touches the store or the models: it emits WorkerRequest
objects (``request`` signal) and renders the PeopleDirectory / EnrollmentProgress /
EnrollmentFinished states the worker sends back.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.app.admin_pin import verify_pin
from kiosk.app.requests import CancelEnrollment, ListPeople, RunDoctor, StartEnrollment
from kiosk.app.state import (
    DoctorReport,
    EnrollmentFinished,
    EnrollmentProgress,
    PeopleDirectory,
)
from kiosk.errors import SettingsError
from kiosk.ui.strings import Language, text
from kiosk.vision.types import ImageBGR

CONSENT_NOTICE_VERSION = "2026-01-vi-1"
MAX_PIN_FAILURES = 5  # then the PIN pad locks for PIN_LOCKOUT_S seconds
PIN_LOCKOUT_S = 60.0
BIG = "font-size: 22pt;"


def _big(widget: QWidget) -> QWidget:
    widget.setStyleSheet(BIG)
    widget.setMinimumHeight(64)  # touch-friendly
    return widget


def _pixmap(image: ImageBGR, side: int) -> QPixmap:
    rgb = np.ascontiguousarray(image[:, :, ::-1])
    height, width = rgb.shape[:2]
    qimage = QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(qimage).scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio)


class AdminPanel(QStackedWidget):
    """Two pages: the PIN pad and the enrollment form. ``closed`` = leave admin mode."""

    request = Signal(object)
    closed = Signal()
    activity = Signal()  # any admin input: restarts the inactivity timeout

    def __init__(self, pin_hash: str | None, language: Language,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pin_hash = pin_hash
        self._language = language
        self.pin_page = self._build_pin_page()
        self.enroll_page = self._build_enroll_page()
        self.addWidget(self.pin_page)
        self.addWidget(self.enroll_page)
        self.unlocked = False
        self._pin_failures = 0
        self._locked_until = 0.0

    # -- pages --------------------------------------------------------------------------
    def _build_pin_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.pin_prompt = QLabel(text("admin.pin_prompt", self._language))
        self.pin_prompt.setStyleSheet("font-size: 28pt; color: white;")
        self.pin_input = QLineEdit()
        self.pin_input.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_input.returnPressed.connect(self.submit_pin)
        self.pin_message = QLabel("")
        self.pin_message.setStyleSheet("font-size: 20pt; color: #ff8a80;")
        buttons = QHBoxLayout()
        self.pin_ok = QPushButton(text("admin.ok", self._language))
        self.pin_ok.clicked.connect(self.submit_pin)
        pin_cancel = QPushButton(text("admin.cancel", self._language))
        pin_cancel.clicked.connect(self.leave)
        for button in (self.pin_ok, pin_cancel):
            buttons.addWidget(_big(button))
        for widget in (self.pin_prompt, _big(self.pin_input), self.pin_message):
            layout.addWidget(widget, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _build_enroll_page(self) -> QWidget:
        lang = self._language
        page = QWidget()
        layout = QVBoxLayout(page)
        title = QLabel(text("enroll.title", lang))
        title.setStyleSheet("font-size: 32pt; font-weight: bold; color: white;")
        layout.addWidget(title)
        layout.addWidget(self._white(QLabel(text("enroll.pick_person", lang))))
        self.person_picker = QComboBox()
        layout.addWidget(_big(self.person_picker))
        layout.addWidget(self._white(QLabel(text("enroll.new_person", lang))))
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(text("enroll.name_placeholder", lang))
        self.new_name.textEdited.connect(lambda _t: self.activity.emit())
        layout.addWidget(_big(self.new_name))
        self.consent = QCheckBox(text("enroll.consent", lang, version=CONSENT_NOTICE_VERSION))
        self.consent.setStyleSheet("QCheckBox { font-size: 18pt; color: white; } "
                                   "QCheckBox::indicator { width: 36px; height: 36px; }")
        layout.addWidget(self.consent)
        buttons = QHBoxLayout()
        self.start_button = QPushButton(text("enroll.start", lang))
        self.start_button.clicked.connect(self.start_enrollment)
        exit_button = QPushButton(text("admin.exit", lang))
        exit_button.clicked.connect(self.leave)
        doctor_button = QPushButton(text("admin.doctor", lang))
        doctor_button.clicked.connect(self.run_doctor)
        for button in (self.start_button, doctor_button, exit_button):
            buttons.addWidget(_big(button))
        layout.addLayout(buttons)
        self.progress = self._white(QLabel(""))
        self.guidance = self._white(QLabel(text("enroll.turn_hint", lang)))
        self.result = self._white(QLabel(""))
        self.doctor_lines = QLabel("")
        self.doctor_lines.setWordWrap(True)
        self.doctor_lines.setStyleSheet("font-size: 12pt; color: #cfd8dc; background: "
                                        "transparent;")
        feedback = QHBoxLayout()
        self.chip = QLabel()
        self.chip.setFixedSize(160, 160)
        self.chip.setStyleSheet("background: #202830; border-radius: 8px;")
        feedback.addWidget(self.chip)
        texts = QVBoxLayout()
        for label in (self.progress, self.guidance, self.result):
            label.setStyleSheet("font-size: 22pt; color: #ffe28a; background: transparent;")
            texts.addWidget(label)
        feedback.addLayout(texts, 1)
        layout.addLayout(feedback)
        layout.addWidget(self.doctor_lines)
        layout.addStretch(1)
        return page

    @staticmethod
    def _white(label: QLabel) -> QLabel:
        label.setStyleSheet("font-size: 20pt; color: white; background: transparent;")
        label.setWordWrap(True)
        return label

    # -- actions ------------------------------------------------------------------------
    def open_pin_page(self) -> None:
        self.unlocked = False
        self.pin_input.clear()
        self.pin_message.setText("" if self._pin_hash else text("admin.pin_unset",
                                                                 self._language))
        self.setCurrentWidget(self.pin_page)

    def submit_pin(self) -> None:
        self.activity.emit()
        pin = self.pin_input.text()
        self.pin_input.clear()
        if time.monotonic() < self._locked_until:
            self.pin_message.setText(text("admin.pin_locked", self._language))
            return
        try:
            ok = self._pin_hash is not None and verify_pin(pin, self._pin_hash)
        except SettingsError:
            ok = False
        if not ok:
            self._pin_failures += 1
            key = "admin.pin_wrong" if self._pin_hash else "admin.pin_unset"
            if self._pin_failures >= MAX_PIN_FAILURES:
                self._pin_failures = 0
                self._locked_until = time.monotonic() + PIN_LOCKOUT_S
                key = "admin.pin_locked"
            self.pin_message.setText(text(key, self._language))
            return
        self._pin_failures = 0
        self.unlocked = True
        self.result.setText("")
        self.progress.setText("")
        self.setCurrentWidget(self.enroll_page)
        self.request.emit(ListPeople())

    def start_enrollment(self) -> None:
        self.activity.emit()
        if not self.consent.isChecked():
            self.result.setText(text("enroll.need_consent", self._language))
            return
        name = self.new_name.text().strip()
        person_id = None if name else self.person_picker.currentData()
        if person_id is None and not name:
            self.result.setText(text("enroll.need_person", self._language))
            return
        self.result.setText("")
        self.start_button.setEnabled(False)
        self.request.emit(StartEnrollment(person_id=person_id, new_person_name=name,
                                          consent_notice_version=CONSENT_NOTICE_VERSION))

    def run_doctor(self) -> None:
        self.activity.emit()
        self.doctor_lines.setText("…")
        self.request.emit(RunDoctor())

    def render_doctor(self, report: DoctorReport) -> None:
        self.doctor_lines.setText("\n".join(report.lines))

    def leave(self) -> None:
        self.request.emit(CancelEnrollment())
        self.unlocked = False
        self.closed.emit()

    # -- rendering worker states --------------------------------------------------------
    def render_people(self, directory: PeopleDirectory) -> None:
        self.person_picker.clear()
        for person in directory.people:
            label = f"{person.name} — {person.department}" if person.department else person.name
            self.person_picker.addItem(label, person.person_id)

    def render_progress(self, progress: EnrollmentProgress) -> None:
        self.activity.emit()
        self.progress.setText(text("enroll.progress", self._language,
                                   captured=progress.captured, target=progress.target))
        self.guidance.setText(text(f"guidance.{progress.guidance.value}", self._language))
        if progress.preview_chip is not None:
            self.chip.setPixmap(_pixmap(progress.preview_chip, self.chip.width()))

    def render_finished(self, finished: EnrollmentFinished) -> None:
        self.activity.emit()
        self.start_button.setEnabled(True)
        if finished.ok:
            self.result.setText(text("enroll.done", self._language,
                                     count=finished.templates_saved, name=finished.person_name))
            self.consent.setChecked(False)
            self.new_name.clear()
        else:
            self.result.setText(text("enroll.failed", self._language, error=finished.error))
