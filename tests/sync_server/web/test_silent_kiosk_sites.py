"""The silent-kiosk banner with two sites, in Chromium against the real server: the whole
ministry's report names every silent kiosk; a report about a department or one person names
only the kiosks of those people's sites (another building's outage changes none of their
figures), and so do a leader's pages, a person's own page and the exports."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.service import site_moves, sites
from tests.sync_server.helpers import provision_kiosk, sqlite_url
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.test_browser import _log_in, browser
from tests.sync_server.web.test_report_trust import _silent_since

__all__ = ["browser"]  # the Chromium fixture of test_browser

HEAD_OFFICE, WAREHOUSE = "front-door", "warehouse-gate"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """One browser run is enough: on SQLite (the services run on both in other tests)."""
    return sqlite_url(tmp_path)


@pytest.fixture
def two_silent_sites(web_server: WebServer, staffing: Staffing,
                     sessions: sessionmaker[Session]) -> None:
    """Finance at the head office (the default site) with its kiosk, Operations at a
    warehouse with its own; both kiosks silent for three days."""
    provision_kiosk(sessions, web_server.url, HEAD_OFFICE)
    gate = provision_kiosk(sessions, web_server.url, WAREHOUSE)
    with transaction(sessions) as session:
        warehouse = sites.create_site(session, "Kho Long Biên", actor="test").id
        site_moves.assign_department(session, "Operations", warehouse, actor="test")
        site_moves.assign_kiosk(session, gate.kiosk_id, warehouse, actor="test")
    for name in (HEAD_OFFICE, WAREHOUSE):
        _silent_since(sessions, name, utc_now() - timedelta(days=3))


def _named(page) -> set[str]:  # type: ignore[no-untyped-def]
    """The kiosks the banner names."""
    lines = page.locator("#silent-kiosks li").all_inner_texts()
    return {line.split(":")[0] for line in lines}


@pytest.mark.timeout(240)
def test_a_report_about_some_people_names_only_their_sites_kiosks(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, two_silent_sites) -> None:
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, web_server, "hr")
    report = f"{web_server.url}/hr/reports/lateness"
    page.goto(report)
    assert _named(page) == {HEAD_OFFICE, WAREHOUSE}  # the whole ministry
    page.goto(f"{report}?department=Finance")
    assert _named(page) == {HEAD_OFFICE}
    page.goto(f"{report}?department=Operations")
    assert _named(page) == {WAREHOUSE}
    page.goto(f"{report}?department=Operations&start=2026-03-10&end=2026-03-01")
    assert page.is_visible("#error-end") and _named(page) == {WAREHOUSE}  # the form error too
    exported = page.request.get(f"{report}?department=Operations&format=csv").text()
    assert any(line.startswith(f"{WAREHOUSE}: ") for line in exported.splitlines())
    assert not any(line.startswith(f"{HEAD_OFFICE}: ") for line in exported.splitlines())
    page.goto(f"{web_server.url}/hr/timesheet/{staffing.ops_c}")
    assert _named(page) == {WAREHOUSE}
    page.goto(f"{web_server.url}/hr/timesheet/{staffing.finance_b}")
    assert _named(page) == {HEAD_OFFICE}
    page.goto(f"{web_server.url}/hr/")
    assert _named(page) == {HEAD_OFFICE, WAREHOUSE}
    context.close()


@pytest.mark.timeout(240)
def test_a_leaders_and_a_persons_own_pages_name_only_their_sites_kiosks(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing, two_silent_sites) -> None:
    for login, pages in (("leader", ("/hr/", "/hr/reports/lateness")), ("staff", ("/hr/me",))):
        context = browser.new_context()
        page = context.new_page()
        _log_in(page, web_server, login)
        for path in pages:
            page.goto(f"{web_server.url}{path}")
            assert _named(page) == {HEAD_OFFICE}, (login, path)
        context.close()
