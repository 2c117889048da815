"""Enrollments made at a kiosk reach the server through the enrollment outbox, exactly once,
and from there every other kiosk: real store, real models, a real server on 127.0.0.1."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import numpy as np
import pytest
from sqlalchemy import func, select

from faceid.imageio import read_image
from kiosk.app.desk import StoreDesk
from kiosk.app.ports import DecisionKind
from kiosk.app.runtime import build_recognizer
from kiosk.errors import ServerUnavailable, SyncError
from kiosk.store import Consent, Person, open_store
from kiosk.sync import SyncClient, sync_once
from sync_server.db.engine import transaction
from sync_server.db.models import ConsentRecord, Template
from sync_server.db.models import Person as ServerPerson
from sync_server.db.models import Punch as ServerPunch
from sync_server.service import people
from tests.kiosk.app.helpers import kiosk_settings, lfw_photo
from tests.kiosk.sync import conftest as sync_fixtures
from tests.sync_server.helpers import approve_enrolments, provision_kiosk

# A real server on 127.0.0.1 over a SQLite file, and a provisioned kiosk credential.
server_settings = sync_fixtures.server_settings
sessions = sync_fixtures.sessions
live_server = sync_fixtures.live_server
credential = sync_fixtures.credential

PERSON = "Tony_Blair"


class LosingTransport(httpx.HTTPTransport):
    """Delivers each request to the real server, then loses the first ``lose`` answers to
    POST /templates (the server stored the upload; the kiosk sees a read timeout)."""

    def __init__(self, lose: int) -> None:
        super().__init__()
        self.lose = lose
        self.delivered = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "POST" and request.url.path.endswith("/templates"):
            self.delivered += 1
            if self.lose:
                self.lose -= 1
                response.read()
                response.close()
                raise httpx.ReadTimeout("the answer was lost", request=request)
        return response


def _server_counts(sessions, person_id: uuid.UUID) -> tuple[int, int, str | None]:
    with transaction(sessions) as session:
        templates = session.scalar(select(func.count()).select_from(Template).where(
            Template.person_id == person_id))
        consents = session.scalar(select(func.count()).select_from(ConsentRecord).where(
            ConsentRecord.person_id == person_id))
        person = session.get(ServerPerson, person_id)
        return int(templates or 0), int(consents or 0), person.display_name if person else None


def _recognize(settings, desk: StoreDesk, image) -> uuid.UUID | None:
    """Show ``image`` to the kiosk's real recognizer frame after frame until it decides."""
    recognizer = build_recognizer(settings, desk)
    start = datetime.now(UTC)
    for frame in range(30):
        decision = recognizer.analyse(image, start + timedelta(milliseconds=70 * frame)).decision
        if decision is not None:
            return decision.person_id if decision.kind is DecisionKind.MATCH else None
    return None


@pytest.mark.shared
def test_kiosk_enrollment_reaches_a_second_kiosk_once_despite_a_lost_answer(
        installed_pack, faces_dev, tmp_path: Path, live_server, sessions, credential) -> None:
    pack, models_dir = installed_pack
    first = kiosk_settings(tmp_path / "one", pack=pack, models_dir=models_dir, camera="0")
    (tmp_path / "one").mkdir()
    desk = StoreDesk.open(first)
    try:
        images = [read_image(lfw_photo(faces_dev, PERSON, n)) for n in range(1, 6)]
        finished = desk.enroll(None, "Tony Blair", images, "notice-v2", "guard-1",
                               department="Cabinet")
        assert finished.ok and finished.person_id is not None, finished
        person_id = finished.person_id
        [recognizer_id] = desk.store.biometrics.recognizers_enrolled(person_id)
        own_ids, _ = desk.store.biometrics.templates_for(recognizer_id)
        assert desk.store.enrollments.backlog() == {"waiting": 1, "refused": 0}
        punch = desk.store.punches.record(person_id)  # the new person checks in at once

        # The server stores the upload but the answer is lost: the row stays queued, no
        # punch is pushed before the person exists there.
        losing = LosingTransport(lose=1)
        with SyncClient(credential, transport=losing) as client, \
                pytest.raises(ServerUnavailable):
            sync_once(desk.store, client, recognizer_id=recognizer_id)
        assert losing.delivered == 1
        templates, consents, name = _server_counts(sessions, person_id)
        assert (templates, consents, name) == (finished.templates_saved, 1, "Tony Blair")
        assert desk.store.enrollments.backlog()["waiting"] == 1
        assert desk.backlog() == 1

        # The retry is recognised as a replay: nothing new on the server, the row leaves.
        with SyncClient(credential, transport=LosingTransport(lose=0)) as client:
            report = sync_once(desk.store, client, recognizer_id=recognizer_id)
        assert report.enrollments_uploaded == 1
        assert _server_counts(sessions, person_id)[:2] == (finished.templates_saved, 1)
        assert desk.store.enrollments.backlog() == {"waiting": 0, "refused": 0}
        assert desk.backlog() == 0
        # Until HR approves the enrolment, its punch waits (stored, acknowledged, held).
        with transaction(sessions) as session:
            stored = session.get(ServerPunch, punch.id)
            assert stored is not None and stored.person_id == person_id
            assert (stored.review, stored.hold_reasons) == ("held", "enrolment_pending")
        assert approve_enrolments(sessions) == 1
        with SyncClient(credential, transport=LosingTransport(lose=0)) as client:
            report = sync_once(desk.store, client, recognizer_id=recognizer_id)
        # the approved templates came back through the feed: they replaced the kiosk's
        # own rows (same ids) instead of adding copies
        assert report.pulled >= finished.templates_saved + 1  # + the person
        assert len(desk.store.biometrics.templates_for(recognizer_id)[0]) == len(own_ids)
    finally:
        desk.close()
    with transaction(sessions) as session:
        stored = session.get(ServerPunch, punch.id)
        assert stored is not None and stored.review == "approved"

    # A second kiosk pulls the person and their templates and recognizes another photo.
    second = kiosk_settings(tmp_path / "two", pack=pack, models_dir=models_dir, camera="0")
    (tmp_path / "two").mkdir()
    other = provision_kiosk(sessions, live_server.url, "entrance-2")
    store = open_store(second.store.path)
    with SyncClient(other, verify_tls=False) as client:
        sync_once(store, client, recognizer_id=recognizer_id)
    person = store.biometrics.person(person_id)
    assert person is not None and person.department == "Cabinet"
    assert [c.notice_version for c in store.biometrics.consents_for(person_id)] == ["notice-v2"]
    store.close()
    desk = StoreDesk.open(second)
    try:
        walk_up = read_image(lfw_photo(faces_dev, PERSON, 9))
        assert _recognize(second, desk, walk_up) == person_id
    finally:
        desk.close()


RECOGNIZER = "test-recognizer-128"


def _enroll_vectors(store, person: Person, seed: int) -> None:
    vectors = np.random.default_rng(seed).normal(size=(3, 128)).astype(np.float32)
    consent = Consent(person.id, datetime.now(UTC), "notice-v2", "guard-1")
    store.biometrics.upsert_person(person)
    store.biometrics.save_enrollment(person.id, RECOGNIZER, vectors, consent=consent,
                                     queue_upload=True,
                          new_person=person)


def test_erasure_or_withdrawal_before_upload_sends_nothing(tmp_path: Path, sessions,
                                                           credential) -> None:
    store = open_store(tmp_path / "kiosk.sqlite3")
    try:
        erased = Person(uuid.uuid4(), "Erased Before Upload")
        withdrawn = Person(uuid.uuid4(), "Withdrew Before Upload")
        kept = Person(uuid.uuid4(), "Uploaded", department="Finance")
        for seed, person in enumerate((erased, withdrawn, kept)):
            _enroll_vectors(store, person, seed)
        assert store.enrollments.backlog()["waiting"] == 3
        store.biometrics.delete_person(erased.id)  # the queue row goes with the person
        assert store.enrollments.backlog()["waiting"] == 2
        store.biometrics.withdraw_consent(withdrawn.id)
        with SyncClient(credential, verify_tls=False) as client:
            sync_once(store, client)
        assert store.enrollments.backlog() == {"waiting": 0, "refused": 0}
    finally:
        store.close()
    assert _server_counts(sessions, erased.id) == (0, 0, None)
    assert _server_counts(sessions, withdrawn.id) == (0, 0, None)
    assert _server_counts(sessions, kept.id) == (3, 1, "Uploaded")


def test_a_refused_upload_is_kept_with_the_reason_and_does_not_block_punches(
        tmp_path: Path, sessions, credential) -> None:
    store = open_store(tmp_path / "kiosk.sqlite3")
    try:
        # Known to the kiosk (as if from the feed) but not on the server, and not created
        # here: the server answers 404 and the upload is refused for good.
        ghost = Person(uuid.uuid4(), "Not On The Server")
        store.biometrics.upsert_person(ghost)
        consent = Consent(ghost.id, datetime.now(UTC), "notice-v2", "guard-1")
        store.biometrics.save_enrollment(ghost.id, RECOGNIZER, np.ones((2, 128), np.float32),
                              consent=consent, queue_upload=True)
        store.punches.record(ghost.id)
        with SyncClient(credential, verify_tls=False) as client:
            report = sync_once(store, client)
            assert report.pushed == 1 and store.punches.backlog() == 0
            sync_once(store, client)  # not retried
        assert store.enrollments.backlog() == {"waiting": 0, "refused": 1}
        refused = [e for e in store.audit_log.entries() if e["action"] == "enrollment_refused"]
        assert len(refused) == 1 and "404" in refused[0]["details"]
    finally:
        store.close()


def test_template_ids_are_never_reused_for_another_enrollment(sessions, credential) -> None:
    first, other = uuid.uuid4(), uuid.uuid4()
    ids = [uuid.uuid4(), uuid.uuid4()]
    vectors = np.random.default_rng(3).normal(size=(2, 128)).astype(np.float32)
    with SyncClient(credential, verify_tls=False) as client:
        for person_id, name in ((first, "First"), (other, "Other")):
            consent = Consent(person_id, datetime.now(UTC), "notice-v2", "guard-1")
            if person_id == first:
                assert client.upload_enrollment(person_id, RECOGNIZER, consent, vectors,
                                                new_person_name=name, template_ids=ids) == ids
            else:
                with pytest.raises(SyncError, match="409"):
                    client.upload_enrollment(person_id, RECOGNIZER, consent, vectors,
                                             new_person_name=name, template_ids=ids)
    assert _server_counts(sessions, first)[0] == 2
    assert _server_counts(sessions, other)[0] == 0


def test_a_person_erased_on_the_server_is_not_recreated_by_a_late_retry(
        tmp_path: Path, sessions, credential) -> None:
    store = open_store(tmp_path / "kiosk.sqlite3")
    try:
        person = Person(uuid.uuid4(), "Erased Meanwhile")
        _enroll_vectors(store, person, 7)
        store.punches.record(person.id)
        with SyncClient(credential, transport=LosingTransport(lose=1)) as client, \
                pytest.raises(ServerUnavailable):
            sync_once(store, client)  # stored on the server, the answer lost
        with transaction(sessions) as session:
            people.erase_person(session, person.id, requested_by="hr")
        with SyncClient(credential, verify_tls=False) as client:
            report = sync_once(store, client)  # the retry is refused; the tombstone arrives
        assert report.enrollments_uploaded == 0 and report.pushed == 1
        assert _server_counts(sessions, person.id) == (0, 0, None)
        assert store.biometrics.person(person.id) is None
        assert store.enrollments.backlog() == {"waiting": 0, "refused": 0}
    finally:
        store.close()
