"""PDFs made on the server (fpdf2): the department timesheet grid and the lateness report.

Vietnamese needs a Unicode TrueType font, embedded (subset) in every PDF: DejaVu Sans from
Debian's ``fonts-dejavu-core``, else Noto Sans from ``fonts-noto-core``, looked up on the
system when a PDF is made. Without either, :class:`PdfFontMissing` says which package to
install (HTTP 503) instead of printing question marks. Lengths are millimetres, sizes points.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import attendance
from sync_server.documents.timesheet_xlsx import label
from sync_server.errors import ServerError
from sync_server.service import reports
from sync_server.service.timesheet_grid import DepartmentGrid, legend

FONT_CANDIDATES = (
    (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
     Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")),
    (Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
     Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf")),
)
FAMILY = "ReportSans"
GRID_TOTALS = ("days_worked", "late_minutes_total", "absences", "overtime_minutes_total")


class PdfFontMissing(ServerError):
    status = 503
    title = "PDF font missing"


def find_font() -> tuple[Path, Path]:
    """(regular, bold) TTF paths of the first installed candidate font."""
    for regular, bold in FONT_CANDIDATES:
        if regular.is_file():
            return regular, bold if bold.is_file() else regular
    raise PdfFontMissing("no Vietnamese-capable font for PDFs: install the Debian package "
                         "fonts-dejavu-core (or fonts-noto-core) on the server")


def _document(orientation: str) -> Any:
    from fpdf import FPDF  # only PDFs need it

    regular, bold = find_font()
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.add_font(FAMILY, "", str(regular))
    pdf.add_font(FAMILY, "B", str(bold))
    pdf.set_auto_page_break(auto=True, margin=10)
    pdf.set_margins(8, 8, 8)
    return pdf


def _header_block(pdf: Any, title: str, lines: Sequence[str]) -> None:
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 8)
    for line in lines:
        pdf.cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _row(pdf: Any, cells: Sequence[tuple[float, str]], bold: bool = False,
         size: float = 6.5, height: float = 4.2) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    for width, text in cells:
        align = "L" if width > 12 else "C"
        pdf.cell(width, height, text, border=1, align=align)
    pdf.ln(height)


def timesheet_pdf(grids: list[DepartmentGrid], generated_by: str, generated_at: datetime,
                  language: str) -> bytes:
    """One landscape page (or more) per department: header block, legend, grid, totals."""
    pdf = _document("L")
    meaning = "; ".join(f"{s} = {m}" for s, m in legend(language))
    for grid in grids:
        pdf.add_page()
        department = grid.department or label(language, "none")
        _header_block(pdf, f"{label(language, 'title')} {grid.first:%m/%Y}", [
            f"{label(language, 'period')}: {grid.first:%d/%m/%Y} - {grid.last:%d/%m/%Y}",
            f"{label(language, 'department')}: {department}",
            f"{label(language, 'generated_by')}: {generated_by} · "
            f"{label(language, 'generated_at')}: {generated_at:%d/%m/%Y %H:%M}",
            f"{label(language, 'legend')}: {meaning}"])
        room = pdf.epw - 14 - 44 - 17 * len(GRID_TOTALS)  # the page's width left for days
        day_w = min(6.0, room / max(len(grid.dates), 1))
        _row(pdf, [(14, label(language, "code")), (44, label(language, "name")),
                   *((day_w, str(d.day)) for d in grid.dates),
                   *((17, label(language, key)) for key in GRID_TOTALS)], bold=True, size=5)
        for row in grid.rows:
            _row(pdf, [(14, row.person.employee_code or ""), (44, row.person.display_name),
                       *((day_w, symbol) for symbol in row.symbols()),
                       *((17, str(getattr(row.totals, key))) for key in GRID_TOTALS)])
        _row(pdf, [(14, ""), (44, label(language, "total")),
                   *((day_w, str(grid.by_day[d].worked if d in grid.by_day else 0))
                     for d in grid.dates),
                   *((17, str(getattr(grid.totals, key))) for key in GRID_TOTALS)], bold=True)
    if not grids:
        pdf.add_page()
        _header_block(pdf, label(language, "title"), ["-"])
    return bytes(pdf.output())


LATENESS_COLUMNS = ("days_expected", "days_worked", "late_entries", "late_minutes_total",
                    "early_exits", "absences", "forgotten_checkouts", "overtime_minutes_total")


def lateness_pdf(report: reports.LatenessReport, generated_by: str, generated_at: datetime,
                 language: str) -> bytes:
    """The lateness report's per-person totals (portrait), the overall totals last."""
    pdf = _document("P")
    pdf.add_page()
    _header_block(pdf, label(language, "lateness"), [
        f"{label(language, 'period')}: {report.first:%d/%m/%Y} - {report.last:%d/%m/%Y}",
        f"{label(language, 'generated_by')}: {generated_by} · "
        f"{label(language, 'generated_at')}: {generated_at:%d/%m/%Y %H:%M}"])
    widths = (13, 45, 30)
    _row(pdf, [(widths[0], label(language, "code")), (widths[1], label(language, "name")),
               (widths[2], label(language, "department")),
               *((13, label(language, key)) for key in LATENESS_COLUMNS)], bold=True, size=5)
    for person in report.people:
        totals = report.by_person.get(person.id, attendance.Totals())
        _row(pdf, [(widths[0], person.employee_code or ""), (widths[1], person.display_name),
                   (widths[2], person.department or ""),
                   *((13, str(getattr(totals, key))) for key in LATENESS_COLUMNS)])
    _row(pdf, [(widths[0], ""), (widths[1], label(language, "overall")), (widths[2], ""),
               *((13, str(getattr(report.overall, key))) for key in LATENESS_COLUMNS)],
         bold=True)
    return bytes(pdf.output())
