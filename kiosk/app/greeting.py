"""The greeting's check-in/check-out and verdict text, from the shared domain rules.

The rules live in the pure ``attendance`` package (the same code the server's reports use);
this module converts the store's records into its vocabulary and asks it. Runs on the
inference worker thread (it reads SQLite).

Schedule data arrives through the change feed as JSON objects and is cached by the store as
sent. Expected fields (the names of attendance's dataclasses):
  shift_type:       id, name, start "HH:MM", end "HH:MM", and optionally checkin_window_min,
                    checkout_window_min, late_grace_min, early_exit_grace_min,
                    half_day_below_h, absent_below_h, working_days [0=Monday..6]
  shift_assignment: id, shift_type_id, start "YYYY-MM-DD", end (or null), person_id or
                    department_id
  holiday:          day "YYYY-MM-DD", name, department_id (or null)
  leave:            person_id, start, end "YYYY-MM-DD" (inclusive): approved leave
Records that do not fit are skipped with a warning, so a bad record never stops check-ins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, time, timedelta
from typing import Any, TypeVar
from uuid import UUID

import attendance
from kiosk.app.state import PunchDirection
from kiosk.store import KioskStore, Punch
from kiosk.store import Person as StorePerson

log = logging.getLogger(__name__)

LOOK_BACK = timedelta(hours=36)  # a night shift's check-in is on the previous local date
RecordT = TypeVar("RecordT")

def to_domain_punch(punch: Punch, device_id: str) -> attendance.Punch:
    return attendance.Punch(id=punch.id, person_id=punch.person_id, device_id=device_id,
                            captured_at=punch.captured_at, kind=punch.kind,
                            source=punch.source)


def to_domain_person(person: StorePerson) -> attendance.Person:
    return attendance.Person(id=person.id, full_name=person.display_name,
                             employee_code=person.employee_code or "",
                             department_id=attendance.department_uuid(person.department)
                             if person.department else None,
                             active=person.active)


def schedule_from_store(store: KioskStore, zone_name: str) -> attendance.Schedule:
    """The site's schedule from the cached feed records (bad records skipped, logged)."""
    data = store.feed.shift_data()
    shift_types = _convert(data.shift_types, _shift_type, "shift type")
    known = {s.id for s in shift_types}
    assignments = [a for a in _convert(data.assignments, _assignment, "shift assignment")
                   if a.shift_type_id in known]
    holidays = _convert(data.holidays, _holiday, "holiday")
    leaves = _convert(data.leaves, _leave, "leave")
    return attendance.Schedule(shift_types, assignments, holidays, zone=zone_name,
                               leaves=leaves)


def verdict_text(schedule: attendance.Schedule, person: StorePerson, punch: Punch,
                 earlier: list[Punch], cooldown_s: int, language: str,
                 device_id: str) -> tuple[PunchDirection, str, bool]:
    """(check-in or check-out, "Đúng giờ" / "Late by 12 minutes" ..., quiet) for ``punch``;
    quiet: the verdict says nothing about the person ("no shift today"), shown small. A
    person on approved leave that day (the domain's precedence: a holiday comes first) is
    told no lateness; the punch is recorded all the same (the server decides the day)."""
    who, domain_punch = to_domain_person(person), to_domain_punch(punch, device_id)
    verdict = attendance.verdict_at_kiosk(
        schedule, who, domain_punch, [to_domain_punch(p, device_id) for p in earlier],
        cooldown_s)
    if verdict.status is not attendance.VerdictStatus.DUPLICATE \
            and _on_leave(schedule, who, domain_punch):
        verdict = replace(verdict, status=attendance.VerdictStatus.ON_LEAVE, minutes=0,
                          reason="on_leave")
    direction = (PunchDirection.CHECK_OUT if verdict.kind is attendance.PunchKind.CHECK_OUT
                 else PunchDirection.CHECK_IN)
    quiet = verdict.status is attendance.VerdictStatus.NO_SHIFT
    return direction, attendance.describe(verdict, language), quiet


def _on_leave(schedule: attendance.Schedule, person: attendance.Person,
              punch: attendance.Punch) -> bool:
    """Whether nothing is expected of ``person`` on the punch's day because of leave."""
    day = schedule.attendance_date(person, punch.captured_at)
    context = attendance.day_context(schedule, person, day)
    return attendance.nothing_expected(context) is attendance.DayStatus.ON_LEAVE


def earlier_punches(store: KioskStore, person_id: UUID, punch: Punch) -> list[Punch]:
    """The person's punches in the LOOK_BACK window before ``punch`` (not itself)."""
    return [p for p in store.punches.between(person_id, punch.captured_at - LOOK_BACK,
                                             punch.captured_at) if p.id != punch.id]


def _convert(records: Iterable[dict[str, Any]], build: Callable[[dict[str, Any]], RecordT],
             what: str) -> list[RecordT]:
    converted = []
    for record in records:
        try:
            converted.append(build(record))
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("skipping a cached %s the rules cannot use (%s): %r", what, exc, record)
    return converted


def _shift_type(record: dict[str, Any]) -> attendance.ShiftType:
    optional = {key: record[key] for key in (
        "checkin_window_min", "checkout_window_min", "late_grace_min", "early_exit_grace_min",
        "half_day_below_h", "absent_below_h") if record.get(key) is not None}
    if record.get("working_days") is not None:
        optional["working_days"] = frozenset(int(d) for d in record["working_days"])
    return attendance.ShiftType(id=UUID(str(record["id"])), name=str(record["name"]),
                                start=time.fromisoformat(record["start"]),
                                end=time.fromisoformat(record["end"]), **optional)


def _assignment(record: dict[str, Any]) -> attendance.ShiftAssignment:
    return attendance.ShiftAssignment(
        id=UUID(str(record["id"])), shift_type_id=UUID(str(record["shift_type_id"])),
        start=date.fromisoformat(record["start"]),
        end=date.fromisoformat(record["end"]) if record.get("end") else None,
        person_id=_uuid_or_none(record.get("person_id")),
        department_id=_uuid_or_none(record.get("department_id")))


def _holiday(record: dict[str, Any]) -> attendance.Holiday:
    return attendance.Holiday(day=date.fromisoformat(record["day"]),
                              name=str(record.get("name", "")),
                              department_id=_uuid_or_none(record.get("department_id")))


def _leave(record: dict[str, Any]) -> attendance.Leave:
    return attendance.Leave(person_id=UUID(str(record["person_id"])),
                            start=date.fromisoformat(record["start"]),
                            end=date.fromisoformat(record["end"]))


def _uuid_or_none(value: object) -> UUID | None:
    if value in (None, ""):
        return None
    try:
        return UUID(str(value))
    except ValueError:
        return None

