"""Screenshots of the leave, self-service and reporting pages for the README: a staff
member's own month and request form on a 390 px phone, the leader's requests to decide, the
leave types, the people list searched and paginated (also on a 390 px phone), the report
e-mail settings and the monthly grid's print page.

Builds the same throw-away SQLite site as ``scripts/web_screenshots.py`` (generated names,
no photos), adds a leader, a staff login, requests (one pending, one approved), more people
(so the people list has a second page) and report e-mail subscriptions, serves
the real app on 127.0.0.1 and photographs the pages with Playwright driving
/usr/bin/chromium. Writes PNGs to docs/screenshots/ (or --out).

    .venv/bin/python scripts/leave_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger("leave_screenshots")
REPO = Path(__file__).resolve().parent.parent
PASSWORD = "screenshot-password"


def _requests(url: str) -> None:
    """A Finance leader, a staff login for one of the leader's people, her requests."""
    import uuid

    from sqlalchemy import select

    from sync_server.db.engine import make_engine, session_factory, transaction
    from sync_server.db.models import Person
    from sync_server.service import leave_requests, schedules, users

    engine = make_engine(url)
    zone = ZoneInfo(schedules.SITE_ZONE)
    today = datetime.now(UTC).astimezone(zone).date()
    annual = uuid.uuid5(uuid.NAMESPACE_URL, "leave-type:annual")
    with transaction(session_factory(engine)) as session:
        person = session.scalars(select(Person).where(Person.department == "Finance")
                                 .order_by(Person.employee_code)).first()
        assert person is not None
        users.create_user(session, "leader", PASSWORD, users.Role.LEADER, "Finance",
                          actor="script")
        users.create_user(session, "staff", PASSWORD, users.Role.STAFF, None, person.id,
                          actor="script")
        staff = users.CurrentUser(uuid.uuid4(), "staff", users.Role.STAFF, None, person.id, "")
        leader = users.CurrentUser(uuid.uuid4(), "leader", users.Role.LEADER, "Finance", None,
                                   "")
        monday = today + timedelta(days=7 - today.weekday())
        first = leave_requests.submit_leave(session, staff, annual, monday, monday,
                                            "khám sức khỏe", "-").request
        leave_requests.decide(session, leader, first.id, True, "đồng ý", "-")
        leave_requests.submit_leave(session, staff, annual, monday + timedelta(days=14),
                                    monday + timedelta(days=15), "việc gia đình", "-")
    engine.dispose()


def _reporting(url: str) -> None:
    """Sixty more people without punches (a second page of people) and report e-mails for
    the leader and HR."""
    from sync_server.db.engine import make_engine, session_factory, transaction
    from sync_server.service import people, report_mail

    engine = make_engine(url)
    kinds = report_mail.ReportKind
    with transaction(session_factory(engine)) as session:
        for n in range(60):
            people.create_person(session, f"Nguyễn Thị Hồng {n + 1:02d}", f"N{n:04d}",
                                 "Finance" if n % 2 else "Operations", actor="script")
        for username, kind in (("leader", kinds.DAILY_LATE_ABSENT),
                               ("leader", kinds.MONTHLY_SUMMARY), ("hr", kinds.MONTHLY_SUMMARY)):
            report_mail.set_subscription(session, username, kind,
                                         f"{username}@bo.example.gov.vn", True, actor="script")
    engine.dispose()


def _photograph_reporting(browser: Any, base: str, out: Path) -> list[Path]:
    """People searched and paginated (desk and 390 px phone), report e-mails, grid print."""
    hr = browser.new_page(viewport={"width": 1280, "height": 800})
    _log_in(hr, base, "hr")
    hr.goto(f"{base}/hr/people?q=nguyen")
    shots = [_shot(hr, out / "people-search-vi.png")]
    hr.goto(f"{base}/hr/report-mail")
    shots.append(_shot(hr, out / "report-mail-vi.png"))
    last_month = (datetime.now(UTC).replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    hr.goto(f"{base}/hr/timesheets?format=print&department=Planning&month={last_month}")
    shots.append(_shot(hr, out / "timesheet-grid-print-vi.png"))
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    _log_in(phone, base, "hr")
    phone.goto(f"{base}/hr/people?q=nguyen&page=2")
    shots.append(_shot(phone, out / "people-phone-vi.png"))
    return shots


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/hr/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")


def _photograph(base: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        _log_in(phone, base, "staff")
        for name, path in (("self-service-phone-vi.png", "/hr/me"),
                           ("leave-request-phone-vi.png", "/hr/me/request")):
            phone.goto(base + path)
            shots.append(_shot(phone, out / name))
        desk = browser.new_page(viewport={"width": 1280, "height": 800})
        _log_in(desk, base, "leader")
        desk.goto(f"{base}/hr/requests")
        shots.append(_shot(desk, out / "requests-leader-vi.png"))
        hr = browser.new_page(viewport={"width": 1280, "height": 800})
        _log_in(hr, base, "hr")
        hr.goto(f"{base}/hr/leave-types")
        shots.append(_shot(hr, out / "leave-types-vi.png"))
        shots += _photograph_reporting(browser, base, out)
        browser.close()
    return shots


def _shot(page: Any, target: Path) -> Path:
    page.screenshot(path=str(target), full_page=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(REPO / "scripts"))
    from web_screenshots import _populate, _serve

    from sync_server.db.migrate import upgrade

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/screenshots.sqlite3"
        upgrade(url)
        _populate(url, random.Random(args.seed))
        _requests(url)
        _reporting(url)
        base, server = _serve(url)
        try:
            for path in _photograph(base, args.out):
                log.info("wrote %s", path)
        finally:
            server.should_exit = True  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
