"""CSV and XLSX downloads of a report: a header row and plain rows (text and numbers).

CSV is UTF-8 with a byte-order mark, so Excel opens Vietnamese names correctly. XLSX is
written with openpyxl (bold header, frozen first row, sensible column widths).

Exports are data, never formulas: every text cell of an XLSX is a string cell (even
``=HYPERLINK(...)``), and a CSV text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a single quote in front (OWASP's advice against CSV injection), which
spreadsheets show but do not run. The download's file name is ASCII in ``filename`` and the
exact UTF-8 name in ``filename*`` (RFC 6266 / RFC 5987).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from urllib.parse import quote

from fastapi.responses import Response

from sync_server.documents.names import XLSX_TYPE, ascii_filename
from sync_server.service.cell_text import starts_like_formula

Cell = str | int | float | None


def neutral_csv_cell(cell: Cell) -> str | int | float:
    """A CSV cell a spreadsheet shows as text: formula-like text gets a leading quote."""
    if cell is None:
        return ""
    if isinstance(cell, str) and starts_like_formula(cell):
        return "'" + cell
    return cell


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutral_csv_cell(name) for name in header])
    writer.writerows([neutral_csv_cell(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _append_row(sheet: object, row: Sequence[Cell]) -> None:
    """Append ``row``; text cells are forced to string cells (openpyxl would otherwise make
    a formula of any text starting with '=')."""
    sheet.append(list(row))  # type: ignore[attr-defined]
    for cell in sheet[sheet.max_row]:  # type: ignore[index, attr-defined]
        if isinstance(cell.value, str):
            cell.data_type = "s"


def xlsx_bytes(title: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # only exports need it
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit
    _append_row(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        _append_row(sheet, row)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[index - 1] or "")) for r in rows[:200]])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width + 2, 50)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def content_disposition(name: str) -> str:
    """An attachment header for ``name``: ASCII ``filename`` plus RFC 5987 ``filename*``."""
    return f"attachment; filename=\"{ascii_filename(name)}\"; " \
           f"filename*=UTF-8''{quote(name, safe='')}"


def download(kind: str, filename: str, title: str, header: Sequence[str],
             rows: Sequence[Sequence[Cell]]) -> Response:
    """A ``kind`` ("csv" or "xlsx") attachment named ``filename`` + extension."""
    if kind == "xlsx":
        body, media = xlsx_bytes(title, header, rows), XLSX_TYPE
    else:
        body, media, kind = csv_bytes(header, rows), "text/csv; charset=utf-8", "csv"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": content_disposition(f"{filename}.{kind}")})
