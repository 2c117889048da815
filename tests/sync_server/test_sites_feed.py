"""Sites: each kiosk holds only its site's people. A real server on 127.0.0.1 (SQLite and
PostgreSQL), real kiosk stores and sync clients."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.store import KioskStore, open_store
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.db.engine import transaction
from sync_server.db.models import Kiosk
from sync_server.service import (
    alt_checkin,
    datakeys,
    people,
    reminders,
    schedules,
    site_moves,
    sites,
    template_holders,
)
from sync_server.service.reminders import TaskIn
from tests.sync_server.helpers import RECOGNIZER, provision_kiosk
from tests.sync_server.live import LiveServer

Sessions = sessionmaker[Session]


@pytest.fixture(autouse=True)
def _key_file_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


def _enrol(sessions: Sessions, person_id: uuid.UUID, seed: int) -> None:
    """Two templates, a PIN and an open reminder for the person (server side)."""
    vectors = np.random.default_rng(seed).standard_normal((2, 128)).astype("<f4")
    consent = people.ConsentIn(uuid.uuid4(), datetime.now(UTC) - timedelta(minutes=1),
                               "notice-v1", "HR Pham")
    with transaction(sessions) as session:
        people.enroll(session, person_id, RECOGNIZER, consent,
                      [base64.b64encode(v.tobytes()).decode() for v in vectors], [],
                      source_kiosk_id=None, actor="test")
        alt_checkin.issue_pin(session, person_id, "test", pin=f"{seed}4{seed}7")
        reminders.create_task(session, TaskIn(f"Report {seed}", person_id=person_id), "leader")


def _person(sessions: Sessions, name: str, code: str, department: str = "Finance") -> uuid.UUID:
    with transaction(sessions) as session:
        return people.create_person(session, name, code, department, actor="test").id


def _site(sessions: Sessions, name: str) -> uuid.UUID:
    with transaction(sessions) as session:
        return sites.create_site(session, name, actor="test").id


def _move_kiosk(sessions: Sessions, credential: KioskCredential, site: uuid.UUID) -> None:
    with transaction(sessions) as session:
        site_moves.assign_kiosk(session, credential.kiosk_id, site, actor="test")


def _sync(credential: KioskCredential, store: KioskStore) -> None:
    with SyncClient(credential, timeout_s=10, verify_tls=False) as client:
        sync_once(store, client)


def _held(store: KioskStore) -> dict[str, set[uuid.UUID]]:
    """Who the kiosk holds: people, template owners, PIN holders and reminder owners."""
    owners, _matrix = store.biometrics.templates_for(RECOGNIZER)
    everyone = [p.id for p in store.biometrics.people(active_only=False)]
    return {"people": set(everyone), "templates": set(owners),
            "pins": {p for p in everyone if store.alt_checkin.credentials_of(p)[0]},
            "reminders": {p for p in everyone if store.reminders.for_person(p)}}


def _only(ids: set[uuid.UUID]) -> dict[str, set[uuid.UUID]]:
    return {"people": ids, "templates": ids, "pins": ids, "reminders": ids}


@pytest.fixture
def two_sites(live_server: LiveServer, sessions: Sessions,
              tmp_path: Path) -> tuple[dict[str, uuid.UUID], list[KioskCredential],
                                       list[KioskStore]]:
    """Head office (default: Finance) and Building B (department Warehouse, and one person
    of Finance placed there on their own); kiosk A at head office, kiosk B in building B."""
    building_b = _site(sessions, "Tòa nhà B")
    ids = {"an": _person(sessions, "Nguyen Van An", "NV001"),
           "binh": _person(sessions, "Tran Thi Binh", "NV002", department="Warehouse"),
           "cuong": _person(sessions, "Le Van Cuong", "NV003"),
           "site_b": building_b}
    with transaction(sessions) as session:
        site_moves.assign_department(session, "Warehouse", building_b, actor="test")
        site_moves.assign_person(session, ids["cuong"], building_b, actor="test")
    for seed, name in enumerate(("an", "binh", "cuong"), start=11):
        _enrol(sessions, ids[name], seed)
    kiosk_a = provision_kiosk(sessions, live_server.url, "lobby-a")
    kiosk_b = provision_kiosk(sessions, live_server.url, "lobby-b")
    _move_kiosk(sessions, kiosk_b, building_b)
    stores = [open_store(tmp_path / name / "kiosk.sqlite3") for name in ("a", "b")]
    yield ids, [kiosk_a, kiosk_b], stores
    for store in stores:
        store.close()


def test_a_kiosk_never_receives_another_sites_people(  # type: ignore[no-untyped-def]
        two_sites, sessions: Sessions) -> None:
    ids, (kiosk_a, kiosk_b), (store_a, store_b) = two_sites
    _sync(kiosk_a, store_a)
    _sync(kiosk_b, store_b)
    assert _held(store_a) == _only({ids["an"]})
    assert _held(store_b) == _only({ids["binh"], ids["cuong"]})
    with sessions() as session:  # the people page's "held by" names the site's kiosks only
        assert template_holders.template_holders(session, ids["an"]).held == ["lobby-a"]
        everyone = template_holders.holders_by_person(session)
    assert everyone[ids["binh"]] == template_holders.Holders(held=["lobby-b"])
    # the operating point follows: N per kiosk is the building's, not the ministry's
    assert store_a.biometrics.templates_for(RECOGNIZER)[1].shape[0] == 2
    assert store_b.biometrics.templates_for(RECOGNIZER)[1].shape[0] == 4


def test_a_person_moving_sites_follows(two_sites, sessions: Sessions) -> None:  # type: ignore[no-untyped-def]
    ids, (kiosk_a, kiosk_b), (store_a, store_b) = two_sites
    _sync(kiosk_a, store_a)
    _sync(kiosk_b, store_b)
    with transaction(sessions) as session:  # An moves to building B on their own
        assert site_moves.assign_person(session, ids["an"], ids["site_b"], actor="hr")
    _sync(kiosk_a, store_a)
    _sync(kiosk_b, store_b)
    assert _held(store_a) == _only(set())
    assert _held(store_b) == _only({ids["an"], ids["binh"], ids["cuong"]})
    with transaction(sessions) as session:  # Warehouse (Binh) moves back to head office
        assert site_moves.assign_department(session, "Warehouse", None, actor="hr") == 1
        # and Cuong is given back to his department (Finance: head office)
        assert site_moves.assign_person(session, ids["cuong"], None, actor="hr")
    _sync(kiosk_a, store_a)
    _sync(kiosk_b, store_b)
    assert _held(store_a) == _only({ids["binh"], ids["cuong"]})
    assert _held(store_b) == _only({ids["an"]})
    with transaction(sessions) as session:  # a renamed department keeps its site
        site_moves.assign_department(session, "Warehouse", ids["site_b"], actor="hr")
        schedules.rename_department(session, "Warehouse", "Kho hàng", actor="hr")
        assert sites.person_site(session, ids["binh"]) == ids["site_b"]
    _sync(kiosk_a, store_a)
    _sync(kiosk_b, store_b)
    assert _held(store_a) == _only({ids["cuong"]})
    assert _held(store_b) == _only({ids["an"], ids["binh"]})


def test_a_person_changing_department_follows_its_site(two_sites, sessions: Sessions) -> None:  # type: ignore[no-untyped-def]
    ids, (kiosk_a, kiosk_b), (store_a, store_b) = two_sites
    _sync(kiosk_a, store_a)
    _sync(kiosk_b, store_b)
    with transaction(sessions) as session:
        people.edit_person(session, ids["an"], "Nguyen Van An", "NV001", "Warehouse",
                           actor="hr")
    _sync(kiosk_a, store_a)
    _sync(kiosk_b, store_b)
    assert ids["an"] not in _held(store_a)["people"]
    assert _held(store_b) == _only({ids["an"], ids["binh"], ids["cuong"]})


def test_a_kiosk_moved_to_another_site_ends_with_exactly_that_sites_people(  # type: ignore[no-untyped-def]
        two_sites, sessions: Sessions) -> None:
    ids, (kiosk_a, kiosk_b), (store_a, store_b) = two_sites
    _sync(kiosk_a, store_a)
    assert _held(store_a) == _only({ids["an"]})
    _move_kiosk(sessions, kiosk_a, ids["site_b"])
    _sync(kiosk_a, store_a)
    assert _held(store_a) == _only({ids["binh"], ids["cuong"]})
    with sessions() as session:
        row = session.get(Kiosk, kiosk_a.kiosk_id)
        assert row is not None and not row.feed_resync
    # and back: head office's people only again
    with transaction(sessions) as session:
        site_moves.assign_kiosk(session, kiosk_a.kiosk_id, sites.default_site_id(session),
                                actor="test")
    _sync(kiosk_a, store_a)
    assert _held(store_a) == _only({ids["an"]})


def test_erasing_a_person_is_confirmed_by_every_kiosk_and_created_nowhere(  # type: ignore[no-untyped-def]
        two_sites, sessions: Sessions) -> None:
    from sync_server.service import erasure

    ids, (kiosk_a, kiosk_b), (store_a, store_b) = two_sites
    with transaction(sessions) as session:
        record = people.withdraw_consent(session, ids["binh"], requested_by="hr")
    _sync(kiosk_a, store_a)
    _sync(kiosk_b, store_b)
    assert ids["binh"] not in _held(store_a)["people"]  # building B's person stays there
    assert ids["binh"] in _held(store_b)["people"] and ids["binh"] not in _held(store_b)[
        "templates"]
    with sessions() as session:
        assert sorted(erasure.status(session, record.id).confirmed) == ["lobby-a", "lobby-b"]


def test_a_punch_for_another_sites_person_is_held(two_sites, sessions: Sessions) -> None:  # type: ignore[no-untyped-def]
    """A kiosk never sent a person cannot make their attendance count (docs/security.md)."""
    from sync_server.db.models import Punch

    ids, (kiosk_a, _kiosk_b), (store_a, _store_b) = two_sites
    with transaction(sessions) as session:  # an entry for every kiosk, after building B's
        schedules.save_holiday(session, date(2026, 9, 2), "Quốc khánh", None, actor="hr")
    _sync(kiosk_a, store_a)
    mine = store_a.punches.record(ids["an"])
    forged = store_a.punches.record(ids["binh"])  # of building B: never sent to kiosk A
    _sync(kiosk_a, store_a)
    with sessions() as session:
        stored = {p.id: (p.review, p.hold_reasons) for p in session.scalars(select(Punch))}
    assert stored[mine.id] == ("accepted", None)
    assert stored[forged.id][0] == "held" and "not_at_kiosk" in str(stored[forged.id][1])


def test_pending_days_wait_only_for_the_persons_own_sites_kiosks(  # type: ignore[no-untyped-def]
        two_sites, sessions: Sessions) -> None:
    """Building B's kiosk silent for 10 days: B's people have pending days, head office's
    people (their kiosk synced) are absent on the days they did not come."""
    from sqlalchemy import update

    from sync_server.clock import utc_now
    from sync_server.db.models import Person
    from sync_server.service import reports

    ids, (kiosk_a, kiosk_b), (store_a, store_b) = two_sites
    _sync(kiosk_a, store_a)
    _sync(kiosk_b, store_b)
    now = utc_now()
    with transaction(sessions) as session:
        session.execute(update(Kiosk).where(Kiosk.id == kiosk_b.kiosk_id)
                        .values(last_seen_at=now - timedelta(days=10)))
        office = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Office", "08:00", "17:00", working_days=tuple(range(7))), actor="test")
        for department in ("Finance", "Warehouse"):
            schedules.save_assignment(session, office.id, date(2025, 1, 1), None,
                                      department=department, actor="test")
    today = now.astimezone(ZoneInfo(schedules.SITE_ZONE)).date()
    with sessions() as session:
        everyone = list(session.scalars(select(Person).where(Person.id.in_(
            [ids["an"], ids["binh"]]))))
        days = reports.compute_day_summaries(session, everyone, today - timedelta(days=14),
                                             today - timedelta(days=1), now)
    pending = {pid: sum(d.status.value == "pending" for d in days if d.person_id == pid)
               for pid in (ids["an"], ids["binh"])}
    assert pending[ids["an"]] == 0
    assert 9 <= pending[ids["binh"]] <= 11


def test_a_person_enrolled_at_a_kiosk_belongs_to_its_site(  # type: ignore[no-untyped-def]
        two_sites, sessions: Sessions) -> None:
    from kiosk.store import Consent
    from tests.sync_server.helpers import approve_enrolments

    ids, (kiosk_a, kiosk_b), (store_a, store_b) = two_sites
    newcomer = uuid.uuid4()
    vectors = np.random.default_rng(5).standard_normal((1, 128)).astype("<f4")
    with SyncClient(kiosk_b, timeout_s=10, verify_tls=False) as client:  # Finance: head office
        client.upload_enrollment(newcomer, RECOGNIZER,
                                 Consent(newcomer, datetime.now(UTC), "notice-v1", "Admin"),
                                 vectors, [], new_person_name="Vo Thi Dung",
                                 new_person_department="Finance")
    assert approve_enrolments(sessions) == 1
    with sessions() as session:
        assert sites.person_site(session, newcomer) == ids["site_b"]
    _sync(kiosk_a, store_a)
    _sync(kiosk_b, store_b)
    assert newcomer in _held(store_b)["templates"]
    assert newcomer not in _held(store_a)["people"]
