"""The words of the scheduled report e-mails: Vietnamese first, then English; times in the
site's zone. Pure functions of the report data (``service/report_mail.py`` sends them)."""

from __future__ import annotations

from collections.abc import Sequence

from sync_server.service.reports import BoardEntry, BoardState
from sync_server.service.timesheet_grid import DepartmentGrid

MONTHLY_LINES = (
    ("days_expected", "Ngày phải làm / Days expected"),
    ("days_worked", "Ngày đi làm / Days worked"),
    ("late_entries", "Lần đi muộn / Late entries"),
    ("late_minutes_total", "Phút đi muộn / Late minutes"),
    ("early_exits", "Lần về sớm / Early exits"),
    ("absences", "Ngày vắng / Absences"),
    ("forgotten_checkouts", "Quên chấm ra / Forgotten check-outs"),
    ("overtime_minutes_total", "Phút làm thêm / Overtime minutes"),
    ("holiday_work_minutes_total", "Phút làm ngày lễ / Holiday-work minutes"),
)


def _day_label(period: str) -> str:
    year, month, day = period.split("-")
    return f"{day}/{month}/{year}"


def daily(department: str, period: str, board: Sequence[BoardEntry]) -> tuple[str, str]:
    """Subject and body of a leader's "late and absent today" (``period``: ISO date)."""
    late = [e for e in board if e.state == BoardState.LATE or
            (e.late_minutes > 0 and e.first_in is not None)]
    absent = [e for e in board if e.state == BoardState.ABSENT]
    subject = (f"Đi muộn {len(late)}, vắng {len(absent)} - {department} - "
               f"{_day_label(period)} / Late {len(late)}, absent {len(absent)}")
    lines = [f"Phòng / Department: {department}", f"Ngày / Date: {_day_label(period)}", "",
             f"Đi muộn / Late ({len(late)})"]
    lines += [f"- {e.name}: {e.late_minutes} phút/min, vào/in "
              f"{e.first_in:%H:%M}" if e.first_in else f"- {e.name}" for e in late]
    lines += ["", f"Vắng / Absent ({len(absent)})"]
    lines += [f"- {e.name}" for e in absent]
    if not late and not absent:
        lines += ["", "Không ai đi muộn hay vắng. / Nobody late or absent."]
    return subject, "\n".join(lines) + "\n"


def monthly(own: bool, period: str, grids: Sequence[DepartmentGrid]) -> tuple[str, str]:
    """Subject and body of a monthly summary (``own``: one person's own month)."""
    year, month = period.split("-")
    heading = "Tháng của bạn / Your month" if own else "Tổng hợp tháng / Monthly summary"
    subject = f"{heading} {month}/{year}"
    lines = [subject, ""]
    for grid in grids:
        people = len(grid.rows)
        lines.append(f"Phòng / Department: {grid.department or '-'} "
                     f"({people} người / people)")
        lines += [f"  {words}: {getattr(grid.totals, key)}" for key, words in MONTHLY_LINES]
        lines.append("")
    lines.append("Bảng chấm công đính kèm (PDF, XLSX). / The timesheet is attached (PDF, XLSX).")
    return subject, "\n".join(lines) + "\n"
