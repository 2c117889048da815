"""Leave balances as an XLSX workbook: a header block (title, year, the day counted to,
department, who generated it and when, as date cells in the site's local time), then one row
per person with earned, carried, taken, pending and left days of each active leave type as
numbers (working days)."""

from __future__ import annotations

import io
from datetime import date, datetime

from sync_server.db.leave_models import LeaveTypeRow
from sync_server.service.leave_balances import PersonBalances
from sync_server.texts import translate

FIGURES = ("earned", "carried", "taken", "pending_days", "available")


def figures(row: PersonBalances, kind: LeaveTypeRow) -> list[float]:
    """The five figures of one person and type, in :data:`FIGURES` order (days)."""
    found = row.by_type.get(kind.id)
    if found is None:
        return [0.0] * len(FIGURES)
    b = found.balance
    return [b.earned, b.carried, b.taken, found.pending, b.available]


def workbook(rows: list[PersonBalances], kinds: list[LeaveTypeRow], year: int, as_of: date,
             department: str, generated_by: str, generated_at: datetime,
             language: str) -> bytes:
    """The workbook's bytes; ``generated_at`` is a local (site zone) datetime."""
    from openpyxl import Workbook  # type: ignore[import-untyped]  # only exports need it
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    def word(key: str) -> str:
        return translate(language, key)

    book = Workbook()
    ws = book.active
    ws.title = word("leave_balances")[:31]
    ws.append([word("leave_balances")])
    ws.append([word("lb_year"), year, as_of])
    ws.append([word("department"), department or word("all")])
    ws.append([word("lb_generated_by"), generated_by])
    ws.append([word("lb_generated_at"), generated_at.replace(tzinfo=None)])
    ws.append([])
    names = [k.name_vi if language == "vi" else k.name_en for k in kinds]
    ws.append(["", "", "", *(name for name in names for _ in FIGURES)])
    ws.append([word("code"), word("name"), word("department"),
               *(word(key) for _ in kinds for key in FIGURES)])
    for row in rows:
        ws.append([row.person.employee_code or "", row.person.display_name,
                   row.person.department or "",
                   *(value for kind in kinds for value in figures(row, kind))])
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(2, 3).number_format = "dd/mm/yyyy"
    ws.cell(5, 2).number_format = "dd/mm/yyyy hh:mm"
    for column in range(1, 4 + len(kinds) * len(FIGURES)):
        ws.cell(7, column).font = ws.cell(8, column).font = Font(bold=True)
    ws.column_dimensions["B"].width = 28
    ws.freeze_panes = ws.cell(9, 3)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
