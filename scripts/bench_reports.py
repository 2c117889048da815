"""Benchmark the HR lateness report for a whole ministry over one month.

    python scripts/bench_reports.py --people 5000 --departments 25 --month 2026-10

Builds a throw-away SQLite database (or PostgreSQL with --db postgres) through the real
services: departments with a day shift (08:00-17:00), a few people on a night shift, two
holidays, and one month of punches (check-in and check-out each working day, some late,
some missing), then times ``reports.lateness_report`` for everyone (cold: first call; repeat:
the same report again, answered from the memo after a data-version check) and for one
department. Then the today board (``board_*``): its first snapshot, a poll with no change,
and the bytes a poll sends (whole board, no change, one new punch). The reference is the
time to load the month's punches alone, measured in the same run, so the ratio
``report_vs_load_ratio`` stays comparable across machines.

Before and after materialisation, in the same run: "before" computes every day from the
punches (``reports.compute_day_summaries``, what reports did before ``day_results``);
"after" is the first report (computing and storing the settled days), then the same report
with the memo cleared (read from the stored rows), then repeated (memo). The same for a
12-month report of one department, whose people get ``--history-months`` more months of
punches. The host's 1-minute load average is given at the start and end of the timings.
Progress goes to stderr; the last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

import attendance  # noqa: E402
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
    parser.add_argument("--history-months", type=int, default=11,
                        help="earlier months of punches for the first department (11)")
    return parser.parse_args(argv)


def populate(sessions: object, args: argparse.Namespace) -> int:
    """People, shifts, holidays and a month of punches; returns the number of punches."""
    rng = random.Random(args.seed)
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
        night_people = {cast(uuid.UUID, p["id"]) for p in people[: max(1, args.people // 100)]}
        for person_id in night_people:
            schedules.save_assignment(session, night.id, first - timedelta(days=30), None,
                                      person_id=person_id, actor="script")
    count = _punch_days(sessions, people, night_people, kiosk_id, first, last, rng, now)
    history = [p for p in people if p["department"] == departments[0]]
    start = first - timedelta(days=round(30.44 * args.history_months))
    count += _punch_days(sessions, history, night_people, kiosk_id, start,
                         first - timedelta(days=1), rng, now)
    return count


def _punch_days(sessions: object, people: list[dict[str, object]],
                night_people: set[uuid.UUID],
                kiosk_id: uuid.UUID, first: date, last: date, rng: random.Random,
                now: datetime) -> int:
    """Check-in and check-out punches of ``people`` each working day of [first, last]."""
    zone = ZoneInfo(schedules.SITE_ZONE)
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
        if rows:
            with transaction(sessions) as session:  # type: ignore[arg-type]
                session.execute(insert(Punch), rows)
        count += len(rows)
        current += timedelta(days=1)
    return count


def timed(function: object, *args: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args)  # type: ignore[operator]
    return time.perf_counter() - start, result


def computed_report(session: object, people: list[Person], first: date, last: date,
                    now: datetime) -> attendance.RangeReport:
    """The report as it was before materialisation: every day computed from the punches."""
    days = reports.compute_day_summaries(session, people, first, last, now)  # type: ignore[arg-type]
    return attendance.summarize_range([reports.to_domain_person(p) for p in people], days)


def fresh(function: object, *args: object) -> tuple[float, object]:
    """``timed`` with the report memo emptied first (a cold report, rows or not)."""
    reports._REPORTS.clear()  # noqa: SLF001 - the benchmark measures without the memo
    return timed(function, *args)


def measure(sessions: object, args: argparse.Namespace) -> dict[str, object]:
    """Every figure of the run, in seconds (see the module doc)."""
    first, last = reports.month_bounds(args.month)
    year_first = first - timedelta(days=round(30.44 * args.history_months))
    now = datetime.combine(last + timedelta(days=3), datetime.min.time(), tzinfo=UTC)
    figures: dict[str, object] = {"load_avg_1min_start": os.getloadavg()[0]}  # shared host
    with transaction(sessions) as session:  # type: ignore[arg-type]
        people = reports.load_people(session)
        department = [p for p in people if p.department == people[0].department]
        figures["load_s"], loaded = timed(reports.load_punches, session,
                                          [p.id for p in people], first, last)
        figures["punches"] = len(loaded)  # type: ignore[arg-type]
        figures["before_report_cold_s"], _ = timed(computed_report, session, people, first,
                                                   last, now)
        figures["before_department_12_months_s"], _ = timed(
            computed_report, session, department, year_first, last, now)
        figures["after_first_report_storing_s"], report = fresh(
            reports.lateness_report, session, people, first, last, now)
        figures["after_report_cold_s"], _ = fresh(reports.lateness_report, session, people,
                                                  first, last, now)
        figures["after_report_repeat_s"], _ = timed(reports.lateness_report, session, people,
                                                    first, last, now)
        figures["data_version_s"], _ = timed(reports.data_version, session, first, last)
        figures["after_department_12_months_first_s"], _ = fresh(
            reports.lateness_report, session, department, year_first, last, now)
        figures["after_department_12_months_cold_s"], _ = fresh(
            reports.lateness_report, session, department, year_first, last, now)
        figures["department_people"] = len(department)
    figures["load_avg_1min_end"] = os.getloadavg()[0]
    overall = report.overall  # type: ignore[attr-defined]
    print(f"late entries {overall.late_entries}, late minutes {overall.late_minutes_total}, "
          f"absences {overall.absences}", file=sys.stderr)
    return figures


def measure_board(sessions: object, args: argparse.Namespace) -> dict[str, object]:
    """The today board of everyone at 10:00 on a weekday of the month: the first snapshot
    (cold), a poll with nothing new (memo + delta), and the JSON bytes a poll sends in
    full, with no change, and after one new punch (what ``/hr/api/today`` answers)."""
    from fastapi.responses import JSONResponse

    from sync_server.service import board_versions
    from sync_server.web.routes_reports import board_payload

    def size(changes: board_versions.Changes) -> int:
        return len(JSONResponse(board_payload(changes, "vi", now)).body)

    first, _last = reports.month_bounds(args.month)
    day = first + timedelta(days=14)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    now = datetime.combine(day, datetime.min.time().replace(hour=10),
                           tzinfo=ZoneInfo(schedules.SITE_ZONE))
    figures: dict[str, object] = {}
    with transaction(sessions) as session:  # type: ignore[arg-type]
        people = reports.load_people(session)
        figures["board_people"] = len(people)
        figures["board_cold_s"], before = timed(board_versions.snapshot, session, people, now)
        figures["board_poll_unchanged_s"], same = timed(
            lambda: board_versions.changes_since(
                board_versions.snapshot(session, people, now), before.version))  # type: ignore[attr-defined]
        figures["board_full_payload_bytes"] = size(board_versions.changes_since(
            before, None))  # type: ignore[arg-type]
        figures["board_no_change_payload_bytes"] = size(same)  # type: ignore[arg-type]
        kiosk = session.scalars(select(Punch.kiosk_id).limit(1)).first()
        away = next(e.person_id for e in before.entries.values()  # type: ignore[attr-defined]
                    if e.first_in is None)
        session.execute(insert(Punch), [{
            "id": uuid.uuid4(), "kiosk_id": kiosk, "person_id": away, "kind": "auto",
            "source": "face", "captured_at": now, "clock_offset_s": 0.0, "occurred_at": now,
            "received_at": now}])
        after = board_versions.snapshot(session, people, now + timedelta(seconds=1))
        figures["board_one_punch_payload_bytes"] = size(board_versions.changes_since(
            after, before.version))  # type: ignore[attr-defined]
    return figures


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
                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
            figures = measure(sessions, args)
            figures.update(measure_board(sessions, args))
            engine.dispose()
        finally:
            if postgres is not None:
                postgres.stop()
    for name, value in figures.items():
        print(f"{name:<40}{value:>10.3f}" if isinstance(value, float) else
              f"{name:<40}{value:>10}", file=sys.stderr)
    load_s = float(figures["load_s"])  # type: ignore[arg-type]
    cold_s = float(figures["after_report_cold_s"])  # type: ignore[arg-type]
    print(json.dumps({"people": args.people, "db": args.db, "history_months": args.history_months,
                      **{k: round(v, 3) if isinstance(v, float) else v
                         for k, v in figures.items()},
                      "report_vs_load_ratio": round(cold_s / load_s, 2) if load_s else None,
                      "load_average_1m": round(os.getloadavg()[0], 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
