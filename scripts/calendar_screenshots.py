"""Screenshots of the shift calendar for the README: next month at 1366 px and on a 390 px
phone, with a night shift, a holiday, weekly days off and approved leave.

Builds the same throw-away SQLite site as ``scripts/web_screenshots.py`` (generated names,
no photos), puts two people of the first department on nights, a holiday in the middle of
next month and one person's leave, serves the real app on 127.0.0.1 and photographs the
page with Playwright driving /usr/bin/chromium. Writes PNGs to docs/screenshots/ (or --out).

    .venv/bin/python scripts/calendar_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger("calendar_screenshots")
REPO = Path(__file__).resolve().parent.parent
PASSWORD = "screenshot-password"  # web_screenshots' HR login


def _next_month() -> date:
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def _plan(url: str) -> str:
    """Nights, a holiday and a leave in next month; returns the first department's name."""
    from sqlalchemy import select

    from sync_server.db.engine import make_engine, session_factory, transaction
    from sync_server.db.models import Person
    from sync_server.service import leaves, schedules

    first = _next_month()
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        staff = list(session.scalars(select(Person).where(Person.department.is_not(None))
                                     .order_by(Person.department, Person.employee_code)))
        department = staff[0].department or ""
        own = [p for p in staff if p.department == department]
        night = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Ca đêm", "22:00", "06:00", working_days=(0, 1, 2, 3, 4, 5)), actor="script")
        for person in own[:2]:
            schedules.save_assignment(session, night.id, first + timedelta(days=7), None,
                                      person_id=person.id, actor="script")
        schedules.save_holiday(session, first + timedelta(days=14), "Ngày lễ", actor="script")
        monday = first + timedelta(days=(7 - first.weekday()) % 7)
        leaves.add_leave(session, leaves.LeaveIn(own[-1].id, monday, monday + timedelta(days=3),
                                                 "việc gia đình"), actor="script")
    engine.dispose()
    return department


def _photograph(base: str, department: str, out: Path) -> list[Path]:
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    month = _next_month().strftime("%Y-%m")
    path = f"{base}/hr/shift-calendar?month={month}&department={quote(department)}"
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        for name, viewport in (("shift-calendar-vi.png", {"width": 1366, "height": 800}),
                               ("shift-calendar-phone-vi.png", {"width": 390, "height": 844})):
            page = browser.new_page(viewport=viewport)
            _log_in(page, base)
            page.goto(path)
            page.screenshot(path=str(out / name), full_page=True)
            shots.append(out / name)
        browser.close()
    return shots


def _log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/hr/login")
    page.fill("input[name=username]", "hr")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")


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
        department = _plan(url)
        base, server = _serve(url)
        try:
            for path in _photograph(base, department, args.out):
                log.info("wrote %s", path)
        finally:
            server.should_exit = True  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    sys.exit(main())
