"""Admin mode: PIN entry (or a listed admin's face), then on-kiosk enrollment with consent and
live capture feedback, and the settings page (kiosk.ui.admin_settings_page).

GUI thread only. The panel never touches the store or the models: it emits WorkerRequest
objects (``request`` signal) and renders the PeopleDirectory / EnrollmentProgress /
EnrollmentFinished / LocalSettingsView / SettingsSaved / AdminFaceEntry states the worker
sends back. ``set_language`` switches every text at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from uuid import UUID

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
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

from faceid.types import ImageBGR
from kiosk.app.admin_lockout import AdminLockout, LockoutStatus
from kiosk.app.admin_pin import verify_pin
from kiosk.app.requests import (
    CancelEnrollment,
    ListPeople,
    LoadSettings,
    RunDoctor,
    SkipEnrollmentPose,
    StartEnrollment,
)
from kiosk.app.state import (
    AdminFaceEntry,
    DoctorReport,
    EnrollmentFinished,
    EnrollmentProgress,
    LocalSettingsView,
    PeopleDirectory,
    SettingsSaved,
)
from kiosk.errors import SettingsError
from kiosk.ui.admin_settings_page import SettingsPage
from kiosk.ui.enrol_view import CaptureView
from kiosk.ui.pinpad import FIELD_STYLE
from kiosk.ui.strings import Language, text
from kiosk.ui.touch_keys import NumericKeypad, VietnameseKeyboard

CONSENT_NOTICE_VERSION = "2026-01-vi-1"
BIG = "font-size: 22pt;"
# The consent box must be seen on the dark page, ticked or not: a white frame on a lighter
# box, filled green with a white tick mark when ticked.
CONSENT_STYLE = ("QCheckBox { font-size: 18pt; color: white; spacing: 16px; } "
                 "QCheckBox::indicator { width: 36px; height: 36px; border: 3px solid #ffffff; "
                 "border-radius: 6px; background: #37474f; } "
                 "QCheckBox::indicator:checked { background: #2ecc71; }")


def _big(widget: QWidget) -> QWidget:
    widget.setStyleSheet(BIG)
    widget.setMinimumHeight(64)  # touch-friendly
    return widget


class AdminPanel(QStackedWidget):
    """Three pages: the PIN pad, the enrollment form and the settings. ``closed`` = leave
    admin mode."""

    request = Signal(object)
    closed = Signal()
    activity = Signal()  # any admin input: restarts the inactivity timeout

    def __init__(self, pin_hash: str | None, language: Language,
                 lockout: AdminLockout | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pin_hash = pin_hash
        self.lockout = lockout if lockout is not None else AdminLockout()
        self._language: Language = language
        self._texts: list[tuple[Callable[[str], None], str, dict[str, object]]] = []
        self.pin_page = self._build_pin_page()
        self.enroll_page = self._build_enroll_page()
        self.settings_page = SettingsPage(language)
        self.settings_page.save.connect(self.request)
        self.settings_page.back.connect(self.open_enroll_page)
        self.settings_page.doctor.connect(self.run_doctor)
        self.settings_page.activity.connect(self.activity)
        for page in (self.pin_page, self.enroll_page, self.settings_page):
            self.addWidget(page)
        self.unlocked = False

    # -- pages --------------------------------------------------------------------------
    def _build_pin_page(self) -> QWidget:
        """Prompt, masked field, message and Cancel beside the keypad (landscape) or above
        it (portrait): the direction follows the panel's shape (``resizeEvent``)."""
        page = QWidget()
        self.pin_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, page)
        info, column = self._column()
        column.addStretch(1)
        self.pin_prompt = QLabel()
        self._tr(self.pin_prompt.setText, "admin.pin_prompt")
        self.pin_prompt.setStyleSheet("font-size: 28pt; color: white;")
        self.pin_prompt.setWordWrap(True)
        self.pin_input = QLineEdit()
        self.pin_input.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_input.setStyleSheet(FIELD_STYLE)  # dark text on white: readable
        self.pin_input.setMinimumSize(280, 64)
        self.pin_message = QLabel("")
        self.pin_message.setStyleSheet("font-size: 20pt; color: #ff8a80;")
        self.pin_message.setWordWrap(True)
        pin_cancel = QPushButton()
        self._tr(pin_cancel.setText, "admin.cancel")
        pin_cancel.clicked.connect(self.leave)
        for widget in (self.pin_prompt, self.pin_input, self.pin_message, _big(pin_cancel)):
            column.addWidget(widget)
        column.addStretch(1)
        self.pin_keypad = NumericKeypad(self.pin_input, text("admin.enter", self._language))
        self._tr(self.pin_keypad.keys["ok"].setText, "admin.enter")
        self.pin_keypad.submitted.connect(self.submit_pin)
        self.pin_keypad.activity.connect(self.activity)
        self.pin_keypad.setMaximumWidth(480)
        self.pin_layout.addWidget(info, 1)
        self.pin_layout.addWidget(self.pin_keypad, 1)
        return page

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        portrait = event.size().height() > event.size().width()
        self.pin_layout.setDirection(QBoxLayout.Direction.TopToBottom if portrait
                                     else QBoxLayout.Direction.LeftToRight)
        super().resizeEvent(event)

    def _build_enroll_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        # While the on-screen keyboard is open only the name label, field and keyboard show
        # (it fits 800x480); ``top`` and ``rest`` hold everything else.
        self.enroll_top, top = self._column()
        title = QLabel()
        self._tr(title.setText, "enroll.title")
        title.setStyleSheet("font-size: 32pt; font-weight: bold; color: white;")
        top.addWidget(title)
        top.addWidget(self._white(self._label("enroll.pick_person")))
        self.person_picker = QComboBox()  # nobody chosen until the admin picks someone
        self._tr(self.person_picker.setPlaceholderText, "enroll.pick_person")
        top.addWidget(_big(self.person_picker))
        layout.addWidget(self.enroll_top)
        layout.addWidget(self._white(self._label("enroll.new_person")))
        self.new_name = QLineEdit()
        self._tr(self.new_name.setPlaceholderText, "enroll.name_placeholder")
        self.new_name.setStyleSheet(FIELD_STYLE)
        self.new_name.setMinimumHeight(64)
        self.new_name.installEventFilter(self)  # a touch opens the on-screen keyboard
        self.new_name.textChanged.connect(self._typed_name)
        self.person_picker.activated.connect(self._picked_person)
        layout.addWidget(self.new_name)
        self.name_keyboard = VietnameseKeyboard(self.new_name, text("admin.ok", self._language))
        self._tr(self.name_keyboard.keys["done"].setText, "admin.ok")
        self.name_keyboard.activity.connect(self.activity)
        self.name_keyboard.done.connect(self.close_name_keyboard)
        self.name_keyboard.hide()
        layout.addWidget(self.name_keyboard)
        self.enroll_rest, rest = self._column()
        self._build_enroll_actions(rest)
        layout.addWidget(self.enroll_rest)
        layout.addStretch(1)
        # While a capture runs the live camera with its framing oval replaces the form.
        self.capture_view = CaptureView(self._language)
        self.capture_view.cancel.connect(self.cancel_capture)
        self.capture_view.skip.connect(self.skip_pose)
        self.capture_view.hide()
        layout.addWidget(self.capture_view, 1)
        self._enroll_layout = layout
        return page

    def _show_capture(self, capturing: bool) -> None:
        """The capture view in place of the form (True) or the form back (False)."""
        self.name_keyboard.hide()
        self.capture_view.replace_form(self._enroll_layout, capturing, keep=self.name_keyboard)
        self.confirm_different.setVisible(not capturing and self._lookalike is not None)

    @property
    def capturing(self) -> bool:
        """Whether the capture view shows (an enrolment capture runs)."""
        return not self.capture_view.isHidden()

    def show_camera_frame(self, image: ImageBGR) -> None:
        """A live camera frame for the capture view (ignored when no capture runs)."""
        if self.capturing:
            self.capture_view.show_frame(image)

    def cancel_capture(self) -> None:
        self.activity.emit()
        self.request.emit(CancelEnrollment())

    def skip_pose(self) -> None:
        """The person cannot reach the pose asked: ask the engine to drop it."""
        self.activity.emit()
        self.capture_view.skip_button.hide()  # until the engine offers it again
        self.request.emit(SkipEnrollmentPose())

    @staticmethod
    def _column() -> tuple[QWidget, QVBoxLayout]:
        widget = QWidget()
        column = QVBoxLayout(widget)
        column.setContentsMargins(0, 0, 0, 0)
        return widget, column

    def _build_enroll_actions(self, layout: QVBoxLayout) -> None:
        """Consent, the action buttons and the capture feedback of the enrolment page."""
        self.consent = QCheckBox()
        self._tr(self.consent.setText, "enroll.consent", version=CONSENT_NOTICE_VERSION)
        self.consent.setStyleSheet(CONSENT_STYLE)
        layout.addWidget(self.consent)
        # shown after a look-alike refusal: the admin confirms two different people
        self.confirm_different = QCheckBox()
        self.confirm_different.setStyleSheet(self.consent.styleSheet())
        self.confirm_different.setVisible(False)
        self.confirm_different.setMinimumHeight(40)  # never squeezed under its text
        self._lookalike: tuple[UUID, str] | None = None
        layout.addWidget(self.confirm_different)
        buttons = QHBoxLayout()
        self.start_button = self._button("enroll.start", self.start_enrollment)
        self.settings_button = self._button("admin.settings", self.open_settings)
        for button in (self.start_button, self.settings_button,
                       self._button("admin.doctor", self.run_doctor),
                       self._button("admin.exit", self.leave)):
            buttons.addWidget(_big(button))
        layout.addLayout(buttons)
        self.progress = self._white(QLabel(""))
        self.guidance = self._white(self._label("enroll.turn_hint"))
        self.result = self._white(QLabel(""))
        self.doctor_lines = QLabel("")
        self.doctor_lines.setWordWrap(True)
        self.doctor_lines.setStyleSheet("font-size: 12pt; color: #cfd8dc; background: "
                                        "transparent;")
        for label in (self.progress, self.guidance, self.result):
            label.setStyleSheet("font-size: 22pt; color: #ffe28a; background: transparent;")
            layout.addWidget(label)
        layout.addWidget(self.doctor_lines)

    def _button(self, key: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton()
        self._tr(button.setText, key)
        button.clicked.connect(slot)
        return button

    def open_name_keyboard(self) -> None:
        self.activity.emit()
        self.enroll_top.hide()
        self.enroll_rest.hide()
        self.name_keyboard.show()

    def close_name_keyboard(self) -> None:
        self.name_keyboard.hide()
        self.enroll_top.show()
        self.enroll_rest.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """A touch on the name field shows the on-screen keyboard."""
        if watched is self.new_name and event.type() == QEvent.Type.MouseButtonPress:
            self.open_name_keyboard()
            return True
        return super().eventFilter(watched, event)

    def _tr(self, setter: Callable[[str], None], key: str, **values: object) -> None:
        """Set a text now and again whenever the language changes."""
        self._texts.append((setter, key, values))
        setter(text(key, self._language, **values))

    def _label(self, key: str) -> QLabel:
        label = QLabel()
        self._tr(label.setText, key)
        return label

    def set_language(self, language: Language) -> None:
        """Switch every text of the panel (and its settings page) to ``language``."""
        self._language = language
        for setter, key, values in self._texts:
            setter(text(key, language, **values))
        self.settings_page.set_language(language)
        self.capture_view.set_language(language)

    @staticmethod
    def _white(label: QLabel) -> QLabel:
        label.setStyleSheet("font-size: 20pt; color: white; background: transparent;")
        label.setWordWrap(True)
        return label

    # -- actions ------------------------------------------------------------------------
    def open_pin_page(self) -> None:
        self.unlocked = False
        self.pin_input.clear()
        if self.capturing:  # admin mode was left mid-capture (the capture was cancelled)
            self._show_capture(False)
            self.start_button.setEnabled(True)
        status = self.lockout.status()
        if status.locked_for_s > 0:
            self.pin_message.setText(self._locked_text(status))
        else:
            self.pin_message.setText("" if self._pin_hash else text("admin.pin_unset",
                                                                     self._language))
        self.setCurrentWidget(self.pin_page)

    def submit_pin(self) -> None:
        """Check the PIN typed on the keypad; wrong ones count toward a persistent lock."""
        self.activity.emit()
        pin = self.pin_input.text()
        self.pin_input.clear()
        status = self.lockout.status()
        if status.locked_for_s > 0:
            self.pin_message.setText(self._locked_text(status))
            return
        if not pin:
            return
        try:
            ok = self._pin_hash is not None and verify_pin(pin, self._pin_hash)
        except SettingsError:
            ok = False
        if ok:
            self.lockout.record_success()
            self._unlock()
            return
        status = self.lockout.record_failure()
        if status.locked_for_s > 0:
            self.pin_message.setText(self._locked_text(status))
        elif self._pin_hash is None:
            self.pin_message.setText(text("admin.pin_unset", self._language))
        else:
            self.pin_message.setText(text("admin.pin_wrong", self._language,
                                          left=status.attempts_left))

    def _locked_text(self, status: LockoutStatus) -> str:
        seconds = math.ceil(status.locked_for_s)
        wait = (text("admin.minutes", self._language, n=math.ceil(seconds / 60))
                if seconds >= 60 else text("admin.seconds", self._language, n=seconds))
        return text("admin.pin_locked", self._language, wait=wait)

    def _unlock(self) -> None:
        self.unlocked = True
        self.result.setText("")
        self.progress.setText("")
        self.open_enroll_page()

    def accept_face(self, entry: AdminFaceEntry) -> None:
        """A listed admin was recognized: open admin mode if the PIN pad is waiting."""
        if self.unlocked or self.currentWidget() is not self.pin_page:
            return
        self.activity.emit()
        self._unlock()
        self.result.setText(text("admin.face_welcome", self._language,
                                 name=entry.person_name))

    def open_enroll_page(self) -> None:
        self.activity.emit()
        self.setCurrentWidget(self.enroll_page)
        self.request.emit(ListPeople())

    def open_settings(self) -> None:
        """Show the settings page with the kiosk's current values (asked of the worker)."""
        if not self.unlocked:
            return
        self.activity.emit()
        self.settings_page.message.setText("")
        self.setCurrentWidget(self.settings_page)
        self.request.emit(LoadSettings())

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
        confirmed = (self._lookalike[0],) if self._lookalike is not None and \
            self.confirm_different.isChecked() else ()
        self._show_capture(True)
        self.request.emit(StartEnrollment(person_id=person_id, new_person_name=name,
                                          consent_notice_version=CONSENT_NOTICE_VERSION,
                                          confirmed_different=confirmed))

    def run_doctor(self) -> None:
        self.activity.emit()
        self.doctor_lines.setText("…")
        self.settings_page.doctor_lines.setText("…")
        self.request.emit(RunDoctor())

    def render_doctor(self, report: DoctorReport) -> None:
        for label in (self.doctor_lines, self.settings_page.doctor_lines):
            label.setText("\n".join(report.lines))

    def render_settings(self, view: LocalSettingsView) -> None:
        self.settings_page.show_view(view)

    def render_settings_saved(self, saved: SettingsSaved) -> None:
        self.activity.emit()
        self.settings_page.show_saved(saved)

    def leave(self) -> None:
        self.request.emit(CancelEnrollment())
        self.unlocked = False
        self.closed.emit()

    # -- rendering worker states --------------------------------------------------------
    def render_people(self, directory: PeopleDirectory) -> None:
        """Fill the staff dropdown with nobody chosen (a new name may be typed instead)."""
        self.person_picker.clear()
        for person in directory.people:
            label = f"{person.name} — {person.department}" if person.department else person.name
            self.person_picker.addItem(label, person.person_id)
        self.person_picker.setCurrentIndex(-1)

    def _picked_person(self, _index: int) -> None:
        """Someone was chosen from the dropdown: a half-typed new name is dropped."""
        self.name_keyboard.clear()

    def _typed_name(self, name: str) -> None:
        """A new person's name is typed: the dropdown lets go of whoever it showed."""
        if name.strip():
            self.person_picker.setCurrentIndex(-1)

    def render_progress(self, progress: EnrollmentProgress) -> None:
        """The pose asked, the oval's cue and any refusal (kiosk.ui.enrol_view)."""
        self.activity.emit()
        self.progress.setText(text("enroll.progress", self._language,
                                   captured=progress.captured, target=progress.target))
        self.capture_view.show_progress(progress)

    def render_finished(self, finished: EnrollmentFinished) -> None:
        self.activity.emit()
        self.start_button.setEnabled(True)
        self._show_capture(False)
        if finished.ok:
            self.result.setText(text("enroll.done", self._language,
                                     count=finished.templates_saved, name=finished.person_name))
            self.consent.setChecked(False)
            self.name_keyboard.clear()
        else:
            error = (text(f"enroll.problem.{finished.problem}", self._language)
                     if finished.problem else finished.error)
            self.result.setText(text("enroll.failed", self._language, error=error))
        self._offer_confirmation(finished)

    def _offer_confirmation(self, finished: EnrollmentFinished) -> None:
        """After a look-alike refusal, let the admin confirm different people (unticked)."""
        self._lookalike = (None if finished.ok or finished.lookalike_id is None
                           else (finished.lookalike_id, finished.lookalike_name))
        self.confirm_different.setChecked(False)
        self.confirm_different.setVisible(self._lookalike is not None)
        if self._lookalike is not None:
            self.confirm_different.setText(text("enroll.confirm_different", self._language,
                                                name=self._lookalike[1]))
