"""The attendance vocabulary: people, punches, shift types, assignments, holidays, corrections.

Every instant is timezone-aware UTC; local dates and times appear only in shift rules, where
the site's zone turns them into instants (see ``shifts.py``).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from attendance.clock import require_utc

ALL_WEEKDAYS = frozenset(range(7))
MONDAY_TO_FRIDAY = frozenset(range(5))


class PunchKind(enum.Enum):
    CHECK_IN = "in"
    CHECK_OUT = "out"
    AUTO = "auto"  # the rules decide: first of a shift is a check-in, later ones check-outs


class PunchSource(enum.Enum):
    FACE = "face"
    PIN = "pin"  # the non-biometric alternative counts the same in reports
    QR = "qr"
    MANUAL = "manual"  # added by HR as a correction


@dataclass(frozen=True)
class Department:
    id: uuid.UUID
    name: str


_DEPARTMENT_NAMESPACE = uuid.UUID("6f0b8c52-7d5e-4c1a-9a52-0d6c1f3e2b10")


def department_uuid(name: str) -> uuid.UUID:
    """The stable id of a department name. People and kiosks know a department by its name;
    assignments and holidays name it by this id. Server and kiosk derive it the same way, so
    a department assignment made on the server matches the person on every kiosk."""
    return uuid.uuid5(_DEPARTMENT_NAMESPACE, name)


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    full_name: str
    employee_code: str = ""
    department_id: uuid.UUID | None = None
    active: bool = True


@dataclass(frozen=True)
class Punch:
    """One recognition (or PIN/QR entry) at a device; ``id`` is made at capture."""

    id: uuid.UUID
    person_id: uuid.UUID
    device_id: str
    captured_at: datetime
    kind: PunchKind = PunchKind.AUTO
    source: PunchSource = PunchSource.FACE

    def __post_init__(self) -> None:
        object.__setattr__(self, "captured_at", require_utc(self.captured_at, "captured_at"))


@dataclass(frozen=True)
class ShiftType:
    """A working pattern in local wall-clock time.

    ``end <= start`` means the shift crosses midnight (22:00-06:00); its attendance date is
    the date it starts. Windows and graces are minutes; thresholds are hours worked.
    """

    id: uuid.UUID
    name: str
    start: time
    end: time
    checkin_window_min: int = 60  # a check-in counts from this long before the start
    checkout_window_min: int = 240  # and a check-out until this long after the end
    late_grace_min: int = 5  # arriving up to start + grace is on time
    early_exit_grace_min: int = 5  # leaving from end - grace on is on time
    half_day_below_h: float = 4.0  # worked less than this: half day
    absent_below_h: float = 1.0  # worked less than this: absent
    working_days: frozenset[int] = field(default=MONDAY_TO_FRIDAY)  # 0 = Monday

    def __post_init__(self) -> None:
        for name in ("checkin_window_min", "checkout_window_min", "late_grace_min",
                     "early_exit_grace_min"):
            if getattr(self, name) < 0:
                raise ValueError(f"shift {self.name}: {name} must not be negative")
        if not 0 <= self.absent_below_h <= self.half_day_below_h:
            raise ValueError(f"shift {self.name}: need 0 <= absent_below_h <= half_day_below_h")
        if not self.working_days <= ALL_WEEKDAYS:
            raise ValueError(f"shift {self.name}: working days are 0 (Monday) to 6 (Sunday)")

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class ShiftAssignment:
    """A shift type for a person or a whole department from ``start`` to ``end`` (inclusive).

    Exactly one of ``person_id`` and ``department_id`` is set; ``end`` None = open-ended.
    """

    id: uuid.UUID
    shift_type_id: uuid.UUID
    start: date
    end: date | None = None
    person_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None

    def __post_init__(self) -> None:
        if (self.person_id is None) == (self.department_id is None):
            raise ValueError("a shift assignment names a person or a department, not both")
        if self.end is not None and self.end < self.start:
            raise ValueError("a shift assignment cannot end before it starts")

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    department_id: uuid.UUID | None = None  # None: for everyone


@dataclass(frozen=True)
class Leave:
    """Approved leave for a person, whole days, inclusive."""

    person_id: uuid.UUID
    start: date
    end: date

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


class CorrectionKind(enum.Enum):
    ADD_PUNCH = "add_punch"  # a missed punch, with its instant
    VOID_PUNCH = "void_punch"  # a wrong punch, by id
    EXCUSE_LATE = "excuse_late"  # a late entry excused for one attendance date


@dataclass(frozen=True)
class Correction:
    """HR's correction, applied on top of raw punches; the punches themselves never change."""

    id: uuid.UUID
    kind: CorrectionKind
    person_id: uuid.UUID
    reason: str
    made_by: str
    made_at: datetime
    punch_id: uuid.UUID | None = None  # VOID_PUNCH
    instant: datetime | None = None  # ADD_PUNCH
    punch_kind: PunchKind = PunchKind.AUTO  # ADD_PUNCH
    day: date | None = None  # EXCUSE_LATE: the attendance date

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("a correction needs a reason")
        object.__setattr__(self, "made_at", require_utc(self.made_at, "made_at"))
        if self.kind is CorrectionKind.ADD_PUNCH:
            if self.instant is None:
                raise ValueError("an added punch needs its instant")
            object.__setattr__(self, "instant", require_utc(self.instant, "instant"))
        if self.kind is CorrectionKind.VOID_PUNCH and self.punch_id is None:
            raise ValueError("voiding needs the punch id")
        if self.kind is CorrectionKind.EXCUSE_LATE and self.day is None:
            raise ValueError("an excuse needs the attendance date")

