"""Finalised attendance days materialised in ``day_results``, so reports read rows.

``summaries`` answers a report's days from stored rows and computes only the missing ones
(with ``reports.compute_day_summaries``); the days it computes that are SETTLED are stored
for the next report. A day is settled once its local end plus ``reports.MARGIN`` (2 days:
the longest night shift and its check-out window) lies before both ``now`` and the sync
watermark (the oldest last contact of the site's kiosks), and its status is not PENDING.

Rows are dropped, to be recomputed on the next report, when something touches them:
- a punch arrives (``forget_punches``, called by ``punches.ingest``): that person's days
  around it, so a kiosk that syncs a week late corrects the finalised days;
- a correction, leave or person row is added, changed or deleted: that person's days; a
  held punch reviewed: its person's days around it (a bulk release: every day);
- a shift type, assignment or holiday changes: every day (schedule changes are rare).
The last two are caught for every door by a Session ``before_flush`` listener
(``install_invalidation``, installed by the app and the CLI, and before any read here).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from itertools import chain
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import String, Table, delete, event, select, type_coerce
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session

import attendance
from sync_server.db.models import Person, Punch
from sync_server.db.report_models import DayResultRow
from sync_server.db.web_models import (
    CorrectionRow,
    HolidayRow,
    LeaveRow,
    ShiftAssignmentRow,
    ShiftTypeRow,
)
from sync_server.service import reports, schedules

PER_PERSON = (CorrectionRow, LeaveRow)
SCHEDULE = (HolidayRow, ShiftTypeRow, ShiftAssignmentRow)
WATCHED_TABLES = {c.__tablename__ for c in (*PER_PERSON, *SCHEDULE, Person)}
TABLE = cast(Table, DayResultRow.__table__)
_COLUMNS = ("status", "first_in", "last_out", "worked_minutes", "late_minutes",
            "early_exit_minutes", "late_excused", "punches", "corrected", "overtime_minutes",
            "holiday_work_minutes", "rest_day_work_minutes")


def summaries(session: Session, people: Sequence[Person], first: date, last: date,
              now: datetime, overtime_after_min: int = attendance.DEFAULT_OVERTIME_AFTER_MIN
              ) -> list[attendance.DaySummary]:
    """One summary per person per day in [first, last], stored rows first (module doc)."""
    install_invalidation()
    days = attendance.days_between(first, last)
    found = _load(session, people, first, last, overtime_after_min)
    missing = [p for p in people if len(found.get(p.id, ())) < len(days)]
    if missing:
        gaps = [d for p in missing for d in days if d not in found.get(p.id, {})]
        fresh = reports.compute_day_summaries(session, missing, min(gaps), max(gaps), now,
                                              overtime_after_min=overtime_after_min)
        settled = _settled_until(session, now)
        new = []
        for summary in fresh:
            own = found.setdefault(summary.person_id, {})
            if summary.day not in own:
                own[summary.day] = summary
                if summary.status is not attendance.DayStatus.PENDING and \
                        summary.day < settled:
                    new.append(summary)
        _store(session, new, overtime_after_min, now)
    result: list[attendance.DaySummary] = []
    for person in people:
        own = found[person.id]
        result += [own[d] for d in days]
    return result


def _settled_until(session: Session, now: datetime) -> date:
    """Days before this local date are settled (see the module doc)."""
    watermark = reports.sync_watermark(session)
    limit = min(now, watermark) if watermark is not None else now
    return (limit - reports.MARGIN).astimezone(ZoneInfo(schedules.SITE_ZONE)).date()


def _load(session: Session, people: Sequence[Person], first: date, last: date,
          overtime_after_min: int) -> dict[uuid.UUID, dict[date, attendance.DaySummary]]:
    """Stored days by person and date. Person ids are read as text and mapped back to the
    people's own ids: building a UUID per row was a third of a ministry's month."""
    person_id = type_coerce(DayResultRow.person_id, String)
    query = select(person_id, DayResultRow.day,
                   *(getattr(DayResultRow, c) for c in _COLUMNS)).where(
        DayResultRow.day >= first, DayResultRow.day <= last,
        DayResultRow.overtime_after_min == overtime_after_min)
    if len(people) <= 500:
        query = query.where(DayResultRow.person_id.in_([p.id for p in people]))
    by_text = {text: p.id for p in people for text in (p.id.hex, str(p.id))}
    statuses = {s.value: s for s in attendance.DayStatus}
    found: dict[uuid.UUID, dict[date, attendance.DaySummary]] = {}
    for text, day, status, *rest in session.execute(query):
        ident = by_text.get(str(text))
        if ident is not None:
            found.setdefault(ident, {})[day] = attendance.DaySummary(
                ident, day, statuses[status], *rest)
    return found


def _store(session: Session, days: Iterable[attendance.DaySummary], overtime_after_min: int,
           now: datetime) -> None:
    rows = [{"person_id": d.person_id, "day": d.day, "status": d.status.value,
             **{c: getattr(d, c) for c in _COLUMNS[1:]},
             "overtime_after_min": overtime_after_min, "computed_at": now} for d in days]
    if not rows:
        return
    postgres = session.bind is not None and session.bind.dialect.name == "postgresql"
    insert = postgresql_insert if postgres else sqlite_insert
    # A row made with another overtime threshold is replaced; two reports computing the
    # same day at once write the same values.
    statement = insert(TABLE)
    statement = statement.on_conflict_do_update(
        index_elements=["person_id", "day"],
        set_={c: statement.excluded[c] for c in (*_COLUMNS, "overtime_after_min", "computed_at")})
    session.connection().execute(statement, rows)


def forget_punches(session: Session, punches: Iterable[tuple[uuid.UUID, datetime]]) -> None:
    """Drop the stored days that (person id, instant) punches can belong to: their local
    date and the days either side (night shifts)."""
    zone = ZoneInfo(schedules.SITE_ZONE)
    spans: dict[uuid.UUID, tuple[date, date]] = {}
    for person_id, instant in punches:
        day = instant.astimezone(zone).date()
        low, high = spans.get(person_id, (day, day))
        spans[person_id] = (min(low, day), max(high, day))
    table = TABLE
    for person_id, (low, high) in spans.items():
        session.connection().execute(delete(table).where(
            table.c.person_id == person_id, table.c.day >= low - timedelta(days=1),
            table.c.day <= high + timedelta(days=1)))


def forget_all(session: Session) -> None:
    session.connection().execute(delete(TABLE))


def install_invalidation() -> None:
    """Drop stored days whenever the ORM changes what they were computed from (idempotent;
    applies to every Session of the process)."""
    if not event.contains(Session, "before_flush", _on_flush):
        event.listen(Session, "before_flush", _on_flush)
        event.listen(Session, "do_orm_execute", _on_statement)


def _on_flush(session: Session, _context: Any, _instances: Any) -> None:
    people: set[uuid.UUID] = set()
    reviewed: list[tuple[uuid.UUID, datetime]] = []
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, SCHEDULE):
            forget_all(session)
            return
        if isinstance(obj, Punch):  # a held punch accepted or rejected on review
            reviewed.append((obj.person_id, obj.occurred_at))
        elif isinstance(obj, PER_PERSON):
            people.add(obj.person_id)
        elif isinstance(obj, Person):
            people.add(obj.id)
    forget_punches(session, reviewed)
    if people:
        table = TABLE
        session.connection().execute(delete(table).where(table.c.person_id.in_(people)))


def _on_statement(state: ORMExecuteState) -> None:
    """Bulk UPDATE/DELETE (and INSERT of corrections, leave, schedules) and bulk punch
    updates (review releases) bypass the unit of work: drop every stored day rather than
    guess which ones they touch."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in WATCHED_TABLES and not (state.is_insert and table == Person.__tablename__):
        forget_all(state.session)
    elif table == Punch.__tablename__ and state.is_update:  # held punches released
        forget_all(state.session)  # (deletes are retention's: the stored days outlive them)

