"""The monthly timesheet grid of a department or the whole ministry: people x days.

Built over the same day summaries and totals as the lateness report and the per-person
timesheet (``reports.day_summaries``), so the grid, its exports and the per-person report
never disagree. Each cell is a status symbol (see ``SYMBOLS`` and ``legend``); each person
has the domain totals; each day has counts of people worked, late and absent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

import attendance
from attendance.report import WORKED
from sync_server import texts
from sync_server.db.models import Person
from sync_server.service import reports

Status = attendance.DayStatus

# One letter per status, as Vietnamese paper timesheets mark them (X present, P leave...).
SYMBOLS: dict[attendance.DayStatus, str] = {
    Status.PRESENT: "X", Status.LATE: "M", Status.HALF_DAY: "N", Status.ABSENT: "V",
    Status.FORGOTTEN_CHECKOUT: "Q", Status.ON_LEAVE: "P", Status.HOLIDAY: "L",
    Status.NO_SHIFT: "-", Status.PENDING: "?",
}

def legend(language: str) -> list[tuple[str, str]]:
    """(symbol, meaning) pairs in ``language`` ("vi" or "en"; anything else: English), the
    meanings from the catalogue (``legend_`` + the status)."""
    return [(SYMBOLS[status], texts.translate(language, "legend_" + status.value))
            for status in SYMBOLS]


@dataclass(frozen=True)
class DayCounts:
    """People per day: worked (present, late, half day, forgot check-out), late, absent."""

    worked: int = 0
    late: int = 0
    absent: int = 0


@dataclass
class GridRow:
    person: Person
    days: list[attendance.DaySummary]  # one per date of the period, in order
    totals: attendance.Totals

    def symbols(self) -> list[str]:
        return [SYMBOLS[d.status] for d in self.days]


@dataclass
class DepartmentGrid:
    department: str  # "" for people without a department
    first: date
    last: date
    rows: list[GridRow] = field(default_factory=list)
    by_day: dict[date, DayCounts] = field(default_factory=dict)
    totals: attendance.Totals = attendance.Totals()

    @property
    def dates(self) -> list[date]:
        return attendance.days_between(self.first, self.last)


def monthly_grid(session: Session, people: list[Person], first: date, last: date,
                 now: datetime, overtime_after_min: int = attendance.DEFAULT_OVERTIME_AFTER_MIN
                 ) -> list[DepartmentGrid]:
    """One grid per department (sorted by name) of ``people`` over [first, last].

    ``overtime_after_min`` is the site's overtime threshold in minutes.
    """
    summaries = reports.day_summaries(session, people, first, last, now,
                                      overtime_after_min=overtime_after_min)
    days_of: dict[object, list[attendance.DaySummary]] = defaultdict(list)
    for summary in summaries:
        days_of[summary.person_id].append(summary)
    grids: dict[str, DepartmentGrid] = {}
    for person in people:
        grid = grids.setdefault(person.department or "",
                                DepartmentGrid(person.department or "", first, last))
        days = sorted(days_of.get(person.id, []), key=lambda d: d.day)
        totals = attendance.Totals()
        for day in days:
            totals = attendance.add_day(totals, day)
            grid.totals = attendance.add_day(grid.totals, day)
            grid.by_day[day.day] = _count(grid.by_day.get(day.day, DayCounts()), day)
        grid.rows.append(GridRow(person, days, totals))
    return [grids[name] for name in sorted(grids)]


def _count(counts: DayCounts, day: attendance.DaySummary) -> DayCounts:
    return DayCounts(worked=counts.worked + (day.status in WORKED),
                     late=counts.late + (day.late_minutes > 0),
                     absent=counts.absent + (day.status is Status.ABSENT))
