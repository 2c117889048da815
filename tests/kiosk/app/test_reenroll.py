"""Switching packs re-enrols everyone from the stored chips: no new photos, no mixed vectors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import cv2
import numpy as np
import pytest

from faceid.matcher import Gallery, MatchDecision
from faceid.packs import load_pack
from kiosk.app.desk import StoreDesk
from kiosk.store import Consent, Person
from tests.conftest import need_shared
from tests.kiosk.app.helpers import kiosk_settings, lfw_photo


@pytest.fixture(scope="module")
def models_dir(installed_pack) -> Path:  # type: ignore[no-untyped-def]
    """The installed pack's folder plus MobileFaceNet and Intel 0095 (cache, ../shared)."""
    from faceid.registry import load_registry
    from kiosk.modelhub.installer import Installer

    _, folder = installed_pack
    reports = Installer(load_registry(), folder, from_dir=need_shared("models"),
                        timeout_s=60.0).install(["yunet-mobilefacenet", "yunet-intel0095"])
    failed = [r.error for r in reports if not r.ok and not r.model_id.startswith("minifasnet")]
    assert not failed, failed
    return folder

PEOPLE = ("Colin_Powell", "George_W_Bush", "Hugo_Chavez")


def test_switching_packs_rebuilds_templates_from_chips(models_dir: Path, faces_dev: Path,
                                                       tmp_path: Path) -> None:
    settings = kiosk_settings(tmp_path, pack="yunet-mobilefacenet", models_dir=models_dir,
                              camera=str(tmp_path))
    desk = StoreDesk.open(settings)
    first = load_pack("yunet-mobilefacenet", models_dir)
    desk.use_pack(first)
    ids = {}
    for name in PEOPLE:
        images = [cv2.imread(str(lfw_photo(faces_dev, name, n))) for n in (1, 2, 3)]
        finished = desk.enroll(None, name.replace("_", " "), images, "notice-v1", "test")
        assert finished.ok, finished
        ids[name] = finished.person_id
    assert desk.store.biometrics.templates_for("intel-reid-0095")[0] == []

    second = load_pack("yunet-intel0095", models_dir)
    report = desk.reenroll(second.embedder)
    assert report.rebuilt == len(PEOPLE) and report.without_chips == 0 and report.failed == 0
    person_ids, matrix = desk.store.biometrics.templates_for("intel-reid-0095")
    assert set(person_ids) == set(ids.values()) and matrix.shape[1] == 256
    assert desk.reenroll(second.embedder).rebuilt == 0  # idempotent: nothing left to do

    gallery = Gallery("intel-reid-0095", match_threshold=second.thresholds.match,
                      margin=second.thresholds.margin)
    for person_id in set(person_ids):
        gallery.add(person_id, matrix[[i for i, p in enumerate(person_ids) if p == person_id]])
    for name in PEOPLE:  # a photo never enrolled, recognised with templates made from chips
        probe = cv2.imread(str(lfw_photo(faces_dev, name, 7)))
        detections = second.detector.detect(probe)
        match = gallery.identify(second.embed_detections(probe, detections[:1])[0])
        assert match.decision is MatchDecision.ACCEPTED and match.person_id == ids[name], name
    entries = [e for e in desk.store.audit_log.entries() if e["action"] == "reenroll"]
    assert entries and entries[0]["subject"] == "intel-reid-0095"
    desk.close()


def test_a_person_without_chips_is_reported(models_dir: Path, tmp_path: Path) -> None:
    settings = kiosk_settings(tmp_path, pack="yunet-intel0095", models_dir=models_dir,
                              camera=str(tmp_path))
    desk = StoreDesk.open(settings)
    person = Person(id=uuid4(), display_name="Synced Only")
    desk.store.biometrics.upsert_person(person)
    consent = Consent(person_id=person.id, given_at=datetime.now(UTC), notice_version="v1",
                      collected_by="test")
    desk.store.biometrics.save_enrollment(person.id, "dlib-resnet-v1",
                               np.ones((1, 128), dtype=np.float32) / np.sqrt(128),
                               consent=consent)
    report = desk.reenroll(load_pack("yunet-intel0095", models_dir).embedder)
    assert report.rebuilt == 0 and report.without_chips == 1
    desk.close()
