"""CSV and XLSX downloads of a report: a header row and plain rows (text and numbers).

CSV is UTF-8 with a byte-order mark, so Excel opens Vietnamese names correctly. XLSX is
written with openpyxl (bold header, frozen first row, sensible column widths).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from urllib.parse import quote

from fastapi.responses import Response

Cell = str | int | float | None

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]  # only exports need it
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[index - 1] or "")) for r in rows[:200]])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width + 2, 50)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download(kind: str, filename: str, title: str, header: Sequence[str],
             rows: Sequence[Sequence[Cell]]) -> Response:
    """A ``kind`` ("csv" or "xlsx") attachment named ``filename`` + extension."""
    if kind == "xlsx":
        body, media = xlsx_bytes(title, header, rows), XLSX_TYPE
    else:
        body, media, kind = csv_bytes(header, rows), "text/csv; charset=utf-8", "csv"
    name = f"{filename}.{kind}"
    disposition = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})
