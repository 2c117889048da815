"""GET /metrics speaks Prometheus' text format and tells a quiet kiosk from a live one."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
from prometheus_client.parser import text_string_to_metric_families

from kiosk.store.records import Punch, PunchKind, PunchSource
from kiosk.sync import DeviceReport, SyncClient
from tests.sync_server.helpers import add_person, provision_kiosk


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = httpx.get(f"{url}/metrics", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(answer.text)
            for sample in family.samples}


def test_metrics_follow_punches_and_kiosks(live_server, sessions) -> None:  # type: ignore[no-untyped-def]
    person = add_person(sessions)
    credential = provision_kiosk(sessions, live_server.url, "gate-1")
    provision_kiosk(sessions, live_server.url, "gate-2")
    before = scrape(live_server.url)
    assert before[("attendance_punches_total", ())] == 0
    assert before[("attendance_kiosks", (("state", "active"),))] == 2
    with SyncClient(credential, verify_tls=False) as client:
        client.heartbeat(DeviceReport(software_version="test", recognizer_id="intel-reid-0095",
                                      backlog=7))
        client.push_punches([Punch(id=uuid.uuid4(), person_id=person, kind=PunchKind.AUTO,
                                   source=PunchSource.FACE,
                                   captured_at=datetime.now(UTC), clock_offset_s=0.0)])
    after = scrape(live_server.url)
    assert after[("attendance_punches_total", ())] == 1
    assert after[("attendance_people_active", ())] == 1
    assert after[("attendance_kiosk_backlog_punches", (("kiosk", "gate-1"),))] == 7
    assert 0 <= after[("attendance_kiosk_last_seen_age_seconds", (("kiosk", "gate-1"),))] < 60
