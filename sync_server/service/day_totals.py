"""Report totals added up by the database from the stored days (``day_results``).

A ministry's month is 155,000 stored days; turning each row into a ``DaySummary`` only to
add it up took most of a cold report. Here the database sums each person's complete
months (``GROUP BY person``) and the daily lateness series (``GROUP BY day``), with one SQL
expression per field of ``attendance.Totals`` built from the domain core's own status sets
(``WORKED``, ``NOT_EXPECTED``), so the counting rules stay the domain's. People with any
day not stored yet go through ``day_results.summaries`` (which computes and stores them) and
``attendance.summarize_range`` as before. People are named ``CHUNK`` at a time (SQLite
walks its primary key per person); on PostgreSQL more than that (a ministry) are read whole
and filtered here, as long id lists cost it more than the rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

import attendance
from attendance.report import NOT_EXPECTED, WORKED
from sync_server.db.models import Person
from sync_server.db.report_models import DayResultRow
from sync_server.service import day_results, reports

CHUNK = 500  # person ids per query (well under every database's parameter limit)
Row = DayResultRow
Status = attendance.DayStatus


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _is(status: Status) -> Any:
    return Row.status == status.value


def totals_expressions() -> list[Any]:
    """One SQL aggregate per field of ``attendance.Totals``, in field order (a new field
    without an expression here is a KeyError, not a silent zero)."""
    by_field = {
        "days_expected": _count(Row.status.not_in([s.value for s in NOT_EXPECTED])),
        "days_worked": _count(Row.status.in_([s.value for s in WORKED])),
        "late_entries": _count(Row.late_minutes > 0),
        "late_minutes_total": func.sum(Row.late_minutes),
        "early_exits": _count(Row.early_exit_minutes > 0),
        "early_exit_minutes_total": func.sum(Row.early_exit_minutes),
        "absences": _count(_is(Status.ABSENT)),
        "half_days": _count(_is(Status.HALF_DAY)),
        "forgotten_checkouts": _count(_is(Status.FORGOTTEN_CHECKOUT)),
        "pending_days": _count(_is(Status.PENDING)),
        "worked_minutes_total": func.sum(func.coalesce(Row.worked_minutes, 0)),
        "overtime_minutes_total": func.sum(Row.overtime_minutes),
        "holiday_work_minutes_total": func.sum(Row.holiday_work_minutes),
        "rest_day_work_minutes_total": func.sum(Row.rest_day_work_minutes),
    }
    return [by_field[f.name] for f in fields(attendance.Totals)]


@dataclass
class RangeTotals:
    report: attendance.RangeReport
    late_minutes_by_day: dict[date, int]  # minutes, every day of the range
    late_entries_by_day: dict[date, int]  # people late that day


def range_totals(session: Session, people: Sequence[Person], first: date, last: date,
                 now: datetime, overtime_after_min: int = attendance.DEFAULT_OVERTIME_AFTER_MIN,
                 named_at_most: int = CHUNK, read_whole: bool | None = None) -> RangeTotals:
    """Totals of ``people`` over [first, last] and the daily lateness series, equal to
    ``summarize_range`` over ``reports.day_summaries`` (``overtime_after_min`` in minutes).
    People are named ``named_at_most`` at a time, or, with more of them and ``read_whole``
    (default: on PostgreSQL), every stored person is read and filtered (module doc)."""
    day_results.install_invalidation()
    days = attendance.days_between(first, last)
    in_range = (Row.day >= first, Row.day <= last, Row.overtime_after_min == overtime_after_min)
    ids = [p.id for p in people]
    if read_whole is None:
        read_whole = session.get_bind().dialect.name == "postgresql"
    minutes, entries = dict.fromkeys(days, 0), dict.fromkeys(days, 0)
    if read_whole and len(ids) > named_at_most:
        by_person, stored = _complete_totals(session, set(ids), len(days), in_range)
        _series(session, (minutes, entries), in_range, None, stored - set(by_person))
    else:
        by_person = {}
        for start in range(0, len(ids), named_at_most):
            chunk = ids[start:start + named_at_most]
            scope = (*in_range, Row.person_id.in_(chunk))
            found, _stored = _complete_totals(session, set(chunk), len(days), scope)
            by_person.update(found)
            _series(session, (minutes, entries), scope, list(found), set())
    incomplete = [p for p in people if p.id not in by_person]
    if incomplete:
        summaries = day_results.summaries(session, incomplete, first, last, now,
                                          overtime_after_min)
        by_person.update(attendance.summarize_range(
            [reports.to_domain_person(p) for p in incomplete], summaries).by_person)
        for summary in summaries:
            minutes[summary.day] += summary.late_minutes
            entries[summary.day] += summary.late_minutes > 0
    report = attendance.combine_totals([reports.to_domain_person(p) for p in people],
                                       by_person)
    return RangeTotals(report, minutes, entries)


def _complete_totals(session: Session, wanted: set[uuid.UUID], day_count: int,
                     scope: tuple[Any, ...]
                     ) -> tuple[dict[uuid.UUID, attendance.Totals], set[uuid.UUID]]:
    """Totals of the ``wanted`` people with all ``day_count`` days stored, and everyone
    with any stored day in ``scope``."""
    query = select(Row.person_id, func.count(), *totals_expressions()).where(
        *scope).group_by(Row.person_id)
    complete: dict[uuid.UUID, attendance.Totals] = {}
    stored: set[uuid.UUID] = set()
    for person_id, count, *values in session.execute(query):
        stored.add(person_id)
        if count == day_count and person_id in wanted:
            complete[person_id] = attendance.Totals(*(int(v or 0) for v in values))
    return complete, stored


def _series(session: Session, into: tuple[dict[date, int], dict[date, int]],
            scope: tuple[Any, ...], counted: list[uuid.UUID] | None,
            excluded: set[uuid.UUID]) -> None:
    """Add late minutes and late people per day of the ``counted`` people's stored days
    (None: every stored person's, less the ``excluded`` ones') to ``into``."""
    minutes, entries = into
    late = (Row.day, func.sum(Row.late_minutes), _count(Row.late_minutes > 0))
    parts: list[tuple[int, tuple[Any, ...]]]
    if counted is not None:
        parts = [(1, (Row.person_id.in_(counted),))] if counted else []
    else:
        chunks = sorted(excluded)
        parts = [(1, ())] + [(-1, (Row.person_id.in_(chunks[n:n + CHUNK]),))
                             for n in range(0, len(chunks), CHUNK)]
    for sign, condition in parts:
        for day, late_minutes, late_people in session.execute(
                select(*late).where(*scope, *condition).group_by(Row.day)):
            minutes[day] += sign * int(late_minutes)
            entries[day] += sign * int(late_people)
