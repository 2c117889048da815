"""An admin confirms "different people" at the kiosk after a look-alike refusal, on real
photos with the real models, store and a real server on 127.0.0.1: the enrolment goes
ahead, both people need face + code at once, the confirmation is audited and uploaded, and
the server records the pair (as the web does) when the enrolment is approved."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faceid.imageio import read_image
from faceid.packs import load_pack
from kiosk.app.desk import StoreDesk
from kiosk.app.runtime import enroll_from_folder
from kiosk.store import open_store
from kiosk.sync import SyncClient, sync_once
from sync_server.db.models import Change, LookalikePair
from tests.kiosk.app.helpers import kiosk_settings, lfw_photo, photo_folder
from tests.sync_server.helpers import approve_enrolments, provision_kiosk
from tests.sync_server.live import LiveServer

pytestmark = [pytest.mark.shared]
PACK = "yunet-intel0095"


def test_an_admin_confirms_different_people_at_the_kiosk_and_the_server_records_the_pair(
        installed_models: Path, faces_dev: Path, live_server: LiveServer,
        sessions: sessionmaker[Session], tmp_path: Path) -> None:
    settings = kiosk_settings(tmp_path, pack=PACK, models_dir=installed_models,
                              camera=str(tmp_path))
    colin = enroll_from_folder(settings, person_id=None, name="Colin Powell", department="T",
                               folder=photo_folder(tmp_path / "colin", [
                                   lfw_photo(faces_dev, "Colin_Powell", n) for n in range(1, 6)]),
                               consent_version="test-notice-1", collected_by="pytest")
    assert colin.ok and colin.person_id is not None
    twin_images = [read_image(lfw_photo(faces_dev, "Colin_Powell", n)) for n in range(6, 11)]
    desk = StoreDesk.open(settings)
    try:
        refused = desk.enroll(None, "Colin Twin", twin_images, "test-notice-1", "admin Lan")
        assert not refused.ok and refused.lookalike_id == colin.person_id
        assert refused.lookalike_name == "Colin Powell"
        done = desk.enroll(None, "Colin Twin", twin_images, "test-notice-1", "admin Lan",
                           confirmed_different=(colin.person_id,))
        assert done.ok and done.person_id is not None
    finally:
        desk.close()
    store = open_store(settings.store.path)
    try:
        assert store.biometrics.code_people() == {colin.person_id, done.person_id}
        confirmed = [e for e in store.audit_log.entries(20)
                     if e["action"] == "lookalike_confirmed"]
        assert len(confirmed) == 1 and str(colin.person_id) in confirmed[0]["details"]
        queued = {p.person_id: p for p in store.enrollments.pending(10)}
        assert queued[done.person_id].confirmed_different == (colin.person_id,)
        assert queued[colin.person_id].confirmed_different == ()
        recognizer = load_pack(PACK, installed_models, threads=1).recognizer_id
        credential = provision_kiosk(sessions, live_server.url, "entrance-1", recognizer)
        with SyncClient(credential, verify_tls=False) as client:
            sync_once(store, client, recognizer_id=recognizer)
    finally:
        store.close()
    with sessions() as session:
        assert session.scalars(select(LookalikePair)).all() == []  # not before approval
    assert approve_enrolments(sessions) == 2  # HR may: the kiosk's admin confirmed it
    with sessions() as session:
        pair = session.scalars(select(LookalikePair)).one()
        assert {pair.person_a, pair.person_b} == {colin.person_id, done.person_id}
        assert "admin at the kiosk" in pair.confirmed_by
        marked = session.scalars(select(Change).where(Change.entity == "person")).all()
        assert {c.entity_id for c in marked if c.data.get("needs_code")} == {
            colin.person_id, done.person_id}
