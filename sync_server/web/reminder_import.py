"""Bulk import of tasks from a CSV or XLSX upload, with a report of what was refused.

Columns (first row, case-insensitive, English or Vietnamese): title / tiêu đề (required);
either code / employee_code / mã (one person) or department / phòng ban (every member);
details / chi tiết; due / hạn ("YYYY-MM-DD" = end of that day, or "YYYY-MM-DD HH:MM", the
site's local time; an XLSX date cell works too); priority / ưu tiên (0-2 or low, normal,
high); external_id / mã việc (optional: importing the same id again updates that task). Each
row is checked on its own: a bad row is reported with its line number and reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.db.models import Person
from sync_server.errors import BadRequest, ServerError
from sync_server.service import audit, reminders, schedules
from sync_server.service.reminders import Source, TaskIn
from sync_server.web.imports import ImportReport, text_cell

_COLUMNS = {"title": ("title", "tiêu đề", "tieu de", "việc"),
            "code": ("code", "employee_code", "mã", "ma", "mã nhân viên"),
            "department": ("department", "phòng ban", "phong ban"),
            "details": ("details", "chi tiết", "chi tiet"),
            "due": ("due", "due_at", "hạn", "han"),
            "priority": ("priority", "ưu tiên", "uu tien"),
            "external_id": ("external_id", "mã việc", "ma viec", "id")}
_PRIORITIES = {"0": 0, "1": 1, "2": 2, "low": 0, "normal": 1, "high": 2, "thấp": 0,
               "thường": 1, "cao": 2}


class RowError(BadRequest):
    """A row the import refuses; its message (``key``) is shown to the user with the line."""


def parse_due(value: object) -> datetime | None:
    """A due cell as a UTC-aware instant (site-local wall time; a bare day = 23:59)."""
    if value is None or value == "":
        return None
    zone = ZoneInfo(schedules.SITE_ZONE)
    if isinstance(value, datetime):
        local = value if value.tzinfo else value.replace(tzinfo=zone)
        return local
    text = str(value).strip()
    try:
        if len(text) == 10:
            return datetime.combine(datetime.fromisoformat(text).date(), time(23, 59),
                                    tzinfo=zone)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise RowError(f"due {text!r} is not YYYY-MM-DD or YYYY-MM-DD HH:MM", "import_due",
                       value=text) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _column_map(header: Sequence[object]) -> dict[str, int]:
    names = [str(cell or "").strip().casefold() for cell in header]
    found = {key: next((names.index(a) for a in aliases if a in names), -1)
             for key, aliases in _COLUMNS.items()}
    if found["title"] < 0:
        raise RowError("the first row needs a 'title' column (title, tiêu đề)",
                       "import_no_title_column")
    return found


def _spec(session: Session, cells: dict[str, object], department_only: str | None) -> TaskIn:
    def text(key: str) -> str:
        value = cells.get(key)
        if key == "code":  # an XLSX number cell: 7.0 is the code "7", 3.5 no code at all
            return text_cell(value, "mã / code")
        return "" if value is None else str(value).strip()

    person_id, department = None, text("department") or None
    if text("code"):
        person = session.scalars(select(Person).where(
            Person.employee_code == text("code"))).first()
        if person is None:
            raise RowError(f"no person with code {text('code')}", "import_no_code",
                           code=text("code"))
        person_id, department = person.id, None
        if department_only is not None and person.department != department_only:
            raise RowError(f"{text('code')} is not in your department",
                           "import_not_your_department", code=text("code"))
    elif department_only is not None and department != department_only:
        raise RowError("you may give tasks to your own department only",
                       "import_own_department")
    priority = _PRIORITIES.get(text("priority").casefold() or "1")
    if priority is None:
        raise RowError(f"priority {text('priority')!r} is not 0-2 / low / normal / high",
                       "import_priority", value=text("priority"))
    return TaskIn(title=text("title"), person_id=person_id, department=department,
                  details=text("details"), due_at=parse_due(cells.get("due")),
                  priority=priority, external_id=text("external_id") or None)


def import_tasks(session: Session, rows: list[Sequence[object]], actor: str,
                 department_only: str | None) -> ImportReport:
    """Create (or update, by external_id) tasks from ``rows``; each row in a savepoint, so a
    refused row leaves nothing behind. ``department_only``: a leader's department."""
    report = ImportReport()
    if not rows:
        report.rejected.append((1, BadRequest("the upload is empty", "import_empty")))
        return report
    try:
        columns = _column_map(rows[0])
    except RowError as exc:
        report.rejected.append((1, exc))
        return report
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell not in (None, "") for cell in row):
            continue
        cells = {key: row[index] if 0 <= index < len(row) else None
                 for key, index in columns.items()}
        try:
            with session.begin_nested():
                _task, created = reminders.create_task(
                    session, _spec(session, cells, department_only), actor, Source.IMPORT,
                    "import")
        except ServerError as exc:  # RowError, or the service's refusal of the task
            report.rejected.append((line, exc if isinstance(exc, BadRequest)
                                    else BadRequest(exc.detail)))
            continue
        if created:
            report.created += 1
        else:
            report.updated += 1
    audit.record(session, actor, "reminder.import", "reminder_task", None,
                 {"created": report.created, "updated": report.updated,
                  "rejected": len(report.rejected)})
    return report
