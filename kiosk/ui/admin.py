"""Admin mode: PIN entry (kiosk.ui.admin_pin_page) or a listed admin's face, then on-kiosk
enrollment with consent, live capture feedback and, after a look-alike refusal, the
confirmation of two different people (kiosk.ui.lookalike_confirm), and the settings page
(kiosk.ui.admin_settings_page).

GUI thread only. The panel never touches the store or the models: it emits WorkerRequest
objects (``request`` signal) and renders the PeopleDirectory / EnrollmentProgress /
EnrollmentFinished / LocalSettingsView / SettingsSaved / AdminFaceEntry states the worker
sends back. ``set_language`` switches every text at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from faceid.types import ImageBGR
from kiosk.app.admin_lockout import AdminLockout
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
from kiosk.ui.admin_pin_page import PinPage
from kiosk.ui.admin_settings_page import SettingsPage
from kiosk.ui.admin_style import ACTION_STYLE, CONSENT_STYLE, TOUCH_PX, big, column, white
from kiosk.ui.enrol_view import CaptureView
from kiosk.ui.live_texts import LiveTexts
from kiosk.ui.lookalike_confirm import LookalikeConfirmation
from kiosk.ui.pinpad import FIELD_STYLE
from kiosk.ui.strings import Language
from kiosk.ui.touch_keys import VietnameseKeyboard

CONSENT_NOTICE_VERSION = "2026-01-vi-1"


class AdminPanel(QStackedWidget):
    """Three pages: the PIN pad, the enrollment form and the settings. ``closed`` = leave
    admin mode."""

    request = Signal(object)
    closed = Signal()
    activity = Signal()  # any admin input: restarts the inactivity timeout

    def __init__(self, pin_hash: str | None, language: Language,
                 lockout: AdminLockout | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = LiveTexts(language)
        self.pin_page = PinPage(pin_hash, lockout if lockout is not None else AdminLockout(),
                                language)
        self.pin_page.unlocked.connect(self._unlock)
        self.pin_page.cancelled.connect(self.leave)
        self.pin_page.activity.connect(self.activity)
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
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        portrait = event.size().height() > event.size().width()
        direction = (QBoxLayout.Direction.TopToBottom if portrait
                     else QBoxLayout.Direction.LeftToRight)
        self.pin_page.set_direction(direction)
        self.enroll_form_layout.setDirection(direction)
        super().resizeEvent(event)
        self.confirm_different.fit(self.width())  # the page fills the panel

    def _build_enroll_page(self) -> QWidget:
        """Who (title, staff dropdown, new name) beside what to do (consent, buttons,
        messages) on a landscape panel, above it on a portrait one (``resizeEvent``)."""
        page = QWidget()
        layout = QVBoxLayout(page)
        self.enroll_form = QWidget()
        form = self.enroll_form_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight,
                                                    self.enroll_form)
        form.setContentsMargins(0, 0, 0, 0)
        self.enroll_rest, rest = column()
        self.enroll_notes, notes = column()  # under the name: the page's lower half
        form.addWidget(self._build_who(), 1)
        self._build_enroll_actions(rest, notes)
        rest.addStretch(1)
        form.addWidget(self.enroll_rest, 1)
        layout.addWidget(self.enroll_form, 1)  # all the height: wrapped texts never squeezed
        # shown after a look-alike refusal: the admin confirms two different people; across
        # the whole page (a name is long), its font fitted to the width
        self.enroll_confirm, confirm = column()
        self.confirm_different = LookalikeConfirmation()
        confirm.addWidget(self.confirm_different)
        layout.addWidget(self.enroll_confirm)
        self._build_enroll_overlays(layout)
        self._enroll_layout = layout
        return page

    def _build_who(self) -> QWidget:
        """Title, staff dropdown and the new person's name, with the doctor's notes under."""
        who, who_column = column()
        # While the on-screen keyboard is open only the name label, field and keyboard show
        # (it fits 800x480); ``top`` and ``rest`` hold everything else.
        self.enroll_top, top = column()
        title = QLabel()
        self._texts.bind(title.setText, "enroll.title")
        title.setStyleSheet("font-size: 26pt; font-weight: bold; color: white;")
        title.setWordWrap(True)
        top.addWidget(title)
        top.addWidget(white(self._label("enroll.pick_person")))
        self.person_picker = QComboBox()  # nobody chosen until the admin picks someone
        self._texts.bind(self.person_picker.setPlaceholderText, "enroll.pick_person")
        top.addWidget(big(self.person_picker))
        who_column.addWidget(self.enroll_top)
        who_column.addWidget(white(self._label("enroll.new_person")))
        self.new_name = QLineEdit()
        self._texts.bind(self.new_name.setPlaceholderText, "enroll.name_placeholder")
        self.new_name.setStyleSheet(FIELD_STYLE)
        self.new_name.setMinimumHeight(TOUCH_PX)
        self.new_name.installEventFilter(self)  # a touch opens the on-screen keyboard
        self.new_name.textChanged.connect(self._typed_name)
        self.person_picker.activated.connect(self._picked_person)
        who_column.addWidget(self.new_name)
        who_column.addWidget(self.enroll_notes)
        who_column.addStretch(1)
        return who

    def _build_enroll_overlays(self, layout: QVBoxLayout) -> None:
        """The on-screen keyboard for the name and the capture view, both hidden."""
        self.name_keyboard = VietnameseKeyboard(self.new_name, self._texts("admin.ok"))
        self._texts.bind(self.name_keyboard.keys["done"].setText, "admin.ok")
        self.name_keyboard.activity.connect(self.activity)
        self.name_keyboard.done.connect(self.close_name_keyboard)
        self.name_keyboard.hide()
        layout.addWidget(self.name_keyboard)
        # While a capture runs the live camera with its framing oval replaces the form.
        self.capture_view = CaptureView(self._texts.language)
        self.capture_view.cancel.connect(self.cancel_capture)
        self.capture_view.skip.connect(self.skip_pose)
        self.capture_view.hide()
        layout.addWidget(self.capture_view, 1)

    def _show_capture(self, capturing: bool) -> None:
        """The capture view in place of the form (True) or the form back (False)."""
        self.name_keyboard.hide()
        self.capture_view.replace_form(self._enroll_layout, capturing, keep=self.name_keyboard)
        self.confirm_different.setVisible(not capturing and self.confirm_different.offered)

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

    def _build_enroll_actions(self, layout: QVBoxLayout, notes: QVBoxLayout) -> None:
        """Consent, the action buttons (two by two) and the capture feedback of the
        enrolment page; the capture hint and the doctor's lines go to ``notes``. The consent
        text wraps beside its box; a touch on it ticks it."""
        self.consent = QCheckBox()
        self.consent.setStyleSheet(CONSENT_STYLE)
        self.consent.setMinimumSize(TOUCH_PX, TOUCH_PX)
        self.consent_text = white(QLabel())
        self.consent_text.setStyleSheet("font-size: 16pt; color: white; "
                                        "background: transparent;")
        self._texts.bind(self.consent_text.setText, "enroll.consent",
                         version=CONSENT_NOTICE_VERSION)
        self.consent_text.installEventFilter(self)
        consent = QHBoxLayout()
        consent.addWidget(self.consent, 0, Qt.AlignmentFlag.AlignTop)
        consent.addWidget(self.consent_text, 1)
        layout.addLayout(consent)
        buttons = QGridLayout()
        self.start_button = self._button("enroll.start", self.start_enrollment)
        self.settings_button = self._button("admin.settings", self.open_settings)
        for index, button in enumerate((self.start_button, self.settings_button,
                                        self._button("admin.doctor", self.run_doctor),
                                        self._button("admin.exit", self.leave))):
            button.setStyleSheet(ACTION_STYLE)
            button.setMinimumHeight(TOUCH_PX)
            buttons.addWidget(button, index // 2, index % 2)
        layout.addLayout(buttons)
        self.progress = white(QLabel(""))
        self.guidance = white(self._label("enroll.turn_hint"))
        self.result = white(QLabel(""))
        self.doctor_lines = QLabel("")
        self.doctor_lines.setWordWrap(True)
        self.doctor_lines.setStyleSheet("font-size: 12pt; color: #cfd8dc; background: "
                                        "transparent;")
        for label in (self.progress, self.guidance, self.result):
            label.setStyleSheet("font-size: 18pt; color: #ffe28a; background: transparent;")
        layout.addWidget(self.progress)
        layout.addWidget(self.result)
        notes.addWidget(self.guidance)
        notes.addWidget(self.doctor_lines)

    def _button(self, key: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton()
        self._texts.bind(button.setText, key)
        button.clicked.connect(slot)
        return button

    def open_name_keyboard(self) -> None:
        self.activity.emit()
        for part in (self.enroll_top, self.enroll_notes, self.enroll_rest, self.enroll_confirm):
            part.hide()
        self.name_keyboard.show()

    def close_name_keyboard(self) -> None:
        self.name_keyboard.hide()
        for part in (self.enroll_top, self.enroll_notes, self.enroll_rest, self.enroll_confirm):
            part.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """A touch on the name field shows the on-screen keyboard; one on the consent text
        ticks (or unticks) its box."""
        if event.type() != QEvent.Type.MouseButtonPress:
            return super().eventFilter(watched, event)
        if watched is self.new_name:
            self.open_name_keyboard()
            return True
        if watched is self.consent_text:
            self.consent.toggle()
            return True
        return super().eventFilter(watched, event)

    def _label(self, key: str) -> QLabel:
        label = QLabel()
        self._texts.bind(label.setText, key)
        return label

    def set_language(self, language: Language) -> None:
        """Switch every text of the panel (and its settings page) to ``language``."""
        self._texts.set_language(language)
        self.pin_page.set_language(language)
        self.settings_page.set_language(language)
        self.capture_view.set_language(language)

    # -- actions ------------------------------------------------------------------------
    def open_pin_page(self) -> None:
        self.unlocked = False
        if self.capturing:  # admin mode was left mid-capture (the capture was cancelled)
            self._show_capture(False)
            self.start_button.setEnabled(True)
        self.pin_page.reset()
        self.setCurrentWidget(self.pin_page)

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
        self.result.setText(self._texts("admin.face_welcome", name=entry.person_name))

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
            self.result.setText(self._texts("enroll.need_consent"))
            return
        name = self.new_name.text().strip()
        person_id = None if name else self.person_picker.currentData()
        if person_id is None and not name:
            self.result.setText(self._texts("enroll.need_person"))
            return
        self.result.setText("")
        self.start_button.setEnabled(False)
        confirmed = self.confirm_different.confirmed()
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
        self.progress.setText(self._texts("enroll.progress", captured=progress.captured,
                                          target=progress.target))
        self.capture_view.show_progress(progress)

    def render_finished(self, finished: EnrollmentFinished) -> None:
        self.activity.emit()
        self.start_button.setEnabled(True)
        self._show_capture(False)
        if finished.ok:
            self.result.setText(self._texts("enroll.done", count=finished.templates_saved,
                                            name=finished.person_name))
            self.consent.setChecked(False)
            self.name_keyboard.clear()
        else:
            error = (self._texts(f"enroll.problem.{finished.problem}")
                     if finished.problem else finished.error)
            self.result.setText(self._texts("enroll.failed", error=error))
        self.confirm_different.offer(finished, self._texts, self.width())
