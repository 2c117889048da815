"""Rolling templates through a real server on 127.0.0.1, on real photos and models: a rolling
template kept at one kiosk is uploaded marked rolling, published at once and reaches a
second kiosk as rolling; one that looks like another person is refused by the server's
duplicate guard and dropped at the kiosk; erasure on the server removes them everywhere."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faceid.enrollment import enroll_images
from faceid.imageio import read_image
from faceid.packs import load_pack
from faceid.types import FloatArray
from kiosk.store import Consent, KioskStore, Person, open_store
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.db.engine import transaction
from sync_server.db.models import Template
from sync_server.service import people
from tests.sync_server.helpers import approve_enrolments, provision_kiosk
from tests.sync_server.live import LiveServer

pytestmark = [pytest.mark.shared]
PACK = "yunet-intel0095"


def _embeddings(pack: object, faces_dev: Path, person: str, numbers: range) -> FloatArray:
    folder = faces_dev / "lfw_color_10x10" / person
    images = [read_image(folder / f"{person}_{n:04d}.jpg") for n in numbers]
    result = enroll_images(pack, images)  # type: ignore[arg-type]  # a loaded ModelPack
    assert len(result.accepted) >= min(3, len(images))  # a second face in it: refused
    return result.embeddings


def _enrol(store: KioskStore, recognizer: str, name: str, vectors: FloatArray) -> uuid.UUID:
    person = Person(uuid.uuid4(), name)
    store.biometrics.upsert_person(person)
    consent = Consent(person.id, datetime.now(UTC), "notice-v3", "guard at gate")
    store.biometrics.save_enrollment(person.id, recognizer, vectors, consent=consent,
                                     queue_upload=True, new_person=person)
    return person.id


def _server_rolling(sessions: sessionmaker[Session]) -> list[tuple[uuid.UUID, uuid.UUID]]:
    with sessions() as session:
        return [(t.id, t.person_id) for t in session.scalars(
            select(Template).where(Template.rolling.is_(True)))]


def test_a_rolling_template_reaches_the_other_kiosk_and_a_lookalike_is_refused(
        installed_models: Path, faces_dev: Path, live_server: LiveServer,
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    pack = load_pack(PACK, installed_models, threads=1)
    recognizer = pack.recognizer_id
    first = provision_kiosk(sessions, live_server.url, "entrance-1", recognizer)
    second: KioskCredential = provision_kiosk(sessions, live_server.url, "entrance-2",
                                              recognizer)
    store_a = open_store(tmp_path / "a" / "kiosk.sqlite3")
    store_b = open_store(tmp_path / "b" / "kiosk.sqlite3")
    try:
        colin_faces = _embeddings(pack, faces_dev, "Colin_Powell", range(1, 6))
        putin_faces = _embeddings(pack, faces_dev, "Vladimir_Putin", range(1, 6))
        enrolled = len(colin_faces) + len(putin_faces)
        colin = _enrol(store_a, recognizer, "Colin Powell", colin_faces)
        putin = _enrol(store_a, recognizer, "Vladimir Putin", putin_faces)
        fresh = _embeddings(pack, faces_dev, "Colin_Powell", range(6, 8))
        with SyncClient(first, verify_tls=False) as client_a, \
                SyncClient(second, verify_tls=False) as client_b:
            sync_once(store_a, client_a, recognizer_id=recognizer)
            assert approve_enrolments(sessions) == 2
            sync_once(store_b, client_b, recognizer_id=recognizer)
            assert len(store_b.biometrics.templates_for(recognizer)[0]) == enrolled

            kept = store_a.rolling.add(colin, recognizer, fresh[0], "entrance-1")
            assert kept is not None
            sync_once(store_a, client_a, recognizer_id=recognizer)
            assert _server_rolling(sessions) == [(kept.template_id, colin)]
            sync_once(store_b, client_b, recognizer_id=recognizer)
            assert store_b.rolling.ids_for(colin, recognizer) == [kept.template_id]
            owners, matrix = store_b.biometrics.templates_for(recognizer)
            assert len(owners) == enrolled + 1
            assert np.isclose(matrix @ fresh[0], 1.0, atol=1e-5).any()
            sync_once(store_a, client_a, recognizer_id=recognizer)  # its own row, replaced
            assert store_a.rolling.ids_for(colin, recognizer) == [kept.template_id]

            # Colin's face as Putin's rolling template: the server's guard refuses it
            wrong = store_a.rolling.add(putin, recognizer, fresh[1], "entrance-1")
            assert wrong is not None
            sync_once(store_a, client_a, recognizer_id=recognizer)
            assert store_a.rolling.ids_for(putin, recognizer) == []  # dropped at the kiosk
            assert _server_rolling(sessions) == [(kept.template_id, colin)]
            refused = [e for e in store_a.audit_log.entries(20)
                       if e["action"] == "enrollment_refused"]
            assert len(refused) == 1 and "Colin Powell" in refused[0]["details"]

            with transaction(sessions) as session:  # erasure takes the rolling ones too
                people.erase_person(session, colin, requested_by="hr")
            assert _server_rolling(sessions) == []
            sync_once(store_b, client_b, recognizer_id=recognizer)
            assert store_b.rolling.ids_for(colin, recognizer) == []
    finally:
        store_a.close()
        store_b.close()
