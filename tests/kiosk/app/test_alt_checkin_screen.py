"""The whole kiosk with PIN and QR badge check-in: Qt offscreen window, real models loaded,
a real store, a folder camera. The keypad is driven by clicking its buttons; the badge is a
segno QR code shown to the (folder) camera."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID, uuid4

import cv2
import numpy as np
import pytest
import segno
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from attendance import pins
from kiosk.app.runtime import KioskRuntime
from kiosk.app.state import AltCheckinRefused, AltRefusal, Greeting, StatusBar
from kiosk.settings import KioskSettings
from kiosk.store import FeedChange, FeedEntity, FeedOp, PunchSource, open_store
from kiosk.ui.app import RunLimits, run_kiosk_app
from kiosk.ui.window import KioskWindow
from tests.kiosk.app.helpers import kiosk_settings

pytestmark = [pytest.mark.shared]


def _people(settings: KioskSettings, rows: list[tuple[UUID, str, dict[str, str]]]) -> None:
    store = open_store(settings.store.path)
    try:
        store.feed.apply_page([
            FeedChange(seq=n, entity=FeedEntity.PERSON, op=FeedOp.UPSERT, entity_id=person,
                       data={"display_name": f"Person {code}", "employee_code": code,
                             "department": "Finance", "active": True, **hashes})
            for n, (person, code, hashes) in enumerate(rows, 1)], str(len(rows)))
    finally:
        store.close()


def _outbox(settings: KioskSettings) -> list[tuple[UUID, PunchSource]]:
    store = open_store(settings.store.path)
    try:
        return [(p.person_id, p.source) for p in store.punches.pending()]
    finally:
        store.close()


def _window() -> KioskWindow:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, KioskWindow))


def _keys(code: str, pin: str) -> list[str]:
    keys: list[str] = []
    for char in code:
        keys += ["letters", char, "digits"] if char.isalpha() else [char]
    return [*keys, "ok", *pin, "ok"]


def test_keypad_checks_in_by_pin_refuses_a_wrong_one_and_locks_after_five(
        qapp, installed_pack, tmp_path: Path) -> None:
    pack, models_dir = installed_pack
    camera = tmp_path / "camera"
    camera.mkdir()
    cv2.imwrite(str(camera / "00_empty.png"), np.full((480, 640, 3), 90, np.uint8))
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(camera))
    an, binh = uuid4(), uuid4()
    _people(settings, [(an, "A100", {"pin_hash": pins.hash_pin("2580")}),
                       (binh, "B200", {"pin_hash": pins.hash_pin("7391")})])
    script = [("A100", "1111"), ("A100", "2580"), *[("B200", "9999")] * 5, ("B200", "7391")]
    seen: list[tuple[object, str, str]] = []

    def type_next() -> None:
        window = _window()
        code, pin = script.pop(0)
        window.pin_button.click()
        assert window.screen_kind == "keypad"
        for key in _keys(code, pin):
            window.keypad.keys[key].click()
        assert window.keypad.pin_field.text() == ""  # the PIN left the screen at once

    def observe(state: object) -> bool:
        if isinstance(state, StatusBar) and not seen and len(script) == 8:
            seen.append((state, "", ""))
            QTimer.singleShot(0, type_next)
        if isinstance(state, Greeting | AltCheckinRefused):
            window = _window()
            seen.append((state, window.screen_kind, window.message.title.text()))
            if not script:
                return True
            QTimer.singleShot(0, type_next)
        return False

    runtime = KioskRuntime(settings, loop_recording=True)
    assert run_kiosk_app(runtime, RunLimits(max_seconds=120), offscreen=True,
                         observer=observe) == 0
    outcomes = [entry for entry in seen[1:]]
    assert len(outcomes) == 8, outcomes
    wrong, right, *binh_wrong, binh_right = outcomes
    assert wrong[0] == AltCheckinRefused(AltRefusal.WRONG_PIN, attempts_left=4)
    assert wrong[1:] == ("pin_wrong", "Wrong code or PIN")
    assert isinstance(right[0], Greeting) and right[0].person_id == an
    assert right[1] == "greeting"
    assert [s.attempts_left for s, _k, _t in binh_wrong[:4]] == [4, 3, 2, 1]  # type: ignore
    locked = binh_wrong[4]
    assert locked[0].reason is AltRefusal.LOCKED and locked[1] == "pin_locked"  # type: ignore
    assert binh_right[0].reason is AltRefusal.LOCKED  # type: ignore[union-attr]
    assert _outbox(settings) == [(an, PunchSource.PIN)]


def test_a_badge_shown_to_the_camera_checks_in_and_an_unknown_one_is_refused(
        qapp, installed_pack, tmp_path: Path) -> None:
    pack, models_dir = installed_pack
    camera = tmp_path / "camera"
    camera.mkdir()
    token = pins.new_badge_token()
    for name, payload in (("00_badge.png", token), ("01_revoked.png", pins.new_badge_token())):
        segno.make(pins.badge_payload(payload), error="m", micro=False).save(
            str(camera / name), scale=8, border=4)
    settings = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir, camera=str(camera))
    holder = uuid4()
    _people(settings, [(holder, "Q300", {"badge_hash": pins.badge_token_hash(token)})])
    outcomes: list[tuple[object, str]] = []

    def observe(state: object) -> bool:
        if isinstance(state, Greeting | AltCheckinRefused):
            outcomes.append((state, _window().screen_kind))
        return len(outcomes) >= 2

    runtime = KioskRuntime(settings, loop_recording=True, folder_hold_frames=15)
    assert run_kiosk_app(runtime, RunLimits(max_seconds=120), offscreen=True,
                         observer=observe) == 0
    (greeting, screen), (refused, refused_screen) = outcomes[:2]
    assert isinstance(greeting, Greeting) and greeting.person_id == holder
    assert screen == "greeting" and not greeting.repeat
    assert refused == AltCheckinRefused(AltRefusal.UNKNOWN_BADGE)
    assert refused_screen == "badge_unknown"
    assert _outbox(settings) == [(holder, PunchSource.QR)]
