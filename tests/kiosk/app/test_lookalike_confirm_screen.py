"""The admin screen after a look-alike refusal, in the real app offscreen on real photos
(asian-dev "Jihyo" in the guided poses, already enrolled under her own name): it offers
"Confirmed: not <name>", and enrolling again with it ticked goes ahead (both people then
need face + code); the box is gone once the enrolment is done."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app.admin_pin import hash_pin
from kiosk.app.runtime import KioskRuntime, enroll_from_folder
from kiosk.app.state import EnrollmentFinished, PeopleDirectory, StatusBar
from kiosk.store import open_store
from kiosk.ui.app import RunLimits, run_kiosk_app
from tests.kiosk.app.helpers import POSE_STEMS, frame_folder, jihyo_frame, kiosk_settings
from tests.kiosk.app.test_admin_enrollment import _window

pytestmark = [pytest.mark.shared]
PIN = "482913"


class ConfirmScript:
    """Plays the admin: enrol "Jihyo Twin", read the refusal, tick the box, enrol again."""

    def __init__(self) -> None:
        self.finished: list[EnrollmentFinished] = []
        self.offered = ""
        self.started = False
        self.box_after_done: bool | None = None

    def __call__(self, state: object) -> bool:
        window = _window()
        admin = window.admin
        if isinstance(state, StatusBar) and state.pack != "-" and not self.started:
            self.started = True
            window.enter_admin()
            admin.pin_page.field.setText(PIN)
            admin.pin_page.submit()
        elif isinstance(state, PeopleDirectory) and not self.finished:
            assert not admin.confirm_different.isVisible()
            admin.new_name.setText("Jihyo Twin")
            admin.consent.setChecked(True)
            admin.start_enrollment()
        elif isinstance(state, EnrollmentFinished):
            self.finished.append(state)
            if len(self.finished) == 1:
                self.offered = admin.confirm_different.text()
                assert admin.confirm_different.isVisibleTo(admin)
                admin.confirm_different.setChecked(True)
                admin.start_enrollment()
                return False
            self.box_after_done = admin.confirm_different.isVisibleTo(admin)
            return True
        return False


def test_the_admin_confirms_different_people_on_the_kiosk_screen(
        qapp, installed_pack, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KIOSK_ADMIN_PIN_HASH", hash_pin(PIN))
    pack, models_dir = installed_pack
    capture = frame_folder(tmp_path / "capture", [jihyo_frame(stem) for stem in POSE_STEMS])
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(capture))
    first = enroll_from_folder(settings, person_id=None, name="Jihyo", department="Test",
                               folder=capture, consent_version="test-notice-1",
                               collected_by="pytest")
    assert first.ok, first.error
    jihyo = first.person_id
    script = ConfirmScript()
    runtime = KioskRuntime(settings, replay_every_frame=True, folder_hold_frames=3,
                           folder_blank_frames=0, loop_recording=True)
    assert run_kiosk_app(runtime, RunLimits(max_seconds=180), offscreen=True,
                         observer=script) == 0
    refused, done = script.finished
    assert not refused.ok and refused.lookalike_id == jihyo
    assert script.offered == "Confirmed: not Jihyo"
    assert done.ok and script.box_after_done is False
    store = open_store(settings.store.path)
    try:
        assert store.biometrics.code_people() == {jihyo, done.person_id}
    finally:
        store.close()
