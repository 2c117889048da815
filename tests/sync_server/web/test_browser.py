"""Playwright driving Debian's Chromium against the real server on 127.0.0.1.

HR logs in, approves yesterday's punches that the server held (the kiosk was provisioned
only today), sees a late punch (recorded by a real kiosk store and synced through the real
kiosk punch API) appear on the today board, opens the lateness report, downloads CSV and
XLSX, excuses the late entry and sees the report change and the audit entry; staff are
refused the HR pages.
"""

from __future__ import annotations

import csv
import io
import os
import uuid
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kiosk.store import KioskStore, open_store
from kiosk.sync import KioskCredential, SyncClient, sync_once
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.service import alt_checkin, schedules
from tests.sync_server.helpers import provision_kiosk
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import PASSWORD, WebServer
from tests.sync_server.web.scenario import ZONE, local

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI=true but /usr/bin/chromium is absent")
        pytest.skip("/usr/bin/chromium is absent")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _punch_and_sync(store: KioskStore, credential: KioskCredential, person_id: uuid.UUID,
                    at: datetime) -> None:
    """The kiosk records a punch at ``at`` and syncs it (the real client and punch API)."""
    store.punches.record(person_id, captured_at=at)
    with SyncClient(credential, timeout_s=30, verify_tls=False) as client:
        sync_once(store, client)
    assert store.punches.backlog() == 0


def _log_in(page, server: WebServer, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/hr/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")


def _report_cell(page, person: uuid.UUID, column: int) -> str:  # type: ignore[no-untyped-def]
    return page.inner_text(f"#by-person tr[data-person='{person}'] td:nth-child({column})")


@pytest.mark.timeout(180)
def test_hr_and_staff_in_the_browser(browser, web_server: WebServer, staffing: Staffing,
                                     sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    now_local = utc_now().astimezone(ZONE)
    if now_local.time() < time(0, 10):
        pytest.skip("too close to local midnight for a shift that started an hour ago")
    shift_start = max(datetime.combine(now_local.date(), time(0), tzinfo=ZONE),
                      now_local - timedelta(minutes=60)).replace(second=0, microsecond=0)
    # (a shift type starts on a whole minute: "HH:MM")
    with transaction(sessions) as session:  # An's shift today began up to an hour ago
        shift = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Today", shift_start.strftime("%H:%M"),
            (shift_start + timedelta(hours=8)).strftime("%H:%M"),
            working_days=tuple(range(7))), actor="test")
        schedules.save_assignment(session, shift.id, now_local.date(), None,
                                  person_id=staffing.finance_a, actor="test")
        alt_checkin.issue_pin(session, staffing.finance_a, "hr", "2580")  # An uses a PIN
    kiosk = provision_kiosk(sessions, web_server.url, "front-door")
    store = open_store(tmp_path / "front-door.sqlite3")
    yesterday = now_local.date() - timedelta(days=1)
    for at in (local(yesterday, 8, 20), local(yesterday, 17, 0)):
        _punch_and_sync(store, kiosk, staffing.finance_a, at)

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    _log_in(page, web_server, "hr")
    page.click("#lang-en")
    # Yesterday's punches predate the kiosk's provisioning: held until HR approves them.
    page.click("#nav-held")
    assert page.locator("#held-punches tr.held-punch").count() == 2
    assert "dated before the kiosk's plausible window" in page.inner_text("#held-punches")
    for box in page.locator("#held-punches input[name=punch_id]").all():
        box.check()
    page.click("#approve-held")
    page.wait_for_selector("#held-punches >> text=Nothing to show.")
    page.click("#nav-today")
    entry = f"#board li[data-person='{staffing.finance_a}']"
    page.wait_for_selector(entry)
    assert "late" not in (page.get_attribute(entry, "class") or "")
    arrival = utc_now()
    late_by = int((arrival - shift_start).total_seconds() // 60)
    _punch_and_sync(store, kiosk, staffing.finance_a, arrival)
    store.close()
    page.wait_for_selector(f"{entry}.late", timeout=20_000)  # the board polls every 3 s
    assert f"{late_by} min late" in page.inner_text(entry)

    page.click("#nav-lateness")
    page.fill("input[name=start]", yesterday.isoformat())
    page.fill("input[name=end]", yesterday.isoformat())
    page.click("#report-filters button[type=submit]")
    assert _report_cell(page, staffing.finance_a, 7) == "20"  # minutes late (total)
    with page.expect_download() as csv_download:
        page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(
        Path(csv_download.value.path()).read_text(encoding="utf-8-sig"))))
    an = next(r for r in rows if r["Name"] == "Nguyen Van An")
    assert (an["Late entries"], an["Minutes late (total)"]) == ("1", "20")
    with page.expect_download() as xlsx_download:
        page.click("#export-xlsx")
    sheet = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True)
               if r[0] == "Nguyen Van An")
    assert row[header.index("Minutes late (total)")] == 20

    page.goto(f"{web_server.url}/hr/corrections?person={staffing.finance_a}")
    page.fill("#form-excuse input[name=day]", yesterday.isoformat())
    page.fill("#form-excuse input[name=reason]", "flooded street")
    page.click("#form-excuse button[type=submit]")
    page.wait_for_selector("#corrections >> text=flooded street")
    page.goto(f"{web_server.url}/hr/reports/lateness?start={yesterday}&end={yesterday}")
    assert _report_cell(page, staffing.finance_a, 7) == "0"
    page.goto(f"{web_server.url}/hr/audit")
    assert "HR hr excused Nguyen Van An's lateness on" in page.inner_text("#audit")
    assert "flooded street" in page.inner_text("#audit")
    context.close()

    staff = browser.new_context()
    page = staff.new_page()
    _log_in(page, web_server, "staff")
    page.wait_for_selector("#timesheet")
    response = page.goto(f"{web_server.url}/hr/reports/lateness")
    assert response is not None and response.status == 403
    assert page.is_visible("#refused")
    response = page.goto(f"{web_server.url}/hr/")
    assert response is not None and response.status == 403
    staff.close()
