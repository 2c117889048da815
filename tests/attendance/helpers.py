"""Builders for the attendance tables: a site in Ho Chi Minh City, a day and a night shift."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from attendance import (
    ALL_WEEKDAYS,
    Correction,
    CorrectionKind,
    Holiday,
    Leave,
    Person,
    Punch,
    PunchKind,
    Schedule,
    ShiftAssignment,
    ShiftType,
)

HCM = "Asia/Ho_Chi_Minh"
BERLIN = "Europe/Berlin"
DEPT_A = uuid.UUID(int=0xA)
DEPT_B = uuid.UUID(int=0xB)
ALICE = Person(uuid.UUID(int=1), "Nguyễn Thị An", "NV001", DEPT_A)
BINH = Person(uuid.UUID(int=2), "Trần Văn Bình", "NV002", DEPT_A)
CHI = Person(uuid.UUID(int=3), "Lê Minh Chi", "NV003", DEPT_B)

DAY = ShiftType(uuid.UUID(int=100), "Day", time(8), time(17))
NIGHT = ShiftType(uuid.UUID(int=101), "Night", time(22), time(6), working_days=ALL_WEEKDAYS)
EARLY = ShiftType(uuid.UUID(int=102), "Early", time(6), time(14))
DST_GAP = ShiftType(uuid.UUID(int=103), "Gap", time(2, 30), time(10), working_days=ALL_WEEKDAYS)

MONDAY = date(2026, 11, 23)  # a Monday
SATURDAY = date(2026, 11, 28)
HOLIDAY = date(2026, 11, 25)


def assign(shift: ShiftType, person: Person | None = None, department: uuid.UUID | None = None,
           start: date = date(2026, 1, 1), end: date | None = None) -> ShiftAssignment:
    return ShiftAssignment(uuid.uuid4(), shift.id, start, end,
                           person.id if person else None, department)


def schedule(*assignments: ShiftAssignment, zone: str = HCM, leaves: tuple[Leave, ...] = (),
             holidays: tuple[Holiday, ...] = (Holiday(HOLIDAY, "Ngày lễ"),)) -> Schedule:
    return Schedule([DAY, NIGHT, EARLY, DST_GAP], list(assignments), holidays, zone, leaves)


def at(day: date, hh: int, mm: int = 0, ss: int = 0, zone: str = HCM, fold: int = 0) -> datetime:
    """A local wall time as an aware datetime (compare and store as UTC)."""
    return datetime.combine(day, time(hh, mm, ss), tzinfo=ZoneInfo(zone)).replace(fold=fold)


def punch(instant: datetime, person: Person = ALICE, kind: PunchKind = PunchKind.AUTO,
          n: int | None = None) -> Punch:
    ident = uuid.UUID(int=n) if n is not None else uuid.uuid4()
    return Punch(ident, person.id, "kiosk-1", instant, kind)


def correction(kind: CorrectionKind, person: Person = ALICE, **fields: object) -> Correction:
    return Correction(uuid.uuid4(), kind, person.id, "forgot the badge", "hr.lan",
                      at(MONDAY, 18), **fields)  # type: ignore[arg-type]
