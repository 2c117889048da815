"""A person's attendance on one date, from raw punches plus HR's corrections.

Statuses
- HOLIDAY, ON_LEAVE, NO_SHIFT: nothing was expected (punches are still listed and counted).
- PENDING: the day is not final. Either it is not over (now before the check-out window
  closes), or some device has not synced past the end of the shift (the last-sync
  watermark): a kiosk that comes back online days later must not have marked anyone absent.
- ABSENT: no punch, or less than ``absent_below_h`` worked; HALF_DAY: less than
  ``half_day_below_h``; LATE: a late check-in that HR has not excused; PRESENT otherwise.
- FORGOTTEN_CHECKOUT: a check-in and no check-out once the window has closed. Worked time is
  unknown (None), never a silent 0 or 24 hours; the report counts these days apart.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from attendance.model import Correction, CorrectionKind, Punch, PunchKind, PunchSource
from attendance.overtime import DEFAULT_OVERTIME_AFTER_MIN, overtime_minutes
from attendance.shifts import ShiftOccurrence
from attendance.verdict import (
    DEFAULT_COOLDOWN_S,
    PunchVerdict,
    VerdictStatus,
    drop_duplicates,
    verdict_for_punch,
)


class DayStatus(enum.Enum):
    PRESENT = "present"
    LATE = "late"
    HALF_DAY = "half_day"
    ABSENT = "absent"
    HOLIDAY = "holiday"
    ON_LEAVE = "on_leave"
    NO_SHIFT = "no_shift"
    FORGOTTEN_CHECKOUT = "forgotten_checkout"
    PENDING = "pending"


@dataclass(frozen=True)
class DaySummary:
    person_id: uuid.UUID
    day: date
    status: DayStatus
    first_in: datetime | None = None
    last_out: datetime | None = None
    worked_minutes: int | None = None  # None when unknown (forgotten check-out, pending)
    late_minutes: int = 0  # counted from the shift start; 0 when excused
    early_exit_minutes: int = 0
    late_excused: bool = False
    punches: int = 0  # punches kept after corrections and the cooldown
    corrected: bool = False  # any correction touched this day
    overtime_minutes: int = 0  # after the shift end, past the site threshold (overtime.py)
    holiday_work_minutes: int = 0  # worked on a holiday
    rest_day_work_minutes: int = 0  # worked on a day the assigned shift does not work


@dataclass(frozen=True)
class DayContext:
    """What was expected of the person on the date, and how final the data is."""

    person_id: uuid.UUID
    day: date
    shift: ShiftOccurrence | None
    holiday: bool = False
    on_leave: bool = False
    watermark: datetime | None = None  # the oldest last-sync instant among the site's devices
    now: datetime | None = None
    rest_day: bool = False  # a shift is assigned but does not work on this weekday
    overtime_after_min: int = DEFAULT_OVERTIME_AFTER_MIN  # the site's overtime threshold


def apply_corrections(punches: Iterable[Punch], corrections: Iterable[Correction],
                      person_id: uuid.UUID) -> tuple[list[Punch], bool]:
    """Raw punches with voided ones removed and added ones included (``corrected`` flag)."""
    own = [p for p in punches if p.person_id == person_id]
    relevant = [c for c in corrections if c.person_id == person_id]
    voided = {c.punch_id for c in relevant if c.kind is CorrectionKind.VOID_PUNCH}
    result = [p for p in own if p.id not in voided]
    for c in relevant:
        if c.kind is CorrectionKind.ADD_PUNCH and c.instant is not None:
            result.append(Punch(id=c.id, person_id=person_id, device_id="correction",
                                captured_at=c.instant, kind=c.punch_kind,
                                source=PunchSource.MANUAL))
    touched = bool(voided & {p.id for p in own}) or any(
        c.kind is CorrectionKind.ADD_PUNCH for c in relevant)
    return sorted(result, key=lambda p: p.captured_at), touched


def is_excused(corrections: Iterable[Correction], person_id: uuid.UUID, day: date) -> bool:
    return any(c.kind is CorrectionKind.EXCUSE_LATE and c.person_id == person_id and c.day == day
               for c in corrections)


def summarize_day(context: DayContext, punches: Sequence[Punch],
                  corrections: Sequence[Correction] = (),
                  cooldown_s: int = DEFAULT_COOLDOWN_S) -> DaySummary:
    """The day's summary from the punches that belong to it (see ``Schedule``)."""
    kept, corrected = apply_corrections(punches, corrections, context.person_id)
    kept = drop_duplicates(kept, cooldown_s)
    corrected = corrected or is_excused(corrections, context.person_id, context.day)
    base = DaySummary(context.person_id, context.day, DayStatus.PENDING, punches=len(kept),
                      corrected=corrected)
    first_in, last_out = pair_first_in_last_out(kept)
    times = {"first_in": first_in.captured_at if first_in else None,
             "last_out": last_out.captured_at if last_out else None}
    status, shift = nothing_expected(context), context.shift
    if status is not None or shift is None:  # (no shift: status is NO_SHIFT)
        status = status or DayStatus.NO_SHIFT
        worked = _worked(first_in, last_out)
        return _with(base, status=status, worked_minutes=worked, **times,
                     **_off_day_work(context, status, worked))
    final = _is_final(context, shift)
    if first_in is None:
        return _with(base, status=DayStatus.ABSENT if final else DayStatus.PENDING)
    check_in = verdict_for_punch(shift, [], first_in, cooldown_s)
    excused = is_excused(corrections, context.person_id, context.day)
    late = 0 if excused else check_in.minutes if check_in.status is VerdictStatus.LATE else 0
    if last_out is None:
        status = DayStatus.FORGOTTEN_CHECKOUT if final else DayStatus.PENDING
        return _with(base, status=status, late_minutes=late, late_excused=excused, **times)
    check_out: PunchVerdict = verdict_for_punch(shift, [first_in], last_out, cooldown_s)
    worked = _worked(first_in, last_out)
    early = check_out.minutes if check_out.status is VerdictStatus.EARLY_LEAVE else 0
    status = _status_for(shift, worked or 0, late)
    if not final and status in (DayStatus.ABSENT, DayStatus.HALF_DAY):
        status = DayStatus.PENDING  # a later check-out may still arrive from a slow device
    overtime = overtime_minutes(shift, last_out.captured_at, late, context.overtime_after_min)
    return _with(base, status=status, worked_minutes=worked, late_minutes=late,
                 early_exit_minutes=early, late_excused=excused, overtime_minutes=overtime,
                 **times)


def nothing_expected(context: DayContext) -> DayStatus | None:
    """HOLIDAY, ON_LEAVE or NO_SHIFT (in that order) when nothing is expected of the person
    on the day, None when their shift is: what the reports and the shift calendar show."""
    if context.holiday:
        return DayStatus.HOLIDAY
    if context.on_leave:
        return DayStatus.ON_LEAVE
    return DayStatus.NO_SHIFT if context.shift is None else None


def _off_day_work(context: DayContext, status: DayStatus,
                  worked: int | None) -> dict[str, int]:
    """Holiday or rest-day work minutes of a day with nothing expected (overtime.py)."""
    if status is DayStatus.HOLIDAY:
        return {"holiday_work_minutes": worked or 0}
    if status is DayStatus.NO_SHIFT and context.rest_day:
        return {"rest_day_work_minutes": worked or 0}
    return {}


def pair_first_in_last_out(punches: Sequence[Punch]) -> tuple[Punch | None, Punch | None]:
    """First check-in and last check-out of a day's punches (in time order).

    Explicit kinds are honoured: the first punch that is not a CHECK_OUT opens the day, the
    last punch after it that is not a CHECK_IN closes it. A single punch opens and closes
    nothing else: (punch, None).
    """
    opener = next((p for p in punches if p.kind is not PunchKind.CHECK_OUT), None)
    if opener is None:
        return None, None
    after = [p for p in punches if p.captured_at > opener.captured_at
             and p.kind is not PunchKind.CHECK_IN]
    return opener, (after[-1] if after else None)


def _is_final(context: DayContext, shift: ShiftOccurrence) -> bool:
    closes = shift.window_close
    if context.now is not None and context.now < closes:
        return False
    return context.watermark is None or context.watermark >= closes


def _worked(first_in: Punch | None, last_out: Punch | None) -> int | None:
    if first_in is None or last_out is None:
        return None
    return int((last_out.captured_at - first_in.captured_at).total_seconds() // 60)


def _status_for(shift: ShiftOccurrence, worked_minutes: int, late_minutes: int) -> DayStatus:
    hours = worked_minutes / 60
    if hours < shift.shift.absent_below_h:
        return DayStatus.ABSENT
    if hours < shift.shift.half_day_below_h:
        return DayStatus.HALF_DAY
    return DayStatus.LATE if late_minutes > 0 else DayStatus.PRESENT


def _with(base: DaySummary, **changes: object) -> DaySummary:
    return replace(base, **changes)  # type: ignore[arg-type]
