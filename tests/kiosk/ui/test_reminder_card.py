"""The greeting card's reminders: one large "Got it" per unacknowledged item, one touch sends
the request to the worker, and the card stays up a while after the touch."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from kiosk.app.requests import AcknowledgeReminder
from kiosk.app.state import (
    Greeting,
    LivenessFailed,
    NotRecognized,
    PunchDirection,
    ReminderItem,
)
from kiosk.ui.window import KioskWindow

CARD_SECONDS = 1.5
PERSON = uuid4()


@pytest.fixture
def window(qtbot) -> Iterator[KioskWindow]:  # type: ignore[no-untyped-def]
    win = KioskWindow(language="en", zone=ZoneInfo("Asia/Ho_Chi_Minh"),
                      card_seconds=CARD_SECONDS, admin_timeout_s=5, admin_pin_hash=None)
    qtbot.addWidget(win)
    win.resize(1024, 600)
    win.show()
    yield win
    win.shutdown()
    win.close()


def _greeting() -> Greeting:
    return Greeting(
        person_id=PERSON, person_name="Nguyễn Thị An", department="Vụ Tổ chức cán bộ",
        at=datetime(2026, 11, 23, 2, 0, tzinfo=UTC), direction=PunchDirection.CHECK_IN,
        verdict_text="On time",
        reminders=(ReminderItem("r-urgent", "Ký hợp đồng", urgent=True),
                   ReminderItem("r-overdue", "Báo cáo quý", overdue=True),
                   ReminderItem("r-done", "Duyệt kế hoạch", acknowledged=True)))


def test_a_touch_sends_the_acknowledgement_and_keeps_the_card_open(qtbot, window) -> None:
    requests: list[object] = []
    window.request.connect(requests.append)
    window.show_state(_greeting())
    panel = window.card.reminders
    assert [b.isVisible() for b in panel.ack_buttons] == [True, True, False]
    assert panel.ack_buttons[0].text() == "Got it"
    assert panel.ack_buttons[0].height() >= 56  # finger-sized
    assert "Urgent" in panel.items[0].text() and "Overdue" in panel.items[1].text()
    assert "✓ Got it" in panel.items[2].text()  # acknowledged earlier: no button
    shown_at = time.monotonic()
    qtbot.wait(int(CARD_SECONDS * 1000 / 3))
    qtbot.mouseClick(panel.ack_buttons[1], Qt.MouseButton.LeftButton)
    touched_at = time.monotonic()
    assert requests == [AcknowledgeReminder(person_id=PERSON, reminder_id="r-overdue")]
    assert not panel.ack_buttons[1].isVisible() and "✓ Got it" in panel.items[1].text()
    assert panel.ack_buttons[0].isVisible()
    # Without the touch the card would close CARD_SECONDS after it was shown; it is still
    # up then, and closes about CARD_SECONDS after the touch instead.
    assert touched_at - shown_at < CARD_SECONDS  # the touch came while the card was up
    qtbot.wait(int((CARD_SECONDS - (touched_at - shown_at)) * 1000) + 200)
    assert window.screen_kind == "greeting"
    qtbot.waitUntil(lambda: window.screen_kind == "checkin", timeout=3000)
    assert time.monotonic() - touched_at >= CARD_SECONDS * 0.9


@pytest.mark.parametrize("refusal", [NotRecognized(at=datetime.now(UTC)),
                                     LivenessFailed(at=datetime.now(UTC))],
                         ids=["unknown", "liveness"])
def test_a_refusal_clears_the_card_and_shows_no_reminders(window, refusal) -> None:
    window.show_state(_greeting())
    assert window.screen_kind == "greeting"
    window.show_state(refusal)
    assert window.screen_kind in ("not_recognized", "liveness")
    assert not window.card.isVisible()
    assert not any(b.isVisible() for b in window.card.reminders.ack_buttons)
