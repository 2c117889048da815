"""Rolling templates at the kiosk, on real photos with the real models and store: the set is
bounded (the 4th replaces the oldest), enrolment templates are never replaced, one a day,
erasure takes them too; an offer needs a confident live match clear of everyone else; and
the real app offscreen keeps one at a punch only when ``vision.rolling_templates`` is on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import numpy as np
import pytest

from faceid.enrollment import enroll_images
from faceid.imageio import read_image
from faceid.matcher import Gallery
from faceid.packs import load_pack
from faceid.types import FloatArray
from kiosk.app.duplicates import guard_threshold
from kiosk.app.rolling import offer_for
from kiosk.app.runtime import KioskRuntime
from kiosk.app.state import Greeting
from kiosk.settings import KioskSettings
from kiosk.store import open_store
from kiosk.ui.app import RunLimits, run_kiosk_app
from tests.kiosk.app.helpers import kiosk_settings, lfw_photo, photo_folder
from tests.kiosk.app.test_face_code import _enroll_with_code

pytestmark = [pytest.mark.shared]


def _embeddings(pack: object, faces_dev: Path, person: str, numbers: range) -> FloatArray:
    images = [read_image(lfw_photo(faces_dev, person, n)) for n in numbers]
    result = enroll_images(pack, images)  # type: ignore[arg-type]  # a loaded ModelPack
    assert len(result.accepted) >= min(3, len(images))  # a second face in it: refused
    return result.embeddings


def _with_rolling(settings: KioskSettings, on: bool) -> KioskSettings:
    return settings.model_copy(update={"vision": settings.vision.model_copy(
        update={"rolling_templates": on})})


def test_the_rolling_set_is_bounded_and_never_replaces_enrolment_templates(
        installed_pack, faces_dev, tmp_path: Path) -> None:
    pack_name, models_dir = installed_pack
    settings = kiosk_settings(tmp_path, pack=pack_name, models_dir=models_dir,
                              camera=str(tmp_path))
    colin = _enroll_with_code(settings, faces_dev, tmp_path, "Colin_Powell", "C100")
    assert isinstance(colin, UUID)
    pack = load_pack(pack_name, models_dir, threads=1)
    fresh = _embeddings(pack, faces_dev, "Colin_Powell", range(6, 11))
    store = open_store(settings.store.path)
    try:
        owners, _ = store.biometrics.templates_for(pack.recognizer_id)
        enrolled = len(owners)
        start = datetime.now(UTC) - timedelta(days=6)
        added = []
        for day in range(4):
            at = start + timedelta(hours=25 * day)
            kept = store.rolling.add(colin, pack.recognizer_id, fresh[day], "test-kiosk",
                                     at=at)
            assert kept is not None
            added.append(kept)
            # a second one the same day is refused
            assert store.rolling.add(colin, pack.recognizer_id, fresh[4], "test-kiosk",
                                     at=at + timedelta(hours=1)) is None
        assert added[3].replaced == (added[0].template_id,)  # the 4th replaced the oldest
        assert [a.replaced for a in added[:3]] == [(), (), ()]
        assert store.rolling.ids_for(colin, pack.recognizer_id) == [
            a.template_id for a in added[1:]]
        owners, matrix = store.biometrics.templates_for(pack.recognizer_id)
        assert len(owners) == enrolled + 3  # every enrolment template is still there
        assert np.isclose(matrix @ fresh[3], 1.0, atol=1e-5).sum() == 1
        uploads = [p for p in store.enrollments.pending(20) if p.rolling]
        assert [p.template_ids for p in uploads] == [(a.template_id,) for a in added[1:]]
        actions = [e["action"] for e in store.audit_log.entries(20)]
        assert actions.count("rolling_template") == 4
        store.biometrics.withdraw_consent(colin)  # erasure takes the rolling ones too
        assert store.rolling.ids_for(colin, pack.recognizer_id) == []
        assert store.biometrics.templates_for(pack.recognizer_id)[0] == []
        assert store.rolling.add(colin, pack.recognizer_id, fresh[4], "test-kiosk") is None
    finally:
        store.close()


def test_an_offer_needs_a_confident_live_match_clear_of_everyone_else(
        installed_pack, faces_dev, tmp_path: Path) -> None:
    pack_name, models_dir = installed_pack
    pack = load_pack(pack_name, models_dir, threads=1)
    colin = UUID(int=1)
    gallery = Gallery(pack.recognizer_id)
    gallery.add(colin, _embeddings(pack, faces_dev, "Colin_Powell", range(1, 6)))
    gallery.add(UUID(int=2), _embeddings(pack, faces_dev, "Vladimir_Putin", range(1, 6)))
    probe = _embeddings(pack, faces_dev, "Colin_Powell", range(6, 7))[0]
    one_to_one = guard_threshold(pack)
    settings = kiosk_settings(tmp_path, pack=pack_name, models_dir=models_dir,
                              camera=str(tmp_path))
    vision = _with_rolling(settings, True).vision
    offer = offer_for(vision, gallery, pack.recognizer_id, colin, probe, True, one_to_one,
                      one_to_one)
    assert offer is not None and offer.person_id == colin
    assert offer.own_score >= one_to_one + vision.rolling_above
    assert offer.other_score < one_to_one
    # off switch, no liveness verdict, or not far enough above the 1:N threshold: no offer
    assert offer_for(settings.vision, gallery, pack.recognizer_id, colin, probe, True,
                     one_to_one, one_to_one) is None
    assert offer_for(vision, gallery, pack.recognizer_id, colin, probe, False, one_to_one,
                     one_to_one) is None
    assert offer_for(vision, gallery, pack.recognizer_id, colin, probe, True,
                     offer.own_score - vision.rolling_above / 2, one_to_one) is None
    # the same face enrolled under a second name: it would look like someone else
    gallery.add(UUID(int=3), _embeddings(pack, faces_dev, "Colin_Powell", range(7, 10)))
    assert offer_for(vision, gallery, pack.recognizer_id, colin, probe, True, one_to_one,
                     one_to_one) is None


def _run_app(settings: KioskSettings) -> list[Greeting]:
    greetings: list[Greeting] = []

    def observe(state: object) -> bool:
        if isinstance(state, Greeting):
            greetings.append(state)
        return bool(greetings)

    runtime = KioskRuntime(settings, replay_every_frame=True, folder_hold_frames=30)
    assert run_kiosk_app(runtime, RunLimits(max_seconds=180, exit_when_camera_ends=True),
                         offscreen=True, observer=observe) == 0
    return greetings


@pytest.mark.parametrize("on", [True, False], ids=["on", "off"])
def test_the_real_app_keeps_a_rolling_template_only_when_switched_on(
        qapp, installed_pack, faces_dev, tmp_path: Path, on: bool) -> None:
    pack_name, models_dir = installed_pack
    camera = photo_folder(tmp_path / "camera", [lfw_photo(faces_dev, "Colin_Powell", 7)])
    settings = _with_rolling(kiosk_settings(tmp_path, pack=pack_name, models_dir=models_dir,
                                            camera=str(camera)), on)
    settings = settings.model_copy(update={"vision": settings.vision.model_copy(
        update={"match_threshold": None})})  # the gallery-aware threshold decides
    colin = _enroll_with_code(settings, faces_dev, tmp_path, "Colin_Powell", "C100")
    _enroll_with_code(settings, faces_dev, tmp_path, "Vladimir_Putin", "V200")
    greetings = _run_app(settings)
    assert [g.person_id for g in greetings] == [colin]
    store = open_store(settings.store.path)
    try:
        recognizer = load_pack(pack_name, models_dir, threads=1).recognizer_id
        kept = store.rolling.ids_for(colin, recognizer)  # type: ignore[arg-type]
        assert len(kept) == (1 if on else 0)
        rolling_uploads = [p for p in store.enrollments.pending(20) if p.rolling]
        assert [p.template_ids for p in rolling_uploads] == ([tuple(kept)] if on else [])
        entries = [e for e in store.audit_log.entries(50) if e["action"] == "rolling_template"]
        assert len(entries) == (1 if on else 0)
    finally:
        store.close()
