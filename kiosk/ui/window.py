"""The full-screen kiosk window: preview + guidance + greeting card, full-screen states,
status bar and admin mode. GUI thread only; ``show_state`` is the one slot workers feed."""

from __future__ import annotations

from collections import deque
from datetime import tzinfo
from uuid import UUID

from PySide6.QtCore import QRect, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.app.admin_lockout import AdminLockout
from kiosk.app.requests import (
    AcknowledgeReminder,
    FaceCodeEntered,
    PinEntered,
    SetAdminMode,
    SetKeypadOpen,
)
from kiosk.app.state import (
    AdminFaceEntry,
    AltCheckinRefused,
    AltRefusal,
    CameraPhase,
    CameraState,
    CodeRequested,
    DoctorReport,
    EnrollmentFinished,
    EnrollmentProgress,
    Greeting,
    Guidance,
    GuidanceKey,
    KioskState,
    LivenessFailed,
    LocalSettingsView,
    ModelsMissing,
    NotRecognized,
    PeopleDirectory,
    SettingsSaved,
    StatusBar,
    StorageFailed,
)
from kiosk.camera import LatestFrameBuffer
from kiosk.ui.admin import AdminPanel
from kiosk.ui.pinpad import PinPad
from kiosk.ui.refusal import RefusalCard
from kiosk.ui.strings import Language, text
from kiosk.ui.widgets import (
    FittedLabel,
    GreetingCard,
    MessageScreen,
    PreviewWidget,
    StatusBarWidget,
)

PREVIEW_INTERVAL_MS = 15  # poll faster than any camera so the preview keeps its frame rate
PERSISTENT_SCREENS = ("camera_offline", "models_missing")
NARROW_PX = 1000  # px: a landscape window narrower than this gives the card half the row
KEYPAD_TIMEOUT_MS = 30_000  # an abandoned PIN keypad goes back to the check-in screen


class KioskWindow(QWidget):
    """Renders state objects. ``request`` carries WorkerRequest objects to the worker."""

    request = Signal(object)
    closed = Signal()

    def __init__(self, *, language: Language, zone: tzinfo, card_seconds: float,
                 admin_timeout_s: float, admin_pin_hash: str | None,
                 preview_buffer: LatestFrameBuffer | None = None, sound: bool = False,
                 admin_lockout: AdminLockout | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Kiosk")
        self.setStyleSheet("background: #101418; color: white;")
        self.language: Language = language
        self._zone = zone
        self._preview_buffer = preview_buffer
        self._sound = sound
        self.history: deque[KioskState] = deque(maxlen=500)
        self._persistent: tuple[str, str, str] | None = None  # (kind, background, fix)
        self._build(admin_pin_hash, admin_lockout)
        self._card_timer = self._single_shot(int(card_seconds * 1000), self._clear_card)
        self._message_timer = self._single_shot(int(card_seconds * 500), self._clear_message)
        self._refusal_timer = self._single_shot(int(card_seconds * 500), self._clear_card)
        self._admin_timer = self._single_shot(int(admin_timeout_s * 1000), self.leave_admin)
        self._keypad_timer = self._single_shot(KEYPAD_TIMEOUT_MS, self.close_keypad)
        self._preview_timer = QTimer(self)
        self._preview_timer.timeout.connect(self._pull_preview_frame)
        if preview_buffer is not None:
            self._preview_timer.start(PREVIEW_INTERVAL_MS)

    def _single_shot(self, interval_ms: int, slot: object) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval_ms)
        timer.timeout.connect(slot)
        return timer

    def _build(self, admin_pin_hash: str | None, admin_lockout: AdminLockout | None) -> None:
        self.pages = QStackedWidget()
        self.checkin_page = QWidget()
        column = self._checkin_column = QVBoxLayout(self.checkin_page)
        self.guidance_label = FittedLabel(text("guidance.no_face", self.language), 36,
                                          "font-weight: bold; color: white;")
        column.addWidget(self.guidance_label)
        row = self.checkin_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.preview = PreviewWidget()
        self.card = GreetingCard()
        self.card.hide()
        self.card.reminders.acknowledged.connect(self._acknowledge_reminder)
        self.refusal = RefusalCard()
        self.refusal.hide()
        row.addWidget(self.preview, 3)
        row.addWidget(self.card, 2)
        row.addWidget(self.refusal, 2)
        # The tracked faces the card on screen is for: another face in view ends it at once.
        self._card_tracks: frozenset[int] = frozenset()
        self._last_primary: int | None = None
        column.addLayout(row, 1)
        self.message = MessageScreen()
        self.admin = AdminPanel(admin_pin_hash, self.language, admin_lockout)
        self.admin.request.connect(self.request)
        self.admin.closed.connect(self.leave_admin)
        self.admin.activity.connect(lambda: self._admin_timer.start())
        for page in (self.checkin_page, self.message, self.admin):
            self.pages.addWidget(page)
        self.status = StatusBarWidget()
        self.admin_button = QPushButton(text("admin.button", self.language))
        self.admin_button.setStyleSheet("font-size: 14pt; padding: 8px 24px;")
        self.admin_button.clicked.connect(self.enter_admin)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self._build_keypad())
        bottom.addWidget(self.admin_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages, 1)
        layout.addLayout(bottom)

    def fit_to_screen(self, rect: QRect) -> None:
        """Fix the window's size to ``rect`` (pixels) at its top-left: full screen with or
        without a window manager (kiosk.ui.app.show_full_screen)."""
        self.setFixedSize(rect.size())
        self.move(rect.topLeft())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Portrait panels put the greeting card under the preview, landscape beside it;
        small landscape panels (under NARROW_PX wide) give the card half the width, so the
        enrolled and live faces fit beside the texts."""
        portrait = event.size().height() > event.size().width()
        self.checkin_row.setDirection(QBoxLayout.Direction.TopToBottom if portrait
                                      else QBoxLayout.Direction.LeftToRight)
        card_share = 3 if not portrait and event.size().width() < NARROW_PX else 2
        for index in (1, 2):  # the greeting card and the refusal card
            self.checkin_row.setStretch(index, card_share)
        super().resizeEvent(event)

    # -- the one entry point for worker states ------------------------------------------
    def show_state(self, state: object) -> None:
        """Draw one state object (GUI thread; connected to the workers' signals)."""
        self.history.append(state)  # type: ignore[arg-type]
        match state:
            case Guidance():
                self._render_guidance(state)
            case Greeting():
                self._render_greeting(state)
            case NotRecognized():
                self._render_face_refusal("not_recognized", "#7a4b00", state.track_id)
            case LivenessFailed():
                self._render_face_refusal("liveness", "#7a1020", state.track_id)
            case StorageFailed():
                self._show_message("storage_failed", "#7a1020", transient=True)
            case CameraState():
                self._render_camera(state)
            case ModelsMissing():
                self._show_message("models_missing", "#3a2a6a", fix=state.fix)
            case StatusBar():
                self.status.show_status(state, self.language)
                if state.models_ready:
                    self._end_persistent("models_missing")  # installed meanwhile
            case PeopleDirectory():
                self.admin.render_people(state)
            case EnrollmentProgress():
                self.admin.render_progress(state)
            case EnrollmentFinished():
                self.admin.render_finished(state)
            case AltCheckinRefused():
                self._render_refusal(state)
            case CodeRequested(digits=digits):
                self.open_keypad(code_only=True, suffix=digits)
            case DoctorReport():
                self.admin.render_doctor(state)
            case LocalSettingsView():
                self.admin.render_settings(state)
            case SettingsSaved():
                if state.ok and state.view.language != self.language:
                    self.set_language(state.view.language)  # type: ignore[arg-type]
                self.admin.render_settings_saved(state)
            case AdminFaceEntry():
                self.admin.accept_face(state)

    @property
    def screen_kind(self) -> str:
        """What is showing: "checkin", "greeting", "admin" or a message kind."""
        current = self.pages.currentWidget()
        if current is self.admin:
            return "admin"
        if current is self.keypad:
            return "keypad"
        if current is self.message:
            return self.message.kind
        if not self.refusal.isHidden():
            return self.refusal.kind
        return "checkin" if self.card.isHidden() else "greeting"

    def _render_guidance(self, guidance: Guidance) -> None:
        self.preview.show_guidance(guidance)
        self._last_primary = guidance.primary_track
        showing = not (self.card.isHidden() and self.refusal.isHidden())
        if showing and guidance.primary_track is not None and \
                guidance.primary_track not in self._card_tracks:
            self._clear_card()  # the next person stands at the camera: their guidance
        if self.card.isHidden():
            key = guidance.key if guidance.faces else GuidanceKey.NO_FACE
            self.guidance_label.setText(text(f"guidance.{key.value}", self.language))

    def _render_greeting(self, greeting: Greeting) -> None:
        # Shown over a persistent state too: with the camera offline, a PIN check-in still
        # deserves its greeting (the state comes back when the card clears).
        if self.pages.currentWidget() in (self.admin, self.keypad):
            return
        self._hide_card()
        self._card_tracks = self._faces_of(greeting.track_id)
        self.card.show_greeting(greeting, self.language, self._zone)
        self.card.show()
        self.pages.setCurrentWidget(self.checkin_page)
        self._checkin_column.activate()  # the card's size on screen, then its texts fit it
        self.card.fit()
        self.guidance_label.setText(text("greeting.hello", self.language,
                                         name=greeting.person_name))
        self.pages.setCurrentWidget(self.checkin_page)
        self._card_timer.start()
        if self._sound and not greeting.repeat:
            QApplication.beep()  # the system bell; a chime file needs QtMultimedia

    def _faces_of(self, track_id: int | None) -> frozenset[int]:
        """The tracks a card is for: the face decided on; for a PIN, QR or face + code
        check-in (no track), the face in view when it was shown."""
        if track_id is not None:
            return frozenset((track_id,))
        return frozenset(() if self._last_primary is None else (self._last_primary,))

    def _render_face_refusal(self, kind: str, background: str,
                             track_id: int | None) -> None:
        """"Not recognized" or "liveness failed" beside the live preview, pointing to the
        PIN keypad or a QR badge; transient, and ended by the next face like a card."""
        if self.pages.currentWidget() in (self.admin, self.keypad):
            return
        guidance = self.guidance_label.text()
        self._hide_card()
        self.guidance_label.setText(guidance)  # the live guidance goes on above the card
        self._card_tracks = self._faces_of(track_id)
        self.pages.setCurrentWidget(self.checkin_page)
        self.refusal.show_refusal(kind, background, self.language, track_id)
        self.refusal.show()
        self._checkin_column.activate()
        self.refusal.fit()
        self._refusal_timer.start()

    def _acknowledge_reminder(self, person_id: UUID, reminder_id: str) -> None:
        """One touch on "Got it": the worker records it; the card stays up a while longer."""
        if self.card.isHidden():
            return
        self.request.emit(AcknowledgeReminder(person_id=person_id, reminder_id=reminder_id))
        self._card_timer.start()  # restart: the person is still reading

    def _render_camera(self, state: CameraState) -> None:
        self.status.set_camera(state.phase, self.language)
        if state.phase is CameraPhase.OFFLINE:
            self._show_message("camera_offline", "#5a1a1a")
        elif state.phase is CameraPhase.LIVE:
            self._end_persistent("camera_offline")

    def _show_message(self, kind: str, background: str, *, transient: bool = False,
                      fix: str = "") -> None:
        """A full-screen message. A persistent one (camera offline, models missing) is also
        remembered and comes back after whatever showed meanwhile (the PIN keypad, a PIN
        greeting or refusal); admin mode and an open keypad are never interrupted."""
        current = self.pages.currentWidget()
        if kind in PERSISTENT_SCREENS:
            self._persistent = (kind, background, fix)
        if current is self.admin or current is self.keypad:
            return
        self._hide_card()
        title = text(f"{kind}.title", self.language)
        fix_text = text(f"{kind}.fix", self.language, fix=fix)
        self.message.show_message(kind, title, fix_text, background)
        self.pages.setCurrentWidget(self.message)
        if transient:
            self._message_timer.start()
        else:
            self._message_timer.stop()

    def _clear_message(self, force: bool = False) -> None:
        """End the message (``force``: also a persistent one, whose cause went away)."""
        if self.message.kind in PERSISTENT_SCREENS and not force:
            return
        if force:
            self._persistent = None
        on_message = self.pages.currentWidget() is self.message
        self.message.kind = ""
        if on_message:
            self._back_to_base()

    def _end_persistent(self, kind: str) -> None:
        """The cause of persistent state ``kind`` went away: it neither shows nor returns."""
        if self._persistent is not None and self._persistent[0] == kind:
            self._persistent = None
        if self.message.kind == kind:
            self._clear_message(force=True)

    def _back_to_base(self) -> None:
        """The persistent state if one stands, else the check-in screen."""
        self.pages.setCurrentWidget(self.checkin_page)
        if self._persistent is not None:
            kind, background, fix = self._persistent
            self._show_message(kind, background, fix=fix)

    def _hide_card(self) -> None:
        """End the greeting card or the refusal card, whichever shows."""
        self._card_timer.stop()
        self._refusal_timer.stop()
        self.card.hide()
        self.refusal.hide()
        self.refusal.kind = ""
        self.guidance_label.setText(text("guidance.no_face", self.language))

    def _clear_card(self) -> None:
        """The card's time is up, or the next face came (a persistent state comes back)."""
        self._hide_card()
        if self._persistent is not None and self.pages.currentWidget() is self.checkin_page:
            self._back_to_base()

    def _pull_preview_frame(self) -> None:
        if self._preview_buffer is None:
            return
        frame = self._preview_buffer.take_nowait()
        if frame is not None:
            self.preview.show_frame(frame.image)
            self.admin.show_camera_frame(frame.image)  # the enrolment capture's live view

    # -- PIN keypad (people who check in without their face) ------------------------------
    def _build_keypad(self) -> QPushButton:
        self.keypad = PinPad(self.language)
        self.keypad.submitted.connect(self._submit_pin)
        self.keypad.code_entered.connect(self._submit_code)
        self.keypad.cancelled.connect(self.close_keypad)
        self.keypad.activity.connect(lambda: self._keypad_timer.start())
        self.pages.addWidget(self.keypad)
        self.pin_button = QPushButton(text("pin.button", self.language))
        self.pin_button.setStyleSheet("font-size: 14pt; padding: 8px 24px;")
        self.pin_button.clicked.connect(self.open_keypad)
        self.admin_button.clicked.connect(self.close_keypad)  # after enter_admin
        self._keypad_active = False
        return self.pin_button

    def open_keypad(self, code_only: bool = False, suffix: int | None = None) -> None:
        """Show the keypad; the worker stops deciding on faces until it closes. It opens over
        a persistent state too: a PIN works with the camera offline or the models missing.
        ``code_only``: face + code asks for the employee code alone (``suffix``: its last
        N characters)."""
        if self.pages.currentWidget() in (self.admin, self.keypad):
            return
        self._hide_card()
        self.keypad.reset(code_only=code_only, suffix=suffix)
        self.pages.setCurrentWidget(self.keypad)
        self._keypad_active = True
        self.request.emit(SetKeypadOpen(active=True))
        self._keypad_timer.start()

    def close_keypad(self) -> None:
        """Back to the check-in screen (if still on the keypad); faces count again."""
        self._keypad_timer.stop()
        if not self._keypad_active:
            return
        self._keypad_active = False
        self.keypad.reset()
        if self.pages.currentWidget() is self.keypad:
            self._back_to_base()
        self.request.emit(SetKeypadOpen(active=False))

    def _submit_code(self, code: str) -> None:
        self.request.emit(FaceCodeEntered(employee_code=code))
        self.close_keypad()  # the answer (greeting or refusal) arrives as a state

    def _submit_pin(self, code: str, pin: str) -> None:
        self.request.emit(PinEntered(employee_code=code, pin=pin))
        self.close_keypad()  # the answer (greeting or refusal) arrives as a state

    def _render_refusal(self, refusal: AltCheckinRefused) -> None:
        if refusal.reason is AltRefusal.LOCKED and refusal.locked_until is not None:
            detail = refusal.locked_until.astimezone(self._zone).strftime("%H:%M")
        else:
            detail = str(refusal.attempts_left)
        self._show_message(refusal.reason.value, "#7a4b00", transient=True, fix=detail)

    def set_language(self, language: Language) -> None:
        """Switch the screen's texts at once (admin settings screen); every state is drawn
        in ``language`` from now on (the status bar at its next update, within a second)."""
        self.language = language
        self.admin_button.setText(text("admin.button", language))
        pin_button = getattr(self, "pin_button", None)
        if pin_button is not None:
            pin_button.setText(text("pin.button", language))
            self.keypad.set_language(language)
        self.admin.set_language(language)
        if self.card.isHidden():
            self.guidance_label.setText(text("guidance.no_face", language))

    # -- admin mode ---------------------------------------------------------------------
    def enter_admin(self) -> None:
        self._hide_card()
        self.admin.open_pin_page()
        self.pages.setCurrentWidget(self.admin)
        self.request.emit(SetAdminMode(active=True))
        self._admin_timer.start()

    def leave_admin(self) -> None:
        self._admin_timer.stop()
        if self.pages.currentWidget() is self.admin:
            self.admin.unlocked = False
            self._back_to_base()
            self.request.emit(SetAdminMode(active=False))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)
        self.closed.emit()

    def shutdown(self) -> None:
        """Stop every timer (before the window closes, so nothing fires afterwards)."""
        for timer in (self._card_timer, self._message_timer, self._admin_timer,
                      self._preview_timer, self._keypad_timer, self._refusal_timer):
            timer.stop()
