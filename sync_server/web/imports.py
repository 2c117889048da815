"""Bulk import of people from a CSV or XLSX upload, with a report of what was refused.

Columns (first row, case-insensitive, English or Vietnamese): name / display_name / họ tên
(required), code / employee_code / mã, department / phòng ban, joined_on / ngày vào làm
(the day the person joined: a date cell, or text yyyy-mm-dd or dd/mm/yyyy; an empty cell
keeps a known date). A row whose code matches an existing person updates that person; other
rows create people. Rows are checked one by one:
a bad row is reported with its line number and reason (in the user's language) and does not
stop the others.

What Excel writes is read as meant: a CSV separated by semicolons (Excel under Vietnamese or
other comma-decimal regional settings) or tabs as well as commas, in UTF-8 or Windows-1258;
rows with no value at all are skipped (Excel leaves them behind). In XLSX, cells keep their
type: a date in the name, code or department column refuses the row (it is a column mix-up,
not a person called "2026-01-01 00:00:00"); a code typed as a number is read as text when it
is a whole number (7 -> "7"; leading zeros Excel dropped cannot be recovered: format the
column as Text) and refused otherwise (3.5 is not a code).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

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
            "department": ("department", "phòng ban", "phong ban"),
            "joined_on": ("joined_on", "joined", "ngày vào làm", "ngay vao lam")}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    # (line, reason): a BadRequest naming its message (``key``) or, for a refusal that has no
    # words in the catalogue yet, plain text
    rejected: list[tuple[int, BadRequest | str]] = field(default_factory=list)


def read_rows(filename: str, content: bytes) -> list[Sequence[object]]:
    """The upload's rows (header first) from CSV or XLSX, as the file has them.

    At most MAX_ROWS rows after the header: a longer file is refused (BadRequest) as soon as
    the row past the cap is read, so a crafted file of millions of rows costs no more than
    the cap. An XLSX is checked as an archive first (MAX_XLSX_UNPACKED_BYTES, MAX_XLSX_PARTS)
    and read streaming (openpyxl read-only).
    """
    if filename.lower().endswith(".xlsx"):
        return _capped(_xlsx_rows(content))
    return _capped(_csv_rows(content))


def is_empty(row: Sequence[object]) -> bool:
    """A row without any value (Excel leaves these behind): skipped, never an error."""
    return all(cell is None or str(cell).strip() == "" for cell in row)


def _capped(rows: Iterable[Sequence[object]]) -> list[Sequence[object]]:
    kept: list[Sequence[object]] = []
    for row in rows:
        if len(kept) > MAX_ROWS:
            raise BadRequest(f"the file has more than {MAX_ROWS} rows; split it into smaller "
                             "files", "import_too_many_rows", rows=MAX_ROWS)
        kept.append(row)
    return kept


def check_xlsx_archive(content: bytes) -> None:
    """Refuse an XLSX whose parts would unpack to more than MAX_XLSX_UNPACKED_BYTES or that
    has more than MAX_XLSX_PARTS parts (a zip bomb), before any XML is parsed."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, OSError):
        raise BadRequest("not a readable XLSX file", "import_not_xlsx") from None
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > MAX_XLSX_PARTS or unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise BadRequest(f"the XLSX would unpack to {unpacked} bytes in {len(parts)} parts, "
                         f"over the {MAX_XLSX_UNPACKED_BYTES} byte / {MAX_XLSX_PARTS} part "
                         "limit", "import_xlsx_too_big")


def _xlsx_rows(content: bytes) -> Iterator[Sequence[object]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    check_xlsx_archive(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise BadRequest("not a readable XLSX file", "import_not_xlsx") from None
    try:
        rows = book.active.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:  # a broken sheet part, found while streaming
                raise BadRequest("not a readable XLSX file", "import_not_xlsx") from None
            yield tuple(row)
    finally:
        book.close()  # read-only workbooks keep the archive open until closed


def _csv_rows(content: bytes) -> Iterator[Sequence[object]]:
    """UTF-8 (BOM allowed), else Windows-1258; the separator the header row uses."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1258")
        except UnicodeDecodeError:
            raise BadRequest("a CSV upload must be UTF-8", "import_encoding") from None
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    return csv.reader(io.StringIO(text), delimiter=delimiter)


def _column_map(header: Sequence[object]) -> dict[str, int]:
    names = [str(cell or "").strip().casefold() for cell in header]
    found = {key: next((names.index(a) for a in aliases if a in names), -1)
             for key, aliases in _COLUMNS.items()}
    if found["name"] < 0:
        raise BadRequest("the first row needs a 'name' column (name, display_name, họ tên)",
                         "import_no_name_column")
    return found


def text_cell(value: object, column: str, numbers: bool = True) -> str:
    """A cell as text, by the rules above (BadRequest "import_date_cell" or
    "import_not_text" for a date, or a fractional number where text is expected)."""
    if value is None:
        return ""
    if isinstance(value, date | time):
        raise BadRequest(f"column {column} holds a date", "import_date_cell", column=column)
    if isinstance(value, float) and not isinstance(value, bool):
        if not value.is_integer() or not numbers:
            raise BadRequest(f"{value:g} is not a code", "import_not_text", column=column,
                             value=f"{value:g}")
        return str(int(value))
    return str(value).strip()


_HEADINGS = {"name": "họ tên / name", "code": "mã / code", "department": "phòng ban / department",
             "joined_on": "ngày vào làm / joined_on"}


def date_cell(value: object) -> date | None:
    """A joining-date cell: None when empty; BadRequest "import_not_a_date" otherwise
    unless a date, or text yyyy-mm-dd or dd/mm/yyyy."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise BadRequest(f"{text!r} is not a date", "import_not_a_date", value=text,
                     column=_HEADINGS["joined_on"])


_Record = tuple[list[str], date | None]  # name, code, department; the joining date


def _records(rows: list[Sequence[object]]) -> Iterator[tuple[int, _Record | BadRequest]]:
    columns = _column_map(rows[0])

    def cell(row: Sequence[object], key: str) -> object:
        return row[columns[key]] if 0 <= columns[key] < len(row) else None

    for line, row in enumerate(rows[1:], start=2):
        if is_empty(row):
            continue
        try:
            yield line, ([text_cell(cell(row, key), _HEADINGS[key], key == "code")
                          for key in ("name", "code", "department")],
                         date_cell(cell(row, "joined_on")))
        except BadRequest as refusal:
            yield line, refusal


def _refusal(name: str, code: str, department: str, seen_codes: set[str]) -> BadRequest | None:
    if not name:
        return BadRequest("no name", "import_no_name")
    if len(name) > 200 or len(code) > 64 or len(department) > 200:
        return BadRequest("a value is too long", "import_too_long")
    if any(starts_like_formula(text) for text in (name, code, department)):
        return BadRequest("a value starts with =, +, -, @, tab or CR (a spreadsheet formula)",
                          "import_formula")
    if code and code in seen_codes:
        return BadRequest(f"code {code} appears twice in the file", "import_code_twice",
                          code=code)
    return None


def import_people(session: Session, rows: list[Sequence[object]], actor: str) -> ImportReport:
    """Create or update people from ``rows`` in the caller's transaction; audit the import."""
    if not rows:
        raise BadRequest("the upload is empty", "import_empty")
    report = ImportReport()
    seen_codes: set[str] = set()
    for line, record in _records(rows):
        if isinstance(record, BadRequest):
            report.rejected.append((line, record))
            continue
        (name, code, department), joined = record
        refusal = _refusal(name, code, department, seen_codes)
        if refusal is not None:
            report.rejected.append((line, refusal))
            continue
        seen_codes.add(code)
        existing = session.scalars(select(Person).where(Person.employee_code == code)).first() \
            if code else None
        if existing is None:
            people.create_person(session, name, code or None, department or None, actor=actor,
                                 joined_on=joined)
            report.created += 1
        else:
            people.edit_person(session, existing.id, name, code, department or None,
                               actor=actor)
            if joined is not None:
                people.set_joined_on(session, existing.id, joined, actor=actor)
            report.updated += 1
    audit.record(session, actor, "person.import", "person", None,
                 {"created": report.created, "updated": report.updated,
                  "rejected": len(report.rejected)})
    return report
