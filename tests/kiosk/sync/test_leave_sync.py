"""Approved leave reaches the kiosk through the real feed, and the greeting follows it.

HR records leave on a real server on 127.0.0.1; the kiosk's sync client applies the feed to
a real store: the leave arrives (days and type only), an edit replaces it, a withdrawal and
the person's erasure remove it. A person on leave who checks in at the real desk is told
they are on leave, not late, and the punch is recorded.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from kiosk.app.desk import StoreDesk
from kiosk.settings import KioskSettings
from kiosk.store import KioskStore, open_store
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.service import leaves, people, schedules

ZONE = ZoneInfo(schedules.SITE_ZONE)
SICK = uuid.uuid5(uuid.NAMESPACE_URL, "leave-type:sick")  # seeded by the migration


def _staff(sessions: sessionmaker[Session]) -> tuple[uuid.UUID, uuid.UUID]:
    """Two people of Finance, whose Office shift runs 08:00-17:00, Monday to Friday."""
    with transaction(sessions) as session:
        lan = people.create_person(session, "Trần Lan", "T001", "Finance", actor="hr").id
        minh = people.create_person(session, "Lê Minh", "T002", "Finance", actor="hr").id
        shift = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Office", "08:00", "17:00", working_days=(0, 1, 2, 3, 4)), actor="hr")
        schedules.save_assignment(session, shift.id, date(2025, 1, 1), None,
                                  department="Finance", actor="hr")
    return lan, minh


def _sync(store: KioskStore, credential: KioskCredential) -> list[tuple[str, str, str, str]]:
    with SyncClient(credential, timeout_s=10, verify_tls=False) as client:
        sync_once(store, client)
    return [(v["person_id"], v["start"], v["end"], str(v["leave_type_id"]))
            for v in store.feed.shift_data().leaves]


def test_leave_is_synced_edited_withdrawn_and_erased(
        store: KioskStore, credential: KioskCredential,
        sessions: sessionmaker[Session]) -> None:
    lan, minh = _staff(sessions)
    today = utc_now().astimezone(ZONE).date()
    end = today + timedelta(days=4)
    with transaction(sessions) as session:
        first = leaves.add_leave(session, leaves.LeaveIn(
            lan, today, end, "viêm họng", SICK), "hr").id
        other = leaves.add_leave(session, leaves.LeaveIn(minh, today, today + timedelta(
            days=4), "việc nhà"), "hr").id
    held = _sync(store, credential)
    assert sorted(held) == sorted([(str(lan), f"{today}", f"{end}", str(SICK)),
                                   (str(minh), f"{today}", f"{end}", "None")])
    with transaction(sessions) as session:
        leaves.edit_leave(session, first, leaves.LeaveIn(
            lan, today, end + timedelta(days=1), "viêm họng", SICK), "hr")
        leaves.delete_leave(session, other, "hr")  # withdrawn
    assert _sync(store, credential) == [(str(lan), f"{today}", f"{end + timedelta(days=1)}",
                                         str(SICK))]
    with transaction(sessions) as session:
        people.erase_person(session, lan, "hr")
    assert _sync(store, credential) == []


def test_a_person_on_leave_is_greeted_as_on_leave_and_the_punch_is_kept(
        store: KioskStore, credential: KioskCredential,
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    lan, minh = _staff(sessions)
    today = utc_now().astimezone(ZONE).date()
    workday = next(today + timedelta(days=n) for n in range(5)
                   if (today + timedelta(days=n)).weekday() < 5)
    with transaction(sessions) as session:
        leaves.add_leave(session, leaves.LeaveIn(lan, today, today + timedelta(days=4),
                                                 "", SICK), "hr")
    _sync(store, credential)
    store.close()
    late = datetime.combine(workday, time(8, 40), ZONE)  # 40 minutes after the shift start
    for language, on_leave, was_late in (
            ("vi", "Hôm nay bạn đang nghỉ phép — đã ghi nhận", "Đi muộn 40 phút"),
            ("en", "You are on leave today — recorded", "Late by 40 minutes")):
        desk = StoreDesk.open(KioskSettings.model_validate({
            "kiosk_name": "door-1", "store": {"path": str(store.path)},
            "models": {"dir": str(tmp_path / "models")}, "ui": {"language": language},
            "attendance": {"cooldown_s": 120}}))
        try:
            before = desk.backlog()
            greeting = desk.punch(lan, late + timedelta(minutes=before * 5))
            assert greeting.verdict_text == on_leave and greeting.punch_id is not None
            assert desk.backlog() == before + 1  # recorded: the server decides the day
            colleague = desk.punch(minh, late)  # not on leave: the lateness stands
            assert colleague.verdict_text == was_late
        finally:
            desk.close()
    reopened = open_store(store.path)
    # Lan's two punches and Minh's first (his second, at the same instant, is a repeat)
    assert sorted(p.person_id == lan for p in reopened.punches.pending()) == [
        False, True, True]
    reopened.close()
