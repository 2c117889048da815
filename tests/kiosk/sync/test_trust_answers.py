"""The kiosk side of the server's trust boundary, against the real server on 127.0.0.1:
held punches are acknowledged (never resent) and logged; erasures are confirmed by id after
the page that carried them is applied, and a lost confirmation is sent again."""

from __future__ import annotations

import base64
import logging
import uuid
from datetime import UTC, datetime

import httpx
import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.errors import ServerUnavailable
from kiosk.store import Consent, KioskStore
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.db.engine import transaction
from sync_server.db.models import ErasureAck
from sync_server.db.models import Punch as ServerPunch
from sync_server.service import erasure, people
from tests.sync_server.helpers import RECOGNIZER, add_person


class NoConfirmations(httpx.HTTPTransport):
    """The network fails on every erasure confirmation (the request never arrives)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/erasures/confirm"):
            raise httpx.ConnectError("unreachable", request=request)
        return super().handle_request(request)


def test_a_held_punch_is_acknowledged_once_and_logged(
        store: KioskStore, credential: KioskCredential, sessions: sessionmaker[Session],
        caplog: pytest.LogCaptureFixture) -> None:
    stranger = store.punches.record(uuid.uuid4())  # nobody the server knows
    with caplog.at_level(logging.WARNING, logger="kiosk.sync.client"), \
            SyncClient(credential, verify_tls=False) as client:
        assert sync_once(store, client).pushed == 1
        assert sync_once(store, client).pushed == 0  # acknowledged: never sent again
    assert store.punches.backlog() == 0
    assert f"punch {stranger.id} is held for review by the server: unknown_person" \
        in caplog.text
    with sessions() as session:
        row = session.get(ServerPunch, stranger.id)
        assert row is not None and row.review == "held"


def test_an_erasure_is_confirmed_by_id_and_a_lost_confirmation_is_sent_again(
        store: KioskStore, credential: KioskCredential,
        sessions: sessionmaker[Session]) -> None:
    person = add_person(sessions, "Vo Thi M")
    vectors = np.random.default_rng(5).standard_normal((2, 128)).astype("<f4")
    with transaction(sessions) as session:
        people.enroll(session, person, RECOGNIZER,
                      people.ConsentIn(uuid.uuid4(), datetime.now(UTC), "notice-v2", "HR"),
                      [base64.b64encode(v.tobytes()).decode() for v in vectors], [],
                      source_kiosk_id=None, actor="test")
    with SyncClient(credential, verify_tls=False) as client:
        sync_once(store, client, recognizer_id=RECOGNIZER)
    assert store.biometrics.recognizers_enrolled(person) == [RECOGNIZER]
    with transaction(sessions) as session:
        record = people.withdraw_consent(session, person, requested_by="hr")

    with SyncClient(credential, transport=NoConfirmations()) as client, \
            pytest.raises(ServerUnavailable):
        sync_once(store, client, recognizer_id=RECOGNIZER)
    assert store.biometrics.recognizers_enrolled(person) == []  # applied here ...
    assert store.feed.erasures_to_confirm() == [record.id]  # ... and remembered for the server
    with sessions() as session:
        assert erasure.status(session, record.id).pending == [credential.name]

    with SyncClient(credential, verify_tls=False) as client:
        sync_once(store, client, recognizer_id=RECOGNIZER)
    assert store.feed.erasures_to_confirm() == []
    with sessions() as session:
        assert erasure.status(session, record.id).confirmed == [credential.name]
        acks = list(session.scalars(select(ErasureAck.kiosk_id)))
    assert acks == [credential.kiosk_id]


def test_a_kiosk_ahead_of_a_restored_server_reads_the_feed_again(
        store: KioskStore, credential: KioskCredential,
        sessions: sessionmaker[Session]) -> None:
    person = add_person(sessions, "Dinh Van R")
    with SyncClient(credential, verify_tls=False) as client:
        sync_once(store, client)
    # The server came back from an older backup: the kiosk's cursor lies beyond its feed.
    store.feed.apply_page([], "1000000")
    punch = store.punches.record(person)
    with SyncClient(credential, verify_tls=False) as client:
        report = sync_once(store, client)  # refused cursor -> the feed read from the start
    assert report.pushed == 1 and report.pulled >= 1
    assert int(store.feed.cursor() or 0) < 1000000 and store.biometrics.person(person) is not None
    with sessions() as session:
        assert session.get(ServerPunch, punch.id) is not None


def test_an_enrolment_over_the_daily_limit_waits_and_punches_still_go(
        store: KioskStore, credential: KioskCredential,
        sessions: sessionmaker[Session]) -> None:
    person = add_person(sessions, "Ha Thi S")
    with SyncClient(credential, verify_tls=False) as client:
        sync_once(store, client)  # the person arrives
    rng = np.random.default_rng(9)
    for _ in range(4):  # one more than the server takes from one kiosk in a day
        consent = Consent(person, datetime.now(UTC), "notice-v2", "guard")
        store.biometrics.save_enrollment(
            person, RECOGNIZER, rng.standard_normal((2, 128)).astype("<f4"), consent=consent,
            queue_upload=True)
    punch = store.punches.record(person)
    with SyncClient(credential, verify_tls=False) as client:
        report = sync_once(store, client)
    assert report.enrollments_uploaded == 3 and report.pushed == 1
    assert store.enrollments.backlog() == {"waiting": 1, "refused": 0}
    with sessions() as session:
        assert session.get(ServerPunch, punch.id) is not None
