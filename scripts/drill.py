"""Reliability drills: kill, restart, starve and feed garbage to the system; lose nothing.

    python scripts/drill.py                      # every drill, full length, server on SQLite
    python scripts/drill.py --db postgres        # server on a throw-away PostgreSQL (fsync on)
    python scripts/drill.py --quick --only kiosk_sigkill,network_faults
    python scripts/drill.py --only load --db postgres --kiosks 200 --duration-s 180

Drills: kiosk_sigkill, server_sigkill, postgres_restart, network_faults, disk_full,
corrupted_model, clock_jumps, bad_input, load (docs/drills.md says what each one does).
Prints a table (drill, iterations, punches confirmed, punches on server, lost, duplicated,
errors) and, as the last line, one JSON object with every figure. Exits 1 when a punch was
lost or duplicated or a drill reported an error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.drills import DRILLS, drill_function  # noqa: E402
from scripts.drills.common import DrillOptions, DrillResult  # noqa: E402

COLUMNS = ("drill", "iterations", "punches confirmed", "punches on server", "lost",
           "duplicated", "errors")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="drills: " + ", ".join(DRILLS))
    parser.add_argument("--only", help="comma-separated drill names (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="short versions (a few iterations, 20 kiosks for 10 s of load)")
    parser.add_argument("--iterations", type=int, help="iterations per drill (overrides)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite",
                        help="server database; postgres starts a throw-away server")
    parser.add_argument("--models-from", type=Path, default=ROOT.parent / "shared" / "models",
                        help="folder of model files for corrupted_model (default ../shared/models)")
    parser.add_argument("--kiosks", type=int, help="load: simulated kiosks (200; quick 20)")
    parser.add_argument("--duration-s", type=float, help="load: seconds (180; quick 10)")
    parser.add_argument("--seed", type=int, default=11, help="random seed of the faults")
    parser.add_argument("--pg-unsafe", action="store_true",
                        help="PostgreSQL with fsync and synchronous_commit off: a control run "
                        "that shows postgres_restart catching acknowledged punches lost")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args(argv)
    names = args.only.split(",") if args.only else list(DRILLS)
    unknown = [n for n in names if n not in DRILLS]
    if unknown:
        parser.error(f"unknown drill(s) {', '.join(unknown)}; known: {', '.join(DRILLS)}")
    args.names = names
    return args


def run_one(name: str, options: DrillOptions) -> DrillResult:
    began = time.monotonic()
    try:
        result: DrillResult = drill_function(name)(options)
    except Exception as exc:  # a drill that crashed is reported, and the others still run
        result = DrillResult(name)
        result.fail(f"{type(exc).__name__}: {exc}")
        traceback.print_exc(file=sys.stderr)
    result.seconds = time.monotonic() - began
    return result


def table(results: list[DrillResult]) -> str:
    rows = [COLUMNS]
    for r in results:
        if r.skipped:
            rows.append((r.drill, f"skipped: {r.skipped}", "", "", "", "", ""))
        else:
            rows.append((r.drill, str(r.iterations), str(r.confirmed), str(r.on_server),
                         str(r.lost), str(r.duplicated), str(r.errors)))
    widths = [max(len(row[i]) for row in rows if len(row[i]) < 40) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def summary(results: list[DrillResult], args: argparse.Namespace,
            database: str) -> dict[str, Any]:
    load = next((r for r in results if r.drill == "load" and not r.skipped), None)
    return {
        "drills": {r.drill: r.to_json() for r in results},
        "lost_punches": sum(r.lost for r in results),
        "duplicated_punches": sum(r.duplicated for r in results),
        "errors": sum(r.errors for r in results),
        "load_punches_per_s": load.figures.get("punches_per_s") if load else None,
        "load_p99_ms": load.figures.get("p99_ms") if load else None,
        "db": database, "quick": args.quick, "seed": args.seed, "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="drills-"))
    options = DrillOptions(scratch=scratch, quick=args.quick, iterations=args.iterations,
                           db=args.db, models_from=args.models_from, seed=args.seed,
                           load_kiosks=args.kiosks, load_duration_s=args.duration_s)
    if args.db == "postgres":
        from tests.sync_server.pg import start_postgres

        options.postgres = start_postgres(durable=not args.pg_unsafe)
    results = []
    try:
        for name in args.names:
            print(f"drill {name} ...", file=sys.stderr, flush=True)
            results.append(run_one(name, options))
            for note in results[-1].notes:
                print(f"  {name}: {note}", file=sys.stderr, flush=True)
    finally:
        if options.postgres is not None:
            options.postgres.stop()
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print(table(results))
    figures = summary(results, args, args.db)
    print(json.dumps(figures))
    failed = figures["lost_punches"] or figures["duplicated_punches"] or figures["errors"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
