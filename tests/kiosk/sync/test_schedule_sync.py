"""Shifts made on the server reach the kiosk's greeting: a department's office shift, synced
through the real feed, makes the kiosk say "late by 20 minutes" for an 08:20 arrival."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from kiosk.app.desk import StoreDesk
from kiosk.app.state import PunchDirection
from kiosk.settings import KioskSettings
from kiosk.store import KioskStore, Person
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.db.engine import transaction
from sync_server.service import people, schedules

ZONE = ZoneInfo(schedules.SITE_ZONE)
MONDAY = date(2026, 11, 23)


def test_a_department_shift_made_on_the_server_drives_the_kiosk_verdict(
        tmp_path: Path, store: KioskStore, credential: KioskCredential,
        sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        finance = people.create_person(session, "Trần Thị Lan", "F100", "Tài chính",
                                       actor="test").id
        office = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Hành chính", "08:00", "17:00", late_grace_min=5), actor="test")
        schedules.save_assignment(session, office.id, date(2026, 1, 1), None,
                                  department="Tài chính", actor="test")
        schedules.save_holiday(session, date(2026, 11, 24), "Ngày lễ thử", actor="test")
    with SyncClient(credential, verify_tls=False) as client:
        sync_once(store, client)
    assert store.biometrics.person(finance) == Person(id=finance, display_name="Trần Thị Lan",
                                           employee_code="F100", department="Tài chính",
                                           active=True)
    path = store.path
    store.close()
    settings = KioskSettings.model_validate({
        "kiosk_name": "door-1", "store": {"path": str(path)},
        "models": {"dir": str(tmp_path / "models")}, "ui": {"language": "en"}})
    desk = StoreDesk.open(settings)
    try:
        late = desk.punch(finance, datetime.combine(MONDAY, time(8, 20), tzinfo=ZONE))
        assert (late.direction, late.verdict_text) == (PunchDirection.CHECK_IN,
                                                       "Late by 20 minutes")
        leave = desk.punch(finance, datetime.combine(MONDAY, time(17, 2), tzinfo=ZONE))
        assert (leave.direction, leave.verdict_text) == (PunchDirection.CHECK_OUT, "On time")
        holiday = desk.punch(finance, datetime.combine(date(2026, 11, 24), time(9, 0),
                                                       tzinfo=ZONE))
        assert "Late" not in holiday.verdict_text  # a holiday: no shift to be late for
    finally:
        desk.close()
