"""The next face in view replaces the card at once: a greeting or refusal card stays while its
own tracked face (or nobody) is in view, and ends as soon as another face is the primary one,
so the next person sees their own guidance instead of the previous person's card."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from kiosk.app.state import (
    FaceOutline,
    Greeting,
    Guidance,
    GuidanceKey,
    LivenessFailed,
    NotRecognized,
    PunchDirection,
)
from kiosk.ui.window import KioskWindow

AT = datetime(2026, 11, 23, 1, 12, tzinfo=UTC)


@pytest.fixture
def window(qtbot) -> Iterator[KioskWindow]:  # type: ignore[no-untyped-def]
    win = KioskWindow(language="vi", zone=ZoneInfo("Asia/Ho_Chi_Minh"), card_seconds=30,
                      admin_timeout_s=60, admin_pin_hash=None)
    qtbot.addWidget(win)
    win.resize(1024, 600)
    win.show()
    yield win
    win.shutdown()
    win.close()


def _face(track: int | None, key: GuidanceKey = GuidanceKey.CHECKING) -> Guidance:
    faces = () if track is None else (FaceOutline((200, 120, 160, 200), True),)
    return Guidance(key, faces, (640, 480), 0.0, primary_track=track)


def _greeting(track_id: int | None) -> Greeting:
    return Greeting(person_id=uuid4(), person_name="Trần Văn Bình", department="",
                    at=AT, direction=PunchDirection.CHECK_IN, verdict_text="Đúng giờ",
                    track_id=track_id)


def test_a_face_greeting_ends_when_another_face_steps_up(window: KioskWindow) -> None:
    window.show_state(_face(5))
    window.show_state(_greeting(5))
    window.show_state(_face(5))  # the same person still reading their card
    window.show_state(_face(None))  # gone: the card stays its time
    assert window.screen_kind == "greeting"
    window.show_state(_face(6, GuidanceKey.MOVE_CLOSER))  # the next person
    assert window.screen_kind == "checkin" and window.card.isHidden()
    assert window.guidance_label.text() == "Lại gần hơn"


@pytest.mark.parametrize("refusal", [NotRecognized(at=AT, track_id=8),
                                     LivenessFailed(at=AT, track_id=8)],
                         ids=["not_recognized", "liveness"])
def test_a_refusal_ends_when_another_face_steps_up(
        window: KioskWindow, refusal: NotRecognized | LivenessFailed) -> None:
    window.show_state(_face(8))
    window.show_state(refusal)
    window.show_state(_face(8, GuidanceKey.HOLD_STILL))
    assert window.screen_kind in ("not_recognized", "liveness")
    assert window.preview.isVisible()
    assert window.guidance_label.text() == "Giữ yên"  # live guidance beside the refusal
    window.show_state(_face(9))
    assert window.screen_kind == "checkin" and window.refusal.isHidden()


def test_a_pin_greeting_stays_for_the_face_that_typed_it(window: KioskWindow) -> None:
    window.show_state(_face(11))  # the person at the keypad is in view
    window.show_state(_greeting(None))
    window.show_state(_face(11))
    assert window.screen_kind == "greeting"
    window.show_state(_face(12))
    assert window.screen_kind == "checkin"


def test_a_new_greeting_replaces_the_refusal_of_the_same_face(window: KioskWindow) -> None:
    window.show_state(NotRecognized(at=AT, track_id=3))
    window.show_state(_greeting(3))
    assert window.screen_kind == "greeting" and window.refusal.isHidden()
