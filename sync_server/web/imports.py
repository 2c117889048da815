"""Bulk import of people from a CSV or XLSX upload, with a report of what was refused.

Columns (first row, case-insensitive, English or Vietnamese): name / display_name / họ tên
(required), code / employee_code / mã, department / phòng ban. A row whose code matches an
existing person updates that person; other rows create people. Rows are checked one by one:
a bad row is reported with its line number and reason and does not stop the others.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.db.models import Person
from sync_server.errors import BadRequest
from sync_server.service import audit, people
from sync_server.service.cell_text import starts_like_formula

MAX_ROWS = 10_000
MAX_XLSX_UNPACKED_BYTES = 24 * 1024 * 1024  # 10,000 rows of text are a few megabytes;
# openpyxl scans a sheet without a <dimension> element to its end at load: this bounds that
MAX_XLSX_PARTS = 1000
_COLUMNS = {"name": ("name", "display_name", "full_name", "họ tên", "ho ten"),
            "code": ("code", "employee_code", "mã", "ma", "mã nhân viên"),
            "department": ("department", "phòng ban", "phong ban")}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def read_rows(filename: str, content: bytes) -> list[Sequence[object]]:
    """The upload's rows (header first) from CSV (UTF-8, BOM allowed) or XLSX.

    At most MAX_ROWS rows after the header: a longer file is refused (BadRequest) as soon as
    the row past the cap is read, so a crafted file of millions of rows costs no more than
    the cap. An XLSX is checked as an archive first (MAX_XLSX_UNPACKED_BYTES, MAX_XLSX_PARTS)
    and read streaming (openpyxl read-only).
    """
    if filename.lower().endswith(".xlsx"):
        return _capped(_xlsx_rows(content))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest("a CSV upload must be UTF-8") from None
    return _capped(csv.reader(io.StringIO(text)))


def _capped(rows: Iterable[Sequence[object]]) -> list[Sequence[object]]:
    kept: list[Sequence[object]] = []
    for row in rows:
        if len(kept) > MAX_ROWS:
            raise BadRequest(f"the file has more than {MAX_ROWS} rows; split it into smaller "
                             f"files / tệp có hơn {MAX_ROWS} dòng; hãy chia nhỏ")
        kept.append(row)
    return kept


def check_xlsx_archive(content: bytes) -> None:
    """Refuse an XLSX whose parts would unpack to more than MAX_XLSX_UNPACKED_BYTES or that
    has more than MAX_XLSX_PARTS parts (a zip bomb), before any XML is parsed."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, OSError):
        raise BadRequest("not a readable XLSX file (not a ZIP archive)") from None
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > MAX_XLSX_PARTS or unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise BadRequest(f"the XLSX would unpack to {unpacked} bytes in {len(parts)} parts, "
                         f"over the {MAX_XLSX_UNPACKED_BYTES} byte / {MAX_XLSX_PARTS} part "
                         "limit")


def _xlsx_rows(content: bytes) -> Iterator[Sequence[object]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    check_xlsx_archive(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise BadRequest(f"not a readable XLSX file: {exc}") from None
    try:
        rows = book.active.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a broken sheet part, found while streaming
                raise BadRequest(f"not a readable XLSX file: {exc}") from None
            yield tuple(row)
    finally:
        book.close()  # read-only workbooks keep the archive open until closed


def _column_map(header: Sequence[object]) -> dict[str, int]:
    names = [str(cell or "").strip().casefold() for cell in header]
    found = {key: next((names.index(a) for a in aliases if a in names), -1)
             for key, aliases in _COLUMNS.items()}
    if found["name"] < 0:
        raise BadRequest("the first row needs a 'name' column (name, display_name, họ tên)")
    return found


def _records(rows: list[Sequence[object]]) -> Iterator[tuple[int, str, str, str]]:
    columns = _column_map(rows[0])
    for line, row in enumerate(rows[1:], start=2):
        def cell(key: str, row: Sequence[object] = row) -> str:
            index = columns[key]
            return str(row[index] or "").strip() if 0 <= index < len(row) else ""
        yield line, cell("name"), cell("code"), cell("department")


def import_people(session: Session, rows: list[Sequence[object]], actor: str) -> ImportReport:
    """Create or update people from ``rows`` in the caller's transaction; audit the import."""
    if not rows:
        raise BadRequest("the upload is empty")
    report = ImportReport()
    seen_codes: set[str] = set()
    for line, name, code, department in _records(rows):
        if not name:
            report.rejected.append((line, "no name"))
            continue
        if len(name) > 200 or len(code) > 64 or len(department) > 200:
            report.rejected.append((line, "a value is too long"))
            continue
        if any(starts_like_formula(text) for text in (name, code, department)):
            report.rejected.append((line, "a value starts with =, +, -, @, tab or CR (a "
                                    "spreadsheet formula) / giá trị bắt đầu như công thức"))
            continue
        if code and code in seen_codes:
            report.rejected.append((line, f"code {code} appears twice in the file"))
            continue
        seen_codes.add(code)
        existing = session.scalars(select(Person).where(Person.employee_code == code)).first() \
            if code else None
        if existing is None:
            people.create_person(session, name, code or None, department or None, actor=actor)
            report.created += 1
        else:
            people.edit_person(session, existing.id, name, code, department or None,
                               actor=actor)
            report.updated += 1
    audit.record(session, actor, "person.import", "person", None,
                 {"created": report.created, "updated": report.updated,
                  "rejected": len(report.rejected)})
    return report
