"""Face + code punches reach the server as source ``face_code`` and count exactly like face
punches in the lateness report (real server on 127.0.0.1, real kiosk store, real sync)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.app.desk import StoreDesk
from kiosk.store import KioskStore, PunchSource
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Punch as ServerPunch
from sync_server.service import people, punch_review, reports, schedules
from tests.kiosk.app.helpers import kiosk_settings
from tests.sync_server.web.scenario import ZONE


def _at(day: date, hh: int, mm: int) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=ZONE)


def test_face_code_punches_count_like_face_punches(
        store: KioskStore, credential: KioskCredential, sessions: sessionmaker[Session],
        tmp_path: Path) -> None:
    with transaction(sessions) as session:
        by_face = people.create_person(session, "Pham Van Chi", "P003", "Finance", actor="test").id
        by_code = people.create_person(session, "Le Thi Dung", "P004", "Finance", actor="test").id
        shift = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Office", "08:00", "17:00", working_days=tuple(range(7))), actor="test")
        schedules.save_assignment(session, shift.id, date(2025, 1, 1), None,
                                  department="Finance", actor="test")
    with SyncClient(credential, timeout_s=10, verify_tls=False) as client:
        sync_once(store, client)  # people and the shift arrive through the feed
    settings = kiosk_settings(tmp_path, pack="yunet-intel0095", models_dir=tmp_path / "m",
                              camera=str(tmp_path / "camera"))
    desk = StoreDesk(store, settings)
    day = utc_now().astimezone(ZONE).date() - timedelta(days=1)
    for hh, mm in ((8, 20), (17, 5)):
        desk.punch(by_face, _at(day, hh, mm))
        desk.punch(by_code, _at(day, hh, mm), PunchSource.FACE_CODE)  # kiosk.app.face_code
    with SyncClient(credential, timeout_s=10, verify_tls=False) as client:
        sync_once(store, client)
    assert store.punches.backlog() == 0
    with transaction(sessions) as session:
        stored = list(session.scalars(select(ServerPunch)))
        sources = {(p.person_id, p.source) for p in stored}
        # Yesterday's punches from a kiosk provisioned today wait for HR (all alike).
        assert {p.review for p in stored} == {"held"}
        punch_review.decide(session, [p.id for p in stored], punch_review.Decision.APPROVE,
                            "hr")
    with transaction(sessions) as session:
        everyone = reports.load_people(session)
        report = reports.lateness_report(session, everyone, day, day, utc_now())
    assert sources == {(by_face, "face"), (by_code, "face_code")}
    face = report.by_person[by_face]
    assert face.late_entries == 1 and face.days_worked == 1
    assert report.by_person[by_code] == face
