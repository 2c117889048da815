"""The monthly timesheet grid as an XLSX workbook: one sheet per department.

Each sheet opens with a header block (title, period as two date cells, department, who
generated it and when, as a date-time cell in the site's local time), then the grid: code,
name, one column per date (the header cells are real dates), the person's totals in whole
minutes, and a totals row (people worked per day, the department's totals).
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import attendance
from sync_server.service.timesheet_grid import DepartmentGrid, legend
from sync_server.texts import translate

TOTAL_KEYS = ("days_expected", "days_worked", "late_entries", "late_minutes_total",
              "early_exits", "early_exit_minutes_total", "absences", "forgotten_checkouts",
              "worked_minutes_total", "overtime_minutes_total", "holiday_work_minutes_total",
              "rest_day_work_minutes_total")



def label(language: str, key: str) -> str:
    """The grid's word for ``key`` (sync_server.texts, keys ``grid_*``)."""
    return translate(language, f"grid_{key}")


def total_values(totals: attendance.Totals) -> list[int]:
    return [int(getattr(totals, key)) for key in TOTAL_KEYS]


def grid_workbook(grids: list[DepartmentGrid], generated_by: str, generated_at: datetime,
                  language: str) -> bytes:
    """The workbook's bytes; ``generated_at`` is a local (site zone) aware datetime."""
    from openpyxl import Workbook  # type: ignore[import-untyped]  # only exports need it

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for grid in grids:
        sheet = book.create_sheet(_sheet_title(grid.department or label(language, "none"), used))
        _write_sheet(sheet, grid, generated_by, generated_at.replace(tzinfo=None), language)
    if not grids:
        book.create_sheet(label(language, "title"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_sheet(sheet: object, grid: DepartmentGrid, generated_by: str,
                 generated_at: datetime, language: str) -> None:
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    ws: object = sheet
    add = ws.append  # type: ignore[attr-defined]  # openpyxl has no type hints
    add([label(language, "title")])
    add([label(language, "period"), grid.first, grid.last])
    add([label(language, "department"), grid.department or label(language, "none")])
    add([label(language, "generated_by"), generated_by])
    add([label(language, "generated_at"), generated_at])
    add([label(language, "legend"), "; ".join(f"{s} = {m}" for s, m in legend(language))])
    add([])
    dates = grid.dates
    add([label(language, "code"), label(language, "name"), *dates,
         *(label(language, key) for key in TOTAL_KEYS)])
    for row in grid.rows:
        add([row.person.employee_code or "", row.person.display_name, *row.symbols(),
             *total_values(row.totals)])
    add(["", label(language, "total"), *(grid.by_day[d].worked if d in grid.by_day else 0
                                         for d in dates), *total_values(grid.totals)])
    cell = ws.cell  # type: ignore[attr-defined]
    cell(1, 1).font = Font(bold=True, size=14)
    for column in (2, 3):
        cell(2, column).number_format = "dd/mm/yyyy"
    cell(5, 2).number_format = "dd/mm/yyyy hh:mm"
    header, last_row = 8, 8 + len(grid.rows) + 1
    for column in range(1, 3 + len(dates) + len(TOTAL_KEYS)):
        cell(header, column).font = Font(bold=True)
        cell(last_row, column).font = Font(bold=True)
    for offset in range(len(dates)):
        cell(header, 3 + offset).number_format = "dd"
        ws.column_dimensions[get_column_letter(3 + offset)].width = 4  # type: ignore[attr-defined]
    ws.column_dimensions["B"].width = 28  # type: ignore[attr-defined]
    ws.freeze_panes = cell(header + 1, 3)  # type: ignore[attr-defined]


def _sheet_title(name: str, used: set[str]) -> str:
    """A unique sheet title within Excel's rules: 31 characters, none of []:*?/\\."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "-"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title
