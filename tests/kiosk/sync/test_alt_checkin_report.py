"""PIN and QR badge punches count exactly like face punches in the server's reports.

HR issues a PIN and a badge on a real server; the kiosk store learns the hashes through the
real feed; three colleagues punch at the same instants (PIN, badge, face, all through
StoreDesk.punch); the outbox syncs; the lateness report gives all three the same totals.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from attendance import pins
from kiosk.app.alt_checkin import AltCheckinDesk
from kiosk.app.desk import StoreDesk
from kiosk.app.state import Greeting
from kiosk.store import KioskStore, PunchSource
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Punch as ServerPunch
from sync_server.service import alt_checkin, people, punch_review, reports, schedules
from tests.kiosk.app.helpers import kiosk_settings
from tests.sync_server.web.scenario import ZONE


def _at(day: date, hh: int, mm: int) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=ZONE)


def test_pin_and_badge_punches_count_like_face_punches_in_the_lateness_report(
        store: KioskStore, credential: KioskCredential, sessions: sessionmaker[Session],
        tmp_path: Path) -> None:
    with transaction(sessions) as session:
        by_pin = people.create_person(session, "Nguyen Van An", "P001", "Finance", actor="test").id
        by_badge = people.create_person(session, "Tran Thi Ba", "P002", "Finance", actor="test").id
        by_face = people.create_person(session, "Pham Van Chi", "P003", "Finance", actor="test").id
        shift = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Office", "08:00", "17:00", working_days=tuple(range(7))), actor="test")
        schedules.save_assignment(session, shift.id, date(2025, 1, 1), None,
                                  department="Finance", actor="test")
        alt_checkin.issue_pin(session, by_pin, "hr", "2580")
        token = alt_checkin.issue_badge(session, by_badge, "hr")
    with SyncClient(credential, timeout_s=10, verify_tls=False) as client:
        sync_once(store, client)  # people, hashes and the shift arrive through the feed
    assert store.alt_checkin.credentials_of(by_badge)[1] == pins.badge_token_hash(token)

    settings = kiosk_settings(tmp_path, pack="yunet-intel0095", models_dir=tmp_path / "m",
                              camera=str(tmp_path / "camera"))
    desk = StoreDesk(store, settings)
    alt = AltCheckinDesk(desk, "entrance-1")
    day = utc_now().astimezone(ZONE).date() - timedelta(days=1)
    for hh, mm in ((8, 20), (17, 5)):
        at = _at(day, hh, mm)
        assert isinstance(alt.punch_with_pin("P001", "2580", at), Greeting)
        assert isinstance(alt.punch_with_badge(token, at), Greeting)
        desk.punch(by_face, at)  # what the engine calls after a face match
    with SyncClient(credential, timeout_s=10, verify_tls=False) as client:
        sync_once(store, client)
    assert store.punches.backlog() == 0

    with transaction(sessions) as session:
        stored = list(session.scalars(select(ServerPunch)))
        sources = {(p.person_id, p.source) for p in stored}
        assert sources == {(by_pin, PunchSource.PIN.value), (by_badge, PunchSource.QR.value),
                           (by_face, PunchSource.FACE.value)}
        # Yesterday's punches from a kiosk provisioned today wait for HR (all alike).
        assert {p.review for p in stored} == {"held"}
        assert all("before_window" in (p.hold_reasons or "") for p in stored)
        punch_review.decide(session, [p.id for p in stored], punch_review.Decision.APPROVE,
                            "hr")
    with transaction(sessions) as session:
        everyone = reports.load_people(session)
        report = reports.lateness_report(session, everyone, day, day, utc_now())
    face = report.by_person[by_face]
    # The server corrects each punch by the clock offset (server - kiosk) the kiosk had
    # measured when it captured the punch (none here: the punches came before the first sync).
    first = store.punches.between(by_face, _at(day, 0, 0), _at(day, 12, 0))[0]
    late_s = 20 * 60 + (first.clock_offset_s or 0.0)
    assert face.late_entries == 1 and face.late_minutes_total == int(late_s // 60)
    assert face.days_worked == 1 and face.absences == 0
    assert face.worked_minutes_total > 0
    assert report.by_person[by_pin] == face
    assert report.by_person[by_badge] == face
