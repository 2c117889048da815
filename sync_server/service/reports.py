"""HR reports computed by the shared domain core (``attendance``) from the database.

The server's rows become the domain's vocabulary (people, punches at their clock-corrected
``occurred_at``, corrections, the schedule); ``attendance.build_day_summaries`` and
``summarize_range`` do all the counting, so the kiosk and the reports never disagree.
Days are local dates in ``schedules.SITE_ZONE``; minutes are whole minutes.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import attendance
from sync_server.db.models import Kiosk, Person, Punch
from sync_server.db.web_models import (
    CorrectionRow,
    HolidayRow,
    LeaveRow,
    ShiftAssignmentRow,
    ShiftTypeRow,
)
from sync_server.service import corrections, punch_review, schedules, sites

MARGIN = timedelta(days=2)  # punches this far around a range can belong to it (night shifts)


@dataclass(frozen=True)
class Scope:
    """Whose data a request may see: everyone, one department, or one person."""

    department: str | None = None
    person_id: uuid.UUID | None = None


def load_people(session: Session, scope: Scope = Scope(), department: str | None = None,
                include_inactive: bool = False) -> list[Person]:
    query = select(Person).order_by(Person.department, Person.display_name, Person.id)
    if not include_inactive:
        query = query.where(Person.active.is_(True))
    if scope.department is not None:
        query = query.where(Person.department == scope.department)
    if scope.person_id is not None:
        query = query.where(Person.id == scope.person_id)
    if department:
        query = query.where(Person.department == department)
    return list(session.scalars(query))


def to_domain_person(person: Person) -> attendance.Person:
    return attendance.Person(id=person.id, full_name=person.display_name,
                             employee_code=person.employee_code or "",
                             department_id=schedules.department_uuid(person.department)
                             if person.department else None, active=person.active)


def load_punches(session: Session, person_ids: list[uuid.UUID], first: date,
                 last: date) -> list[attendance.Punch]:
    """Counted punches (punch_review.counted: never held or rejected ones) of these people
    around [first, last] (with a margin for night shifts)."""
    zone = ZoneInfo(schedules.SITE_ZONE)
    since = datetime.combine(first, time(0), tzinfo=zone) - MARGIN
    until = datetime.combine(last, time(0), tzinfo=zone) + MARGIN
    # Plain columns, not ORM objects: a month of a ministry is ~200,000 rows.
    query = select(Punch.id, Punch.person_id, Punch.kiosk_id, Punch.occurred_at, Punch.kind,
                   Punch.source).where(Punch.occurred_at >= since, Punch.occurred_at < until,
                                       punch_review.counted())
    if len(person_ids) <= 500:
        query = query.where(Punch.person_id.in_(person_ids))
    wanted = set(person_ids)
    kinds = {k.value: k for k in attendance.PunchKind}
    sources = {s.value: s for s in attendance.PunchSource}
    auto, face = attendance.PunchKind.AUTO, attendance.PunchSource.FACE
    return [attendance.Punch(id=punch_id, person_id=person_id, device_id=str(kiosk_id),
                             captured_at=occurred_at, kind=kinds.get(kind, auto),
                             source=sources.get(source, face))
            for punch_id, person_id, kiosk_id, occurred_at, kind, source
            in session.execute(query) if person_id in wanted]


def sync_watermark(session: Session) -> datetime | None:
    """The oldest last contact among provisioned, unrevoked kiosks (None without kiosks):
    the newest instant up to which every site's punches are in (stored days wait for it)."""
    marks = sync_watermarks(session)
    return min(marks.values()) if marks else None


def sync_watermarks(session: Session) -> dict[uuid.UUID, datetime]:
    """Per site (service.sites), the oldest last contact among its provisioned, unrevoked
    kiosks; a site without one is absent. A person's days whose shift closed after their
    own site's watermark stay PENDING instead of marking them absent: a silent kiosk of
    another building says nothing about them."""
    default = sites.default_site_id(session)
    marks: dict[uuid.UUID, datetime] = {}
    for site, seen in session.execute(select(Kiosk.site_id, Kiosk.last_seen_at).where(
            Kiosk.provisioned_at.is_not(None), Kiosk.revoked_at.is_(None))):
        if seen is not None:
            key = site or default
            marks[key] = min(marks.get(key, seen), seen)
    return marks


def day_summaries(session: Session, people: list[Person], first: date, last: date,
                  now: datetime, use_watermark: bool = True,
                  overtime_after_min: int = attendance.DEFAULT_OVERTIME_AFTER_MIN
                  ) -> list[attendance.DaySummary]:
    """One domain summary per person per day in [first, last]; ``overtime_after_min`` is the
    site's overtime threshold in minutes (``[reports]`` settings). Settled days come from
    the materialised ``day_results`` rows (``day_results.py``); the today board, which
    ignores the watermark, always computes."""
    if not use_watermark:
        return compute_day_summaries(session, people, first, last, now, False,
                                     overtime_after_min)
    from sync_server.service import day_results  # it builds on this module

    return day_results.summaries(session, people, first, last, now, overtime_after_min)


def compute_day_summaries(session: Session, people: list[Person], first: date, last: date,
                          now: datetime, use_watermark: bool = True,
                          overtime_after_min: int = attendance.DEFAULT_OVERTIME_AFTER_MIN
                          ) -> list[attendance.DaySummary]:
    """``day_summaries`` computed from punches, corrections and the schedule by the domain
    core, reading no stored day.

    People are summarised one department at a time, each with a schedule holding only the
    assignments, holidays and leave that can concern them: the domain core scans a
    schedule's assignments for every punch and day, so a ministry-wide schedule would make
    a month's report quadratic (~40 s for 5,000 people instead of a few seconds).
    """
    schedule = schedules.load_schedule(session)
    ids = [p.id for p in people]
    punches = load_punches(session, ids, first, last)
    all_corrections = corrections.domain_corrections(session, ids)
    watermarks = sync_watermarks(session) if use_watermark else {}
    placed = sites.sites_of_people(session) if watermarks else {}
    groups: dict[tuple[uuid.UUID | None, str | None], list[Person]] = defaultdict(list)
    for person in people:
        groups[(placed.get(person.id), person.department)].append(person)
    punches_of: dict[uuid.UUID, list[attendance.Punch]] = defaultdict(list)
    for punch in punches:
        punches_of[punch.person_id].append(punch)
    result: list[attendance.DaySummary] = []
    for (site, department), members in groups.items():
        member_ids = {p.id for p in members}
        result += attendance.build_day_summaries(
            [to_domain_person(p) for p in members], first, last,
            narrowed_schedule(schedule, department, member_ids),
            [punch for pid in member_ids for punch in punches_of.get(pid, [])],
            [c for c in all_corrections if c.person_id in member_ids],
            watermark=watermarks.get(site) if site else None, now=now,
            overtime_after_min=overtime_after_min)
    return result


def narrowed_schedule(schedule: attendance.Schedule, department: str | None,
              member_ids: set[uuid.UUID]) -> attendance.Schedule:
    """The part of ``schedule`` that concerns these members of ``department``."""
    department_id = schedules.department_uuid(department) if department else None
    assignments = [a for a in schedule.assignments if a.person_id in member_ids
                   or (a.department_id is not None and a.department_id == department_id)]
    return attendance.Schedule(
        schedule.shift_types.values(), assignments,
        [h for h in schedule.holidays if h.department_id in (None, department_id)],
        schedules.SITE_ZONE, [leave for leave in schedule.leaves
                              if leave.person_id in member_ids])


@dataclass
class LatenessReport:
    first: date
    last: date
    people: list[Person]
    by_person: dict[uuid.UUID, attendance.Totals]
    by_department: dict[str, attendance.Totals]
    overall: attendance.Totals
    late_minutes_by_day: dict[date, int] = field(default_factory=dict)
    late_entries_by_day: dict[date, int] = field(default_factory=dict)


def lateness_report(session: Session, people: list[Person], first: date, last: date,
                    now: datetime,
                    overtime_after_min: int = attendance.DEFAULT_OVERTIME_AFTER_MIN
                    ) -> LatenessReport:
    """Totals per person and department over [first, last], plus the daily lateness series.

    A whole ministry's month takes seconds to compute, and HR asks for the same report again
    and again (sorting, filtering, then CSV and XLSX exports), so reports are memoised on
    everything they depend on: the people, the range, a version of the data (see
    :func:`data_version`) and the instants that can still change a day's status, ``now``
    and the sync watermarks (one per site), each floored to the minute and clipped to the
    end of the range (a range long past gives one key forever, until its data changes).
    ``overtime_after_min`` is the site's overtime threshold in minutes (``[reports]``).
    """
    closed = datetime.combine(last + timedelta(days=1), time(0),
                              tzinfo=ZoneInfo(schedules.SITE_ZONE)) + MARGIN
    now = _minute(now)
    marks = tuple(sorted((str(site), min(_minute(mark), closed))
                         for site, mark in sync_watermarks(session).items()))
    key = (_digest(p.id for p in people), first, last, data_version(session, first, last),
           min(now, closed), marks, overtime_after_min)
    cached = _REPORTS.get(key)
    if cached is not None:
        return cached
    report = _lateness_report(session, people, first, last, now, overtime_after_min)
    _REPORTS.put(key, report)
    return report


def _lateness_report(session: Session, people: list[Person], first: date, last: date,
                     now: datetime, overtime_after_min: int) -> LatenessReport:
    from sync_server.service import day_totals  # it builds on this module

    summed = day_totals.range_totals(session, people, first, last, now, overtime_after_min)
    report = summed.report
    names = {schedules.department_uuid(p.department): p.department
             for p in people if p.department}
    by_department = {names.get(key, "") if key else "": totals
                     for key, totals in report.by_department.items()}
    return LatenessReport(first, last, people, report.by_person, by_department, report.overall,
                          summed.late_minutes_by_day, summed.late_entries_by_day)


def data_version(session: Session, first: date, last: date) -> tuple[object, ...]:
    """What a report over [first, last] depends on, condensed: counts and newest change times
    of the range's punches (an index on occurred_at, received_at answers it), the newest
    review of a held punch, of corrections, people, and every schedule table. Any insert,
    edit, review or delete moves one of them."""
    zone = ZoneInfo(schedules.SITE_ZONE)
    since = datetime.combine(first, time(0), tzinfo=zone) - MARGIN
    until = datetime.combine(last, time(0), tzinfo=zone) + MARGIN
    version: list[object] = list(session.execute(
        select(func.count(), func.max(Punch.received_at))
        .where(Punch.occurred_at >= since, Punch.occurred_at < until)).one())
    # Reviewed punches are few and indexed by review: a cheap global newest review.
    version.append(session.scalar(select(func.max(Punch.reviewed_at)).where(
        Punch.review.in_(punch_review.REVIEWED))))
    for stamp in (Person.updated_at, CorrectionRow.made_at, ShiftTypeRow.updated_at,
                  ShiftAssignmentRow.updated_at, HolidayRow.updated_at, LeaveRow.created_at):
        version += session.execute(select(func.count(), func.max(stamp))).one()
    return tuple(version)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _digest(ids: Iterable[uuid.UUID]) -> str:
    return hashlib.blake2b(b"".join(sorted(i.bytes for i in ids)), digest_size=16).hexdigest()


class _Memo:
    """A small thread-safe LRU of finished reports (they are never mutated after building)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple[object, ...], LatenessReport] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> LatenessReport | None:
        with self._lock:
            report = self._items.get(key)
            if report is not None:
                self._items.move_to_end(key)
            return report

    def put(self, key: tuple[object, ...], report: LatenessReport) -> None:
        with self._lock:
            self._items[key] = report
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_REPORTS = _Memo(size=16)


@dataclass(frozen=True)
class TimesheetDay:
    day: date
    status: attendance.DayStatus
    first_in: datetime | None  # local time in the site's zone
    last_out: datetime | None
    worked_minutes: int | None
    late_minutes: int
    early_exit_minutes: int
    late_excused: bool
    corrected: bool


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of "YYYY-MM"."""
    year, number = (int(part) for part in month.split("-"))
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return first, following - timedelta(days=1)


def timesheet(session: Session, person: Person, first: date, last: date,
              now: datetime) -> tuple[list[TimesheetDay], attendance.Totals]:
    """Each day's first-in/last-out (local), worked minutes and verdict, and the totals."""
    zone = ZoneInfo(schedules.SITE_ZONE)
    days = day_summaries(session, [person], first, last, now)
    rows = [TimesheetDay(d.day, d.status,
                         d.first_in.astimezone(zone) if d.first_in else None,
                         d.last_out.astimezone(zone) if d.last_out else None,
                         d.worked_minutes, d.late_minutes, d.early_exit_minutes,
                         d.late_excused, d.corrected) for d in days]
    totals = attendance.summarize_range([to_domain_person(person)], days).overall
    return rows, totals


class BoardState:
    IN = "in"
    LATE = "late"
    OUT = "out"
    NOT_YET = "not_yet"
    ABSENT = "absent"
    ON_LEAVE = "on_leave"
    HOLIDAY = "holiday"
    OFF = "off"


@dataclass(frozen=True)
class BoardEntry:
    person_id: uuid.UUID
    name: str
    department: str
    state: str  # a BoardState value
    late_minutes: int
    first_in: datetime | None  # local
    last_out: datetime | None  # local


def today_board(session: Session, people: list[Person], now: datetime) -> list[BoardEntry]:
    """Everyone's state today (local date of ``now``): in, late, out, absent, on leave..."""
    zone = ZoneInfo(schedules.SITE_ZONE)
    today = now.astimezone(zone).date()
    schedule = schedules.load_schedule(session)
    by_id = {p.id: p for p in people}
    entries = []
    for summary in day_summaries(session, people, today, today, now, use_watermark=False):
        person = by_id[summary.person_id]
        state = _board_state(summary, schedule, to_domain_person(person), now)
        entries.append(BoardEntry(person.id, person.display_name, person.department or "",
                                  state, summary.late_minutes,
                                  summary.first_in.astimezone(zone) if summary.first_in else None,
                                  summary.last_out.astimezone(zone) if summary.last_out
                                  else None))
    return entries


def _board_state(summary: attendance.DaySummary, schedule: attendance.Schedule,
                 person: attendance.Person, now: datetime) -> str:
    status = summary.status
    if status is attendance.DayStatus.ON_LEAVE:
        return BoardState.ON_LEAVE
    if status is attendance.DayStatus.HOLIDAY:
        return BoardState.HOLIDAY
    if summary.first_in is None:
        if status is attendance.DayStatus.NO_SHIFT:
            return BoardState.OFF
        if status is attendance.DayStatus.ABSENT:
            return BoardState.ABSENT
        shift = schedule.occurrence_on(person, summary.day)
        grace = timedelta(minutes=shift.shift.late_grace_min) if shift else timedelta(0)
        started = shift is not None and now > shift.start + grace
        return BoardState.ABSENT if started else BoardState.NOT_YET
    if summary.last_out is not None:
        return BoardState.OUT
    return BoardState.LATE if summary.late_minutes > 0 else BoardState.IN
