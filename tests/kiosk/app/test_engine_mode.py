"""The check-in engine's one explicit mode (kiosk.app.checkin.EngineMode) and its transitions,
driven by the same requests the screens send, on a real engine over real models and store."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.app.checkin import CheckInEngine, EngineMode
from kiosk.app.requests import (
    CancelEnrollment,
    SetAdminMode,
    SetKeypadOpen,
    StartEnrollment,
    WorkerRequest,
)
from kiosk.app.runtime import KioskRuntime
from kiosk.app.state import EnrollmentFinished
from tests.kiosk.app.helpers import kiosk_settings, lfw_photo, photo_folder

pytestmark = [pytest.mark.shared]


def _after(engine: CheckInEngine, request: WorkerRequest) -> tuple[EngineMode, list[object]]:
    engine.submit(request)
    states = engine.step(0.0)
    return engine.mode, states


def test_modes_follow_the_documented_transitions(installed_pack: tuple[str, Path],
                                                 faces_dev: Path, tmp_path: Path) -> None:
    pack, models_dir = installed_pack
    camera = photo_folder(tmp_path / "camera", [lfw_photo(faces_dev, "Colin_Powell", 7)])
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(camera))
    engine = KioskRuntime(settings).build_engine()
    try:
        assert engine.mode is EngineMode.FACES
        assert _after(engine, SetKeypadOpen(True))[0] is EngineMode.KEYPAD
        assert _after(engine, SetKeypadOpen(False))[0] is EngineMode.FACES
        assert _after(engine, SetKeypadOpen(True))[0] is EngineMode.KEYPAD
        assert _after(engine, SetAdminMode(True))[0] is EngineMode.ADMIN  # admin wins
        assert _after(engine, SetKeypadOpen(False))[0] is EngineMode.ADMIN  # not the keypad's
        assert _after(engine, SetKeypadOpen(True))[0] is EngineMode.ADMIN

        enrol = StartEnrollment(person_id=None, new_person_name="Phạm Văn Đồng",
                                consent_notice_version="notice-1")
        assert _after(engine, enrol)[0] is EngineMode.ENROLLING
        assert _after(engine, SetAdminMode(True))[0] is EngineMode.ENROLLING  # still capturing
        mode, states = _after(engine, CancelEnrollment())
        assert mode is EngineMode.ADMIN  # back where the enrolment started
        [cancelled] = [s for s in states if isinstance(s, EnrollmentFinished)]
        assert not cancelled.ok and cancelled.error == "cancelled"
        mode, states = _after(engine, CancelEnrollment())  # nothing left to cancel
        assert mode is EngineMode.ADMIN
        assert not any(isinstance(s, EnrollmentFinished) for s in states)

        assert _after(engine, enrol)[0] is EngineMode.ENROLLING
        assert _after(engine, SetAdminMode(False))[0] is EngineMode.FACES  # leaving drops it
        assert _after(engine, SetKeypadOpen(False))[0] is EngineMode.FACES
    finally:
        engine.close()
