"""The corrections page over HTTP against the real server: past the newest 5,000, every
correction is on a page (the last shows the oldest) and a search finds any of them."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy.orm import Session, sessionmaker

import attendance
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.service import corrections
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer, log_in

COUNT = 5010


def _listed(client: httpx.Client, query: str) -> tuple[list[str], str]:
    html = client.get(f"/hr/corrections?{query}").text
    return (re.findall(r'<tr data-correction="([0-9a-f-]+)"', html),
            re.findall(r'data-pages="(\d+)"', html)[0])


def test_every_correction_is_reachable_past_the_newest_5000(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session]) -> None:
    start = utc_now() - timedelta(days=200)
    with transaction(sessions) as session:  # made one after the other: ids[0] the oldest
        ids = [str(corrections.add_missed_punch(
            session, staffing.finance_a, start + timedelta(minutes=n),
            attendance.PunchKind.CHECK_IN, f"quên chấm công {n}", "hr").id) for n in range(COUNT)]
    with httpx.Client(base_url=web_server.url, follow_redirects=True, timeout=60) as hr:
        assert log_in(hr, "hr").status_code == 200
        first, pages = _listed(hr, "page=1")
        assert pages == str(-(-COUNT // 50)) and first == ids[:-51:-1]  # newest first
        last, _pages = _listed(hr, f"page={pages}")
        assert last == ids[9::-1]  # the oldest ten, the oldest last
        found, pages = _listed(hr, "q=quen+cham+cong+4999")  # accents ignored
        assert (found, pages) == ([ids[4999]], "1")
