"""Admin mode driven like an admin would: PIN, new pending person, consent, live capture in
the guided poses (asian-dev "Jihyo" turning on a folder camera) -- then the person walks up
again and is recognized."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app.admin_pin import hash_pin
from kiosk.app.runtime import KioskRuntime
from kiosk.app.state import (
    DoctorReport,
    EnrollmentFinished,
    EnrollmentProgress,
    Greeting,
    PeopleDirectory,
    StatusBar,
)
from kiosk.ui.app import RunLimits, RunReport, run_kiosk_app
from tests.kiosk.app.helpers import POSE_STEMS, frame_folder, jihyo_frame, kiosk_settings

pytestmark = [pytest.mark.shared]
PIN = "8642"
PERSON = "Jihyo"


def _window():  # the run's only top-level KioskWindow
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.window import KioskWindow

    return next(w for w in QApplication.topLevelWidgets()
                if isinstance(w, KioskWindow) and w.isVisible())


class AdminScript:
    """Plays the admin on the GUI thread, one step per state the worker sends."""

    def __init__(self) -> None:
        self.progress: list[EnrollmentProgress] = []
        self.finished: EnrollmentFinished | None = None
        self.people_seen = False
        self.started = False
        self.doctor: DoctorReport | None = None

    def __call__(self, state: object) -> bool:
        window = _window()
        if isinstance(state, StatusBar) and state.pack != "-" and not self.started:
            self.started = True
            window.enter_admin()
            window.admin.pin_page.field.setText("0000")
            window.admin.pin_page.submit()
            assert not window.admin.unlocked  # a wrong PIN does not open admin mode
            window.admin.pin_page.field.setText(PIN)
            window.admin.pin_page.submit()
            assert window.admin.unlocked
        elif isinstance(state, PeopleDirectory) and not self.people_seen:
            self.people_seen = True
            window.admin.run_doctor()  # the checks run on the worker, not the GUI thread
            window.admin.new_name.setText(PERSON)
            window.admin.start_enrollment()  # refused: consent not confirmed yet
            assert window.admin.result.text() == "Consent is required first"
            window.admin.consent.setChecked(True)
            window.admin.start_enrollment()
        elif isinstance(state, DoctorReport):
            self.doctor = state
        elif isinstance(state, EnrollmentProgress):
            self.progress.append(state)
        elif isinstance(state, EnrollmentFinished):
            self.finished = state
            return True
        return False


def test_admin_enrolls_a_new_person_who_is_then_recognized(qapp, installed_pack,
                                                          tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KIOSK_ADMIN_PIN_HASH", hash_pin(PIN))
    pack, models_dir = installed_pack
    capture = frame_folder(tmp_path / "capture", [jihyo_frame(stem) for stem in POSE_STEMS])
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(capture))
    script = AdminScript()
    runtime = KioskRuntime(settings, replay_every_frame=True, folder_hold_frames=3,
                           folder_blank_frames=0, loop_recording=True)
    report = RunReport()
    assert run_kiosk_app(runtime, RunLimits(max_seconds=180), offscreen=True, report=report,
                         observer=script) == 0
    assert report.threads_stopped
    assert script.finished is not None and script.finished.ok, script.finished
    assert script.finished.templates_saved == 4
    assert [p.captured for p in script.progress][-1] == 4
    assert [p.pose for p in script.progress][0] == "straight"
    assert script.doctor is not None
    assert any(line.startswith("PASS models") for line in script.doctor.lines)
    assert "PASS models" in _doctor_text(script)

    walk_up = frame_folder(tmp_path / "walk-up", [jihyo_frame("031")])
    camera_settings = settings.model_copy(
        update={"camera": settings.camera.model_copy(update={"source": str(walk_up)})})
    greetings: list[Greeting] = []
    runtime = KioskRuntime(camera_settings, replay_every_frame=True)
    run_kiosk_app(runtime, RunLimits(max_seconds=120, exit_when_camera_ends=True),
                  offscreen=True,
                  observer=lambda s: isinstance(s, Greeting) and not greetings.append(s))
    assert [g.person_name for g in greetings] == ["Jihyo"]
    assert greetings[0].person_id == script.finished.person_id


def _doctor_text(script: AdminScript) -> str:
    return "\n".join(script.doctor.lines) if script.doctor else ""
