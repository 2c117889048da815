"""LivenessGuard over a real kiosk store: one event per attempt, snapshots only if enabled.

The decisions are built by hand here (the end-to-end path with real models and spoof photos
is tests/kiosk/app/test_refused_attempts.py); the store, the sealing and the JPEG are real.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from faceid.imageio import read_image
from kiosk.app.desk import StoreDesk
from kiosk.app.liveness_guard import REFUSAL_COOLDOWN_S, LivenessGuard, RefusalReason
from kiosk.app.ports import DecisionKind, FaceDecision
from kiosk.settings import KioskSettings

AT = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)


def _settings(tmp_path: Path, snapshots: bool) -> KioskSettings:
    return KioskSettings.model_validate({
        "store": {"path": str(tmp_path / "kiosk.sqlite3")},
        "sync": {"credential_file": str(tmp_path / "credential.json")},
        "vision": {"liveness_snapshots": snapshots, "liveness_threshold": 0.65}})


@pytest.fixture(params=[False, True], ids=["no-snapshots", "snapshots"])
def desk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreDesk]:
    opened = StoreDesk.open(_settings(tmp_path, request.param))
    yield opened
    opened.close()


def _spoof(resembled: uuid.UUID | None, box: tuple[float, float, float, float]) -> FaceDecision:
    return FaceDecision(DecisionKind.SPOOF, None, 0.81, liveness_score=0.123456,
                        resembled_id=resembled, frames=5, track_id=3, box=box)


def test_one_event_per_attempt_with_scores_and_a_snapshot_only_if_enabled(
        desk: StoreDesk, faces_dev: Path) -> None:
    guard = LivenessGuard(desk)
    image = read_image(faces_dev / "spoof" / "sf_print_F1.jpg")
    height, width = image.shape[:2]
    face = (width * 0.3, height * 0.3, width * 0.4, height * 0.4)
    person = uuid.uuid4()
    assert guard.record_refusal(_spoof(person, face), RefusalReason.LIVENESS, image, AT, 100.0)
    # the same attack seen again by a new track 4 s later: the same attempt
    assert not guard.record_refusal(_spoof(person, face), RefusalReason.LIVENESS, image, AT,
                                    104.0)
    # a face resembling nobody is another attempt; so is the same one after the cooldown
    assert guard.record_refusal(_spoof(None, face), RefusalReason.LIVENESS, image, AT, 105.0)
    assert guard.record_refusal(_spoof(person, face), RefusalReason.LIVENESS, image, AT,
                                104.0 + REFUSAL_COOLDOWN_S + 0.1)
    events = desk.store.events.recent(kind="refused_attempt")
    assert len(events) == 3
    assert sorted(str(e.person_id) for e in events) == sorted([str(person)] * 2 + ["None"])
    for event in events:
        assert event.data["reason"] == "liveness" and event.data["threshold"] == 0.65
        assert event.data["liveness_score"] == 0.1235 and event.data["frames"] == 5
        assert event.data["match_score"] == (0.81 if event.person_id else None)
    snapshots_on = desk.settings.vision.liveness_snapshots
    pending = desk.store.events.pending()
    assert all((e.attachment is not None) is snapshots_on for e in pending)
    if snapshots_on:
        assert all(e.attachment[:3] == b"\xff\xd8\xff" for e in pending)  # type: ignore[index]
