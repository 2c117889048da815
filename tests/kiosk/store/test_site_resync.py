"""A kiosk moved to another site reads the feed again from 0 and keeps only whom that
reading carried (real SQLite store; the sync round trip is in
tests/sync_server/test_sites_feed.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from kiosk.store import Consent, FeedChange, FeedEntity, FeedOp, Person, open_store

RECOGNIZER = "sface-2021dec"


def _person_entry(seq: int, person_id: uuid.UUID, name: str) -> FeedChange:
    return FeedChange(seq, FeedEntity.PERSON, FeedOp.UPSERT, person_id,
                      {"display_name": name, "employee_code": None, "department": None,
                       "active": True})


def test_the_rereading_keeps_its_people_and_unsent_enrolments_only(tmp_path: Path) -> None:
    store = open_store(tmp_path / "kiosk.sqlite3")
    try:
        old_site, stays, enrolled_here = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        store.feed.apply_page([_person_entry(1, old_site, "Old site"),
                               _person_entry(2, stays, "Both sites")], "2")
        new_person = Person(enrolled_here, "Enrolled at this kiosk")
        store.biometrics.upsert_person(new_person)
        vectors = np.random.default_rng(3).standard_normal((1, 128)).astype(np.float32)
        store.biometrics.save_enrollment(
            enrolled_here, RECOGNIZER, vectors,
            consent=Consent(enrolled_here, datetime.now(UTC), "notice-v1", "Admin"),
            queue_upload=True, new_person=new_person)  # not uploaded yet

        assert store.feed.finish_resync() == 0  # no move: nothing is ever swept
        store.feed.begin_resync()
        assert store.feed.cursor() == "0"
        store.feed.apply_page([_person_entry(7, stays, "Both sites")], "7")
        assert store.feed.finish_resync() == 1
        assert {p.id for p in store.biometrics.people()} == {stays, enrolled_here}
        owners, _matrix = store.biometrics.templates_for(RECOGNIZER)
        assert owners == [enrolled_here]
        assert store.feed.finish_resync() == 0  # done: the next reading sweeps nothing
        assert {p.id for p in store.biometrics.people()} == {stays, enrolled_here}
    finally:
        store.close()
