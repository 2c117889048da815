"""Benchmark the HR lateness report for a whole ministry over one month.

    python scripts/bench_reports.py --people 5000 --departments 25 --month 2026-10

Builds a throw-away SQLite database (or PostgreSQL with --db postgres) through the real
services: departments with a day shift (08:00-17:00), a few people on a night shift, two
holidays, and one month of punches (check-in and check-out each working day, some late,
some missing), then times ``reports.lateness_report`` for everyone (cold: first call; repeat:
the same report again, answered from the memo after a data-version check) and for one
department. The reference is the time to load the month's punches
alone, measured in the same run, so the ratio ``report_vs_load_ratio`` stays comparable
across machines. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from sync_server.db.engine import make_engine, session_factory, transaction  # noqa: E402
from sync_server.db.migrate import upgrade  # noqa: E402
from sync_server.db.models import Person, Punch  # noqa: E402
from sync_server.service import kiosks, reports, schedules  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--people", type=int, default=5000, help="staff (5000)")
    parser.add_argument("--departments", type=int, default=25, help="departments (25)")
    parser.add_argument("--month", default="2026-10", help="YYYY-MM (2026-10)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def populate(sessions: object, args: argparse.Namespace) -> int:
    """People, shifts, holidays and a month of punches; returns the number of punches."""
    rng = random.Random(args.seed)
    zone = ZoneInfo(schedules.SITE_ZONE)
    first, last = reports.month_bounds(args.month)
    now = datetime.now(UTC)
    with transaction(sessions) as session:  # type: ignore[arg-type]
        kiosk_id, _code = kiosks.create_provisioning_code(session, "bench", ttl_s=600,
                                                          actor="script")
        day = schedules.save_shift_type(session, schedules.ShiftTypeIn("Day", "08:00", "17:00"),
                                        actor="script")
        night = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Night", "22:00", "06:00", working_days=(0, 1, 2, 3, 4, 5, 6)), actor="script")
        departments = [f"Department {n:02d}" for n in range(args.departments)]
        for name in departments:
            schedules.create_department(session, name, actor="script")
            schedules.save_assignment(session, day.id, first - timedelta(days=365), None,
                                      department=name, actor="script")
        schedules.save_holiday(session, first + timedelta(days=1), "Holiday", actor="script")
        schedules.save_holiday(session, first + timedelta(days=20), "Holiday", actor="script")
        people = []
        for n in range(args.people):
            people.append({"id": uuid.uuid4(), "display_name": f"Person {n:05d}",
                           "employee_code": f"E{n:05d}", "department": departments[
                               n % len(departments)], "active": True, "created_at": now,
                           "updated_at": now})
        session.execute(insert(Person), people)
        night_people = {p["id"] for p in people[: max(1, args.people // 100)]}
        for person_id in night_people:
            schedules.save_assignment(session, night.id, first - timedelta(days=30), None,
                                      person_id=person_id, actor="script")
    count = 0
    current = first
    while current <= last:
        rows = []
        for person in people:
            if rng.random() < 0.04:
                continue  # absent
            night_shift = person["id"] in night_people
            if not night_shift and current.weekday() >= 5:
                continue
            start_h = 22 if night_shift else 8
            arrive = datetime(current.year, current.month, current.day, start_h, 0,
                              tzinfo=zone) + timedelta(minutes=rng.gauss(-8, 10))
            leave = arrive + timedelta(hours=9, minutes=rng.gauss(10, 15))
            instants = [arrive] if rng.random() < 0.03 else [arrive, leave]
            for instant in instants:
                rows.append({"id": uuid.uuid4(), "kiosk_id": kiosk_id,
                             "person_id": person["id"], "kind": "auto", "source": "face",
                             "captured_at": instant, "clock_offset_s": 0.0,
                             "occurred_at": instant, "received_at": now})
        with transaction(sessions) as session:  # type: ignore[arg-type]
            session.execute(insert(Punch), rows)
        count += len(rows)
        current += timedelta(days=1)
    return count


def timed(function: object, *args: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args)  # type: ignore[operator]
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    postgres = None
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as folder:
        if args.db == "postgres":
            from tests.sync_server.pg import start_postgres
            postgres = start_postgres()
            url = postgres.create_database()
        else:
            url = f"sqlite:///{Path(folder) / 'server.sqlite3'}"
        try:
            upgrade(url)
            engine = make_engine(url)
            sessions = session_factory(engine)
            started = time.perf_counter()
            punches = populate(sessions, args)
            print(f"populated {args.people} people, {punches} punches in "
                  f"{time.perf_counter() - started:.1f} s")
            first, last = reports.month_bounds(args.month)
            now = datetime.combine(last + timedelta(days=3), datetime.min.time(), tzinfo=UTC)
            with sessions() as session:
                people = reports.load_people(session)
                load_s, loaded = timed(reports.load_punches, session, [p.id for p in people],
                                       first, last)
                cold_s, report = timed(reports.lateness_report, session, people, first, last,
                                       now)
                warm_s, _ = timed(reports.lateness_report, session, people, first, last, now)
                version_s, _ = timed(reports.data_version, session, first, last)
                department = [p for p in people if p.department == people[0].department]
                dept_s, _ = timed(reports.lateness_report, session, department, first, last,
                                  now)
            engine.dispose()
        finally:
            if postgres is not None:
                postgres.stop()
    overall = report.overall  # type: ignore[attr-defined]
    print(f"{'what':<32}{'seconds':>10}")
    for name, seconds in (("load month's punches", load_s), ("report, everyone (cold)", cold_s),
                          ("report, everyone (repeat, memo)", warm_s),
                          ("data version check", version_s),
                          (f"report, one department ({len(department)})", dept_s)):
        print(f"{name:<32}{seconds:>10.2f}")
    print(f"late entries {overall.late_entries}, late minutes {overall.late_minutes_total}, "
          f"absences {overall.absences}")
    print(json.dumps({"people": args.people, "punches": len(loaded), "db": args.db,
                       # type: ignore[arg-type]
                      "load_s": round(load_s, 3), "report_cold_s": round(cold_s, 3),
                      "report_repeat_s": round(warm_s, 3), "data_version_s": round(version_s, 3),
                      "department_report_s": round(dept_s, 3),
                      "report_vs_load_ratio": round(cold_s / load_s, 2) if load_s else None}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
