"""The attendance domain core: pure Python, no I/O, an injected clock.

The ONE implementation of the attendance rules, used by the kiosk (the greeting: on time or
late, the moment a punch is made) and by the server (HR reports over date ranges).
Standard library only; every function is pure (no I/O, no global state) and may run on any
thread. Instants are timezone-aware UTC (naive ones are refused with ValueError); the site's
zone is applied only to shift rules. Durations are whole minutes, rounded down.

Public API
- Clocks: ``Clock`` (protocol), ``SystemClock``, ``FixedClock``.
- Vocabulary (frozen dataclasses, enums): ``Person``, ``Department``, ``Punch``,
  ``PunchKind``, ``PunchSource``, ``ShiftType``, ``ShiftAssignment``, ``Holiday``, ``Leave``,
  ``Correction``, ``CorrectionKind``.
- Shifts: ``Schedule(shift_types, assignments, holidays=(), zone="Asia/Ho_Chi_Minh",
  leaves=())`` with ``occurrence_on(person, day)``, ``occurrence_for_instant(person, t)``,
  ``attendance_date(person, t)``, ``assigned_shift(person, day)``, ``holiday(person, day)``,
  ``on_leave(person, day)``;
  ``ShiftOccurrence`` (UTC start/end, check-in and check-out windows); ``resolve_shift``;
  ``local_instant(day, time, zone)``.
- One punch: ``verdict_at_kiosk(schedule, person, punch, earlier_today, cooldown_s=120)``
  (what the kiosk calls), built on ``verdict_for_punch(shift_occurrence | None,
  earlier_punches, punch, cooldown_s=120, shift_assigned=False) -> PunchVerdict(kind,
  status, minutes, reason)``,
  ``VerdictStatus``, ``describe(verdict, "en" | "vi")``, ``is_duplicate(prev, new,
  cooldown_s)``, ``drop_duplicates(punches, cooldown_s)``.
- One day: ``summarize_day(DayContext(...), punches, corrections, cooldown_s) ->
  DaySummary``, ``day_context(schedule, person, day, ...)`` (what is expected of a person
  on a day), ``nothing_expected(context)`` (HOLIDAY, ON_LEAVE, NO_SHIFT or None),
  ``DayStatus``, ``apply_corrections``, ``pair_first_in_last_out``.
- Overtime: ``overtime_minutes(shift_occurrence, last_out, late_minutes,
  overtime_after_min)``, ``DEFAULT_OVERTIME_AFTER_MIN``; day summaries carry overtime,
  holiday-work and rest-day-work minutes, totals their sums.
- Ranges: ``build_day_summaries(people, first, last, schedule, punches, corrections,
  watermark, now, cooldown_s, overtime_after_min)``, ``summarize_range(people, days) ->
  RangeReport(by_person, by_department, overall)`` of ``Totals``; ``combine_totals(people,
  by_person)`` (the same report from totals already added up per person).
- Leave balances: ``LeavePolicy(days_per_year, monthly_accrual, carry_over_cap_days,
  counted)``, ``earned_days(policy, year, as_of, joined)``, ``balance(policy, year, as_of,
  taken_by_year, joined, first_year) -> LeaveBalance``, ``working_days(schedule, person,
  start, end)``, ``working_days_by_year(...)``.
"""

from attendance.clock import Clock, FixedClock, SystemClock, require_utc
from attendance.leave_balance import (
    LeaveBalance,
    LeavePolicy,
    balance,
    earned_days,
    working_days,
    working_days_by_year,
)
from attendance.model import (
    ALL_WEEKDAYS,
    MONDAY_TO_FRIDAY,
    Correction,
    CorrectionKind,
    Department,
    Holiday,
    Leave,
    Person,
    Punch,
    PunchKind,
    PunchSource,
    ShiftAssignment,
    ShiftType,
    department_uuid,
)
from attendance.overtime import DEFAULT_OVERTIME_AFTER_MIN, overtime_minutes
from attendance.report import (
    RangeReport,
    Totals,
    add_day,
    build_day_summaries,
    combine_totals,
    day_context,
    days_between,
    summarize_range,
)
from attendance.shifts import (
    Schedule,
    ShiftOccurrence,
    local_instant,
    occurrence,
    resolve_shift,
)
from attendance.summary import (
    DayContext,
    DayStatus,
    DaySummary,
    apply_corrections,
    nothing_expected,
    pair_first_in_last_out,
    summarize_day,
)
from attendance.verdict import (
    DEFAULT_COOLDOWN_S,
    PunchVerdict,
    VerdictStatus,
    describe,
    drop_duplicates,
    is_duplicate,
    verdict_at_kiosk,
    verdict_for_punch,
)

__all__ = [
    "ALL_WEEKDAYS", "DEFAULT_COOLDOWN_S", "DEFAULT_OVERTIME_AFTER_MIN", "MONDAY_TO_FRIDAY",
    "Clock", "Correction", "CorrectionKind", "DayContext", "DayStatus", "DaySummary",
    "Department", "FixedClock", "Holiday", "Leave", "LeaveBalance", "LeavePolicy", "Person",
    "Punch", "PunchKind",
    "PunchSource", "PunchVerdict", "RangeReport", "Schedule", "ShiftAssignment",
    "ShiftOccurrence", "ShiftType", "SystemClock", "Totals", "VerdictStatus", "add_day",
    "apply_corrections", "build_day_summaries", "days_between", "department_uuid", "describe",
    "drop_duplicates", "is_duplicate", "local_instant", "occurrence", "overtime_minutes",
    "pair_first_in_last_out", "require_utc", "resolve_shift", "summarize_day",
    "summarize_range", "verdict_at_kiosk", "verdict_for_punch",
    "balance", "earned_days", "working_days", "working_days_by_year",
    "combine_totals", "day_context", "nothing_expected",
]
