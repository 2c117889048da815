"""The admin enrolment page: the staff dropdown chooses nobody until the admin picks someone
(a typed new name is never sent with the first person of the list), and the consent box can
be seen on the dark page, ticked or not."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtGui import QColor

from kiosk.app.admin_pin import hash_pin
from kiosk.app.requests import StartEnrollment
from kiosk.app.state import PeopleDirectory, PersonChoice
from kiosk.ui.window import KioskWindow

PIN = "2468"
PEOPLE = (PersonChoice(uuid4(), "Trần Văn Bình", "Văn phòng"),
          PersonChoice(uuid4(), "Lê Thị Mai", "Tài vụ"))


@pytest.fixture
def window(qtbot) -> Iterator[KioskWindow]:  # type: ignore[no-untyped-def]
    win = KioskWindow(language="vi", zone=ZoneInfo("Asia/Ho_Chi_Minh"), card_seconds=5,
                      admin_timeout_s=60, admin_pin_hash=hash_pin(PIN))
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    win.enter_admin()
    for key in [*PIN, "ok"]:
        win.admin.pin_page.keypad.press(key)
    assert win.admin.unlocked
    win.show_state(PeopleDirectory(PEOPLE))
    yield win
    win.shutdown()
    win.close()


def _started(window: KioskWindow) -> list[StartEnrollment]:
    sent: list[StartEnrollment] = []
    window.request.connect(lambda r: sent.append(r) if isinstance(r, StartEnrollment) else None)
    return sent


def test_nobody_is_preselected_and_a_typed_name_lets_go_of_the_pick(window: KioskWindow) -> None:
    admin = window.admin
    sent = _started(window)
    admin.consent.setChecked(True)
    assert admin.person_picker.currentIndex() == -1 and admin.person_picker.currentData() is None
    admin.start_enrollment()
    assert sent == [] and admin.result.text() == "Hãy chọn hoặc nhập tên"

    admin.person_picker.setCurrentIndex(1)
    admin.new_name.setText("Phạm Quốc Việt")  # the admin types a new person after all
    assert admin.person_picker.currentIndex() == -1
    admin.start_enrollment()
    assert sent[-1].person_id is None and sent[-1].new_person_name == "Phạm Quốc Việt"

    admin.person_picker.setCurrentIndex(0)  # then picks someone after all (a touch)
    admin.person_picker.activated.emit(0)
    assert admin.new_name.text() == ""
    admin.start_enrollment()
    assert sent[-1].person_id == PEOPLE[0].person_id and sent[-1].new_person_name == ""


def test_a_picked_person_is_enrolled(window: KioskWindow) -> None:
    admin = window.admin
    sent = _started(window)
    admin.consent.setChecked(True)
    admin.person_picker.setCurrentIndex(1)
    admin.start_enrollment()
    assert sent[-1].person_id == PEOPLE[1].person_id and sent[-1].new_person_name == ""


@pytest.mark.parametrize("ticked", [False, True], ids=["unticked", "ticked"])
def test_the_consent_box_stands_out_from_the_dark_page(window: KioskWindow,
                                                       ticked: bool) -> None:
    consent = window.admin.consent
    consent.setChecked(ticked)
    assert consent.isVisible()
    image = consent.grab().toImage()
    box = [QColor(image.pixel(x, y)).lightness() for x in range(2, 44)
           for y in range(image.height())]
    # the page is #101418 (lightness about 20): the box's frame is white
    assert max(box) >= 200
