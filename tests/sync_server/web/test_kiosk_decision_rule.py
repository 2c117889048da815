"""A kiosk's gallery-aware decision rule travels in its heartbeat and shows on the kiosks page.

Real server on 127.0.0.1 (SQLite file), a real kiosk store holding an operating point chosen by
faceid.operating_point from the shipped calibration, the real sync client, and Chromium
reading the page in both languages.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from faceid.operating_point import choose
from faceid.score_tails import ScoreTail, load_calibration
from kiosk.store import open_store
from kiosk.store.operating_point import save_operating_point
from kiosk.sync import SyncClient, sync_once
from sync_server.db.engine import transaction
from sync_server.db.models import Kiosk
from tests.sync_server.helpers import provision_kiosk
from tests.sync_server.web.test_browser import _log_in, browser  # noqa: F401  (fixture)

RECOGNIZER = "intel-reid-0095"


def test_the_decision_rule_reaches_the_kiosks_page(browser, web_server, staffing, sessions,  # noqa: F811
                                                   tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    point = choose(load_calibration(RECOGNIZER), ScoreTail("site", 0, ()), 4812, 9624)
    assert point.expected_fpir <= 0.01 and 0.0 < point.threshold_1n < 1.0
    credential = provision_kiosk(sessions, web_server.url, "gate-1")
    store = open_store(tmp_path / "kiosk.sqlite3")
    try:
        save_operating_point(store, point.to_dict())
        with SyncClient(credential, timeout_s=10, verify_tls=False) as client:
            sync_once(store, client)
    finally:
        store.close()
    with transaction(sessions) as session:
        rule = session.scalars(select(Kiosk).where(Kiosk.name == "gate-1")).one().decision_rule
    assert rule is not None and rule["people"] == 4812
    assert rule["threshold_1n"] == point.threshold_1n

    page = browser.new_context().new_page()
    _log_in(page, web_server, "hr")
    page.goto(f"{web_server.url}/hr/kiosks")
    vietnamese = page.inner_text("#kiosks td.decision-rule")
    threshold_vi = f"{point.threshold_1n:.2f}".replace(".", ",")
    assert vietnamese.startswith(f"4.812 người đã đăng ký: ngưỡng 1:N {threshold_vi}")
    page.click("#lang-en")
    page.goto(f"{web_server.url}/hr/kiosks")
    english = page.inner_text("#kiosks td.decision-rule")
    success = f"{100 * point.face_only_success:.0f}%"
    assert english == (f"4,812 people enrolled: 1:N threshold {point.threshold_1n:.2f}, "
                       f"expected stranger acceptance <= {100 * point.expected_fpir:.2f}%, "
                       f"expected face-only success {success}; "
                       f"1:1 threshold {point.threshold_1to1:.2f}")
