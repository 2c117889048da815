"""The Sites page, the site pickers on the kiosk, department and person forms, in Chromium
against a real server on 127.0.0.1: each change is stored, audited and reaches the feed."""

from __future__ import annotations

from sqlalchemy import select

from sync_server.db.models import Change, Kiosk, Site
from sync_server.db.web_models import AuditEntry
from sync_server.service import sites
from tests.sync_server.helpers import provision_kiosk
from tests.sync_server.web.test_browser import _log_in, browser  # noqa: F401  (fixture)


def _row(page, name: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(kiosks, people count) of the site named ``name`` on the Sites page."""
    row = f"#sites tr:has-text('{name}')"
    return (page.inner_text(f"{row} .site-kiosks"), page.inner_text(f"{row} .site-people"))


def test_sites_are_made_and_filled_from_the_web(browser, web_server, staffing,  # noqa: F811
                                                sessions) -> None:  # type: ignore[no-untyped-def]
    provision_kiosk(sessions, web_server.url, "gate-1")
    page = browser.new_context().new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    _log_in(page, web_server, "admin")
    page.goto(f"{web_server.url}/hr/sites")
    assert page.inner_text("h1") == "Địa điểm"  # Vietnamese first
    assert _row(page, "Trụ sở chính") == ("gate-1", "3")  # everyone, as today
    page.fill("#site-form input[name=name]", "Tòa nhà B")
    page.click("#site-form button[type=submit]")
    page.fill("#sites tr:has-text('Tòa nhà B') input[name=name]", "Tòa B")
    page.click("#sites tr:has-text('Tòa nhà B') button[type=submit]")
    assert "Tòa B" in page.inner_text("#sites")
    with sessions() as session:
        building_b = session.scalars(select(Site).where(Site.name == "Tòa B")).one().id

    # a department moves: its people (Cuong, Operations) with it
    page.select_option("#department-site-form select[name=department]", "Operations")
    page.select_option("#department-site-form select[name=site_id]", str(building_b))
    page.click("#department-site-form button[type=submit]")
    assert _row(page, "Tòa B") == ("-", "1")
    # a person given a site of their own on the person form
    page.goto(f"{web_server.url}/hr/people?edit={staffing.finance_a}")
    page.select_option("#person-form select[name=site_id]", str(building_b))
    page.click("#person-form button[type=submit]")
    page.goto(f"{web_server.url}/hr/people?edit={staffing.finance_a}")
    assert page.input_value("#person-form select[name=site_id]") == str(building_b)
    # the kiosk moves on the kiosks page (a confirmation first)
    page.goto(f"{web_server.url}/hr/kiosks")
    page.select_option("#kiosks .site-picker select", str(building_b))
    page.click("#kiosks .site-picker button[type=submit]")
    assert page.inner_text("#kiosks .site-name") == "Tòa B"
    page.goto(f"{web_server.url}/hr/sites")
    assert _row(page, "Tòa B") == ("gate-1", "2")
    assert _row(page, "Trụ sở chính") == ("-", "1")

    with sessions() as session:
        kiosk = session.scalars(select(Kiosk).where(Kiosk.name == "gate-1")).one()
        assert kiosk.site_id == building_b and kiosk.feed_resync
        assert sites.person_site(session, staffing.finance_a) == building_b
        assert sites.person_site(session, staffing.ops_c) == building_b
        assert sites.person_site(session, staffing.finance_b) == sites.default_site_id(session)
        moved = session.scalars(select(Change).where(
            Change.entity == "person", Change.op == "delete",
            Change.entity_id == staffing.finance_a)).one()
        assert moved.site_id == sites.default_site_id(session) and moved.data == {"moved": True}
        actions = set(session.scalars(select(AuditEntry.action).where(
            AuditEntry.actor == "admin")))
    assert {"site.create", "site.rename", "department.site", "person.site",
            "kiosk.site"} <= actions
    page.goto(f"{web_server.url}/hr/audit")
    assert "đã chuyển thiết bị gate-1 → Tòa B" in page.inner_text("body")
