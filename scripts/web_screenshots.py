"""Screenshots of the HR web application for the README: the today board, the lateness
report (also at 390 px), the timesheet, leave, a refused correction and the audit trail.

Builds a throw-away SQLite database with synthetic people (generated names, no photos),
a month of generated punches, serves the real app on 127.0.0.1 and photographs the pages
with Playwright driving /usr/bin/chromium. Writes PNGs to docs/screenshots/ (or --out).

    .venv/bin/python scripts/web_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

log = logging.getLogger("web_screenshots")
REPO = Path(__file__).resolve().parent.parent
FAMILY = ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Ngo"]
MIDDLE = ["Van", "Thi", "Minh", "Thu", "Duc", "Ngoc"]
GIVEN = ["An", "Binh", "Chi", "Dung", "Giang", "Hanh", "Khoa", "Lan", "Mai", "Nam", "Phuc",
         "Quang", "Son", "Trang", "Tuan", "Yen"]
DEPARTMENTS = ["Finance", "Legal Affairs", "Planning", "IT Centre"]
PASSWORD = "screenshot-password"


def _populate(url: str, rng: random.Random) -> None:
    from sync_server.db.engine import make_engine, session_factory, transaction
    from sync_server.service import kiosks, people, punches, schedules, users

    zone = ZoneInfo(schedules.SITE_ZONE)
    now = datetime.now(UTC).astimezone(zone)
    start = max(now.replace(hour=0, minute=0, second=0, microsecond=0),
                (now - timedelta(minutes=90)).replace(second=0, microsecond=0))
    engine = make_engine(url)
    with transaction(session_factory(engine)) as session:
        users.create_user(session, "hr", PASSWORD, users.Role.HR, actor="script")
        kiosk_id, _ = kiosks.create_provisioning_code(session, "Lobby", ttl_s=600, actor="script")
        shift = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Office", start.strftime("%H:%M"), (start + timedelta(hours=8)).strftime("%H:%M"),
            working_days=(0, 1, 2, 3, 4)), actor="script")
        for department in DEPARTMENTS:
            schedules.create_department(session, department, actor="script")
            schedules.save_assignment(session, shift.id, date(2025, 1, 1), None,
                                      department=department, actor="script")
        staff = [people.create_person(session, f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} "
                                      f"{rng.choice(GIVEN)}", f"E{n:04d}",
                                      DEPARTMENTS[n % len(DEPARTMENTS)],
                                          actor="script") for n in range(18)]
        batch = []
        for back in range(31, -1, -1):
            day = now.date() - timedelta(days=back)
            if day.weekday() > 4:
                continue
            begin = datetime.combine(day, start.time(), tzinfo=zone)
            for person in staff:
                if rng.random() < 0.06:
                    continue  # absent
                lateness = rng.choice([0, 0, 0, 0, -10, -5, 3, 12, 25, 40])
                arrive = begin + timedelta(minutes=lateness, seconds=rng.randint(0, 59))
                if arrive > now:
                    continue
                batch.append((person.id, arrive))
                leave = begin + timedelta(hours=8, minutes=rng.randint(-20, 30))
                if leave < now:
                    batch.append((person.id, leave))
        punches.ingest(session, kiosk_id, [punches.IncomingPunch(
            id=uuid.uuid4(), person_id=pid, kind="auto", source="face",
            captured_at=at.astimezone(UTC), clock_offset_s=0.0) for pid, at in batch])
        _what_hr_did(session, [p.id for p in staff], now)
        _silent_kiosk(session, kiosk_id, now)
    engine.dispose()


def _what_hr_did(session: Any, staff: list[uuid.UUID], now: datetime) -> None:
    """Leave, a person without a department, and a missed punch added and taken back (for
    the audit trail's sentences)."""
    import attendance
    from sync_server.service import corrections, leaves, people

    workday = now.date() - timedelta(days=max(0, now.weekday() - 4))  # Friday at weekends
    leaves.add_leave(session, leaves.LeaveIn(staff[3], workday, workday, "annual leave"), "hr")
    people.create_person(session, "Tran Thi Moi Den", "E0100", None, actor="script")
    added = corrections.add_missed_punch(
        session, staff[5], (now - timedelta(days=1)).replace(hour=17, minute=5),
        attendance.PunchKind.AUTO, "máy chấm công mất điện", "hr")
    corrections.undo(session, added.id, "hr")


def _silent_kiosk(session: Any, lobby: uuid.UUID, now: datetime) -> None:
    """The lobby kiosk in contact; a back-gate kiosk silent for four days (the banner)."""
    from sync_server.db.models import Kiosk
    from sync_server.service import kiosks

    gate_id, _ = kiosks.create_provisioning_code(session, "Back gate", ttl_s=600,
                                                 actor="script")
    for kiosk_id, seen in ((lobby, now), (gate_id, now - timedelta(days=4, hours=3))):
        row = session.get(Kiosk, kiosk_id)
        row.provisioned_at, row.last_seen_at = seen, seen


def _serve(url: str) -> tuple[str, object]:
    import socket

    import uvicorn

    from sync_server.app import create_app
    from sync_server.settings import DatabaseSettings, ServerSettings
    from sync_server.web import install

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(ServerSettings(database=DatabaseSettings(url=url)))  # type: ignore[call-arg]
    install(app)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def _photograph(base: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/hr/login")
        page.fill("input[name=username]", "hr")
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#board")
        for language, name, path in (("en", "today-board.png", "/hr/"),
                                     ("vi", "today-board-vi.png", "/hr/"),
                                     ("en", "lateness-report.png", "/hr/reports/lateness"),
                                     ("vi", "lateness-report-vi.png", "/hr/reports/lateness"),
                                     ("vi", "shifts-leave-vi.png", "/hr/shifts"),
                                     ("vi", "audit-vi.png", "/hr/audit")):
            page.goto(f"{base}/hr/lang/{language}")
            page.goto(base + path)
            written.append(_shot(page, out / name))
        written += _photograph_forms(page, base, out)
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.context.add_cookies(page.context.cookies())
        phone.goto(f"{base}/hr/reports/lateness")
        written.append(_shot(phone, out / "lateness-report-phone-vi.png"))
        browser.close()
    return written


def _shot(page: Any, target: Path) -> Path:
    page.screenshot(path=str(target), full_page=True)
    return target


def _photograph_forms(page: Any, base: str, out: Path) -> list[Path]:
    """The timesheet, and a correction and a new person refused with the reason next to the
    field."""
    page.goto(f"{base}/hr/people")
    link = page.locator("#people tbody tr a").first
    person = link.get_attribute("href").rsplit("/", 1)[1]
    page.goto(f"{base}/hr/timesheet/{person}")
    shots = [_shot(page, out / "timesheet-vi.png")]
    page.goto(f"{base}/hr/corrections?person={person}")
    page.fill("#form-excuse input[name=day]", "2030-01-07")
    page.fill("#form-excuse input[name=reason]", "tắc đường")
    page.click("#form-excuse button[type=submit]")
    shots.append(_shot(page, out / "correction-refused-vi.png"))
    page.goto(f"{base}/hr/people")  # a new person with a code someone already has
    code = page.locator("#people tbody tr td:nth-child(2)").first.inner_text().strip()
    page.fill("#person-form input[name=display_name]", "Người mới")
    page.fill("#person-form input[name=employee_code]", code)
    page.click("#person-form button[type=submit]")
    return [*shots, _shot(page, out / "person-refused-vi.png")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.path.insert(0, str(REPO))
    from sync_server.db.migrate import upgrade

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/screenshots.sqlite3"
        upgrade(url)
        _populate(url, random.Random(args.seed))
        base, server = _serve(url)
        try:
            for path in _photograph(base, args.out):
                log.info("wrote %s", path)
        finally:
            server.should_exit = True
    return 0


if __name__ == "__main__":
    sys.exit(main())
