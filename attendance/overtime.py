"""Overtime and work on holidays and rest days, from one day's first check-in and last check-out.

Rules (minutes are whole minutes, rounded down)
- Overtime is time worked after the shift END, never before its start: coming in early is
  not overtime.
- Late minutes that were not excused are made up first: someone 20 minutes late who stays
  50 minutes past the end has 30 minutes of extra time, not 50. Excused lateness owes nothing.
- The extra time counts only once it reaches the site's threshold (``overtime_after_min``,
  e.g. 30): 29 extra minutes give 0 overtime, 30 give 30 (the whole extra, not extra - 30).
- A day without a check-out (forgotten, pending) has no overtime: its end is unknown.
- Time worked on a HOLIDAY counts as holiday work, and time worked on a REST DAY (a day the
  person's assigned shift does not work) as rest-day work, whole, with no threshold and no
  overtime on top. A day with no shift assigned at all is neither: nothing was agreed.
"""

from __future__ import annotations

from datetime import datetime

from attendance.shifts import ShiftOccurrence

DEFAULT_OVERTIME_AFTER_MIN = 30


def overtime_minutes(shift: ShiftOccurrence, last_out: datetime | None, late_minutes: int,
                     overtime_after_min: int = DEFAULT_OVERTIME_AFTER_MIN) -> int:
    """Overtime minutes of a shift day left at ``last_out`` (see the module rules).

    ``late_minutes`` are the day's unexcused late minutes; ``overtime_after_min`` the site's
    threshold in minutes (0: every extra minute counts).
    """
    if overtime_after_min < 0:
        raise ValueError("the overtime threshold must not be negative")
    if last_out is None or last_out <= shift.end:
        return 0
    beyond = int((last_out - shift.end).total_seconds() // 60)
    extra = beyond - max(late_minutes, 0)
    return extra if extra >= max(overtime_after_min, 1) else 0
