"""HR pages: shifts/holidays/leave, people and departments.

Every POST checks the role and the CSRF token and writes an audit entry in the same
transaction as the change."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync_server.db.engine import transaction
from sync_server.db.models import Person, Template
from sync_server.errors import BadRequest, ServerError
from sync_server.service import (
    leave_types,
    lookalikes,
    people,
    reports,
    schedules,
    site_moves,
    sites,
    template_holders,
    users,
)
from sync_server.service.users import Role
from sync_server.web import common, imports, paging, routes_sites
from sync_server.web.common import PAGES, PREFIX, User, form_action

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Text = Annotated[str, Form()]
OptionalText = Annotated[str, Form()]


def _guard(user: users.CurrentUser, csrf_token: str, *roles: Role) -> None:
    common.require(user, *roles)
    common.check_csrf(user, csrf_token)


def _date(text: str, field: str | None = None) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{text!r} is not a date YYYY-MM-DD", "not_a_date", field,
                         value=text) from None


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise BadRequest(f"{text!r} is not an id", "not_an_id") from None


# -- shifts, holidays, leave -------------------------------------------------------------

@router.get("/shifts")
def shifts_page(request: Request, user: User, edit: str = "", edit_leave: str = "") -> Response:
    common.require(user, Role.HR)
    return shifts_view(request, user, edit, edit_leave)


def shifts_view(request: Request, user: users.CurrentUser, edit: str = "",
                edit_leave: str = "", leave_form: dict[str, object] | None = None,
                status_code: int = 200, type_form: dict[str, object] | None = None,
                holiday_form: dict[str, object] | None = None,
                assignment_form: dict[str, object] | None = None,
                refused_row: dict[str, object] | None = None) -> Response:
    """The shifts page; ``leave_form``, ``type_form``, ``holiday_form`` and
    ``assignment_form`` re-show a refused form (the input and the error), ``refused_row``
    a refused delete (``table``, the row's ``id`` and the ``error``) on its row."""
    with transaction(common.sessions_of(request)) as session:
        types = schedules.list_shift_types(session)
        assignments = schedules.list_assignments(session)
        holidays = schedules.list_holidays(session)
        leaves = schedules.list_leaves(session)
        everyone = reports.load_people(session)
        departments = schedules.list_departments(session)
        leave_kinds = leave_types.list_types(session, active_only=True)
    editing_leave = next((row for row in leaves if str(row.id) == edit_leave), None)
    if leave_form is None and editing_leave is not None:
        leave_form = {"leave_id": str(editing_leave.id),
                      "person_id": str(editing_leave.person_id),
                      "start": editing_leave.start.isoformat(),
                      "end": editing_leave.end.isoformat(), "reason": editing_leave.reason,
                      "leave_type_id": str(editing_leave.leave_type_id or "")}
    return PAGES.render(request, "shifts.html", user, status_code=status_code, types=types,
                        assignments=assignments, holidays=holidays, leaves=leaves,
                        people=everyone, departments=departments,
                        names={p.id: p.display_name for p in everyone},
                        person_names={str(p.id): p.display_name for p in everyone},
                        type_names={t.id: t.name for t in types},
                        editing=next((t for t in types if str(t.id) == edit), None),
                        leave_form=leave_form or {}, type_form=type_form or {},
                        holiday_form=holiday_form or {},
                        assignment_form=assignment_form or {}, leave_kinds=leave_kinds,
                        refused_row=refused_row or {})


@router.post("/shifts/types")
def save_shift_type(request: Request, user: User, csrf_token: Text, name: Text, start: Text,
                    end: Text, late_grace_min: Annotated[int, Form()] = 5,
                    early_exit_grace_min: Annotated[int, Form()] = 5,
                    working_days: Annotated[list[str] | None, Form()] = None,
                    working_days_ticked: OptionalText = "",
                    shift_id: OptionalText = "") -> Response:
    """Save a shift type; ``working_days`` are the ticked boxes' values (0 = Monday; a
    client without the boxes may send one "0,1,2" value; nothing sent: Monday to Friday)."""
    _guard(user, csrf_token, Role.HR)
    joined = ",".join(working_days or ([] if working_days_ticked else ["0,1,2,3,4"]))
    form: dict[str, object] = {"name": name, "start": start, "end": end,
                               "late_grace_min": late_grace_min,
                               "early_exit_grace_min": early_exit_grace_min,
                               "working_days": joined, "shift_id": shift_id}

    def act(session: Session) -> None:
        try:
            days = tuple(int(d) for d in joined.replace(" ", "").split(",") if d)
        except ValueError:
            raise BadRequest("working days are numbers 0 (Monday) to 6, comma-separated",
                             "working_days", "working_days") from None
        if not days:
            raise BadRequest("tick at least one working day", "working_days_none",
                             "working_days")
        spec = schedules.ShiftTypeIn(name=name, start=start, end=end,
                                     late_grace_min=late_grace_min,
                                     early_exit_grace_min=early_exit_grace_min,
                                     working_days=days)
        schedules.save_shift_type(session, spec, _uuid(shift_id) if shift_id else None,
                                  actor=user.username)

    def refused(error: ServerError) -> Response:
        return shifts_view(request, user, shift_id, status_code=error.status,
                           type_form={**form, "error": error})

    return common.form_or_page(request, f"{PREFIX}/shifts", act, refused)


@router.post("/shifts/assignments")
def save_assignment(request: Request, user: User, csrf_token: Text, shift_type_id: Text,
                    start: Text, end: OptionalText = "", person_id: OptionalText = "",
                    department: OptionalText = "") -> Response:
    _guard(user, csrf_token, Role.HR)
    form: dict[str, object] = {"shift_type_id": shift_type_id, "start": start, "end": end,
                               "person_id": person_id, "department": department}

    def act(session: Session) -> None:
        schedules.save_assignment(session, _uuid(shift_type_id), _date(start, "start"),
                                  _date(end, "end") if end else None,
                                  _uuid(person_id) if person_id else None,
                                  department or None, actor=user.username)

    def refused(error: ServerError) -> Response:
        return shifts_view(request, user, status_code=error.status,
                           assignment_form={**form, "error": error})

    return common.form_or_page(request, f"{PREFIX}/shifts", act, refused)


@router.post("/shifts/assignments/{assignment_id}/delete")
def delete_assignment(request: Request, user: User, assignment_id: uuid.UUID,
                      csrf_token: Text) -> Response:
    _guard(user, csrf_token, Role.HR)

    def act(session: Session) -> None:
        schedules.delete_assignment(session, assignment_id, actor=user.username)

    return common.form_or_page(request, f"{PREFIX}/shifts", act,
                               refused_delete(request, user, "assignments", assignment_id))


@router.post("/shifts/holidays")
def save_holiday(request: Request, user: User, csrf_token: Text, day: Text, name: Text,
                 department: Annotated[list[str] | None, Form()] = None) -> Response:
    """A holiday for the ticked departments (none ticked: everyone)."""
    _guard(user, csrf_token, Role.HR)
    form: dict[str, object] = {"day": day, "name": name, "department": department}

    def act(session: Session) -> None:
        schedules.save_holidays(session, _date(day, "day"), name, department or [],
                                actor=user.username)

    def refused(error: ServerError) -> Response:
        return shifts_view(request, user, status_code=error.status,
                           holiday_form={**form, "error": error})

    return common.form_or_page(request, f"{PREFIX}/shifts", act, refused)


@router.post("/shifts/holidays/{holiday_id}/delete")
def delete_holiday(request: Request, user: User, holiday_id: uuid.UUID,
                   csrf_token: Text) -> Response:
    _guard(user, csrf_token, Role.HR)

    def act(session: Session) -> None:
        schedules.delete_holiday(session, holiday_id, actor=user.username)

    return common.form_or_page(request, f"{PREFIX}/shifts", act,
                               refused_delete(request, user, "holidays", holiday_id))


def refused_delete(request: Request, user: users.CurrentUser, table: str,
                   row_id: uuid.UUID) -> Callable[[ServerError], Response]:
    """The shifts page again with a refused delete's reason on its row of ``table``."""
    def refused(error: ServerError) -> Response:
        return shifts_view(request, user, status_code=error.status,
                           refused_row={"table": table, "id": str(row_id), "error": error})

    return refused


# -- people, departments -------------------------------------------------------------------

@router.get("/people")
def people_page(request: Request, user: User, edit: str = "", q: str = "",
                page: int = 1) -> Response:
    """The people list, searched (``q``: name, code, department) and paginated."""
    common.require(user, Role.HR)
    return people_view(request, user, edit, q=q, page=page)


def people_view(request: Request, user: users.CurrentUser, edit: str = "",
                person_form: dict[str, object] | None = None,
                status_code: int = 200, q: str = "", page: int = 1,
                **refused_forms: dict[str, object]) -> Response:
    """The people page; ``person_form`` re-shows a refused person form (input and error),
    ``refused_forms`` another refused form of the page (``department_form``,
    ``import_form``, ``zip_form``); ``q`` and ``page``: the list's search and page."""
    with transaction(common.sessions_of(request)) as session:
        everyone = reports.load_people(session, include_inactive=True)
        held = dict(session.execute(select(Template.person_id, func.count())
                                    .group_by(Template.person_id)).all())
        holders = template_holders.holders_by_person(session)
        departments = schedules.list_departments(session)
        all_sites = sites.list_sites(session)
        editing_site = _own_site(session, edit)
        pairs = [(pair.score, pair.confirmed_by, pair.confirmed_at, a.display_name,
                  a.employee_code, b.display_name, b.employee_code)
                 for pair, a, b in lookalikes.list_pairs(session)]
    editing = next((p for p in everyone if str(p.id) == edit), None)
    if person_form is None and editing is not None:
        person_form = {"person_id": str(editing.id), "display_name": editing.display_name,
                       "employee_code": editing.employee_code or "",
                       "department": editing.department or "",
                       "site_id": str(editing_site) if editing_site else "",
                       "joined_on": editing.joined_on.isoformat() if editing.joined_on else ""}
    shown, pager = paging.page_of(everyone, page, {"q": q}, q, lambda p: (
        p.display_name, p.employee_code, p.department))
    return PAGES.render(request, "people.html", user, status_code=status_code,
                        people=shown, held=held, holders=holders, q=q, pager=pager,
                        departments=departments, editing=editing,
                        lookalike_pairs=pairs, person_form=person_form or {},
                        sites=all_sites, **{name: refused_forms.get(name, {}) for name in
                                            ("department_form", "import_form", "zip_form")})


def _own_site(session: Session, person_text: str) -> uuid.UUID | None:
    """The person's own site for the form (None: by department, or no such person)."""
    try:
        row = session.get(Person, uuid.UUID(person_text)) if person_text else None
    except ValueError:
        return None
    return None if row is None else row.site_id


@router.post("/people")
def save_person(request: Request, user: User, csrf_token: Text, display_name: Text,
                employee_code: OptionalText = "", department: OptionalText = "",
                person_id: OptionalText = "", site_id: OptionalText = "",
                joined_on: OptionalText = "") -> Response:
    _guard(user, csrf_token, Role.HR)
    form: dict[str, object] = {"display_name": display_name, "employee_code": employee_code,
                               "department": department, "person_id": person_id,
                               "site_id": site_id, "joined_on": joined_on}

    def act(session: Session) -> None:
        if not display_name.strip():
            raise BadRequest("a person needs a name", "name_needed", "display_name")
        site = routes_sites.site_choice(site_id)  # "": by department
        joined = _date(joined_on.strip(), "joined_on") if joined_on.strip() else None
        if person_id:
            people.edit_person(session, _uuid(person_id), display_name.strip(),
                               employee_code.strip() or None, department.strip() or None,
                               actor=user.username)
            people.set_joined_on(session, _uuid(person_id), joined, actor=user.username)
            site_moves.assign_person(session, _uuid(person_id), site, actor=user.username)
        else:
            if site is not None:
                sites.get_site(session, site)
            people.create_person(session, display_name.strip(), employee_code.strip() or None,
                                 department.strip() or None, actor=user.username,
                                 site_id=site, joined_on=joined)

    def refused(error: ServerError) -> Response:
        return people_view(request, user, person_id, status_code=error.status,
                           person_form={**form, "error": error})

    return common.form_or_page(request, f"{PREFIX}/people", act, refused)


@router.post("/people/{person_id}/active")
def set_person_active(request: Request, user: User, person_id: uuid.UUID, csrf_token: Text,
                      active: Annotated[int, Form()]) -> Response:
    _guard(user, csrf_token, Role.HR)

    def act(session: Session) -> None:
        if session.get(Person, person_id) is None:
            raise BadRequest(f"no person {person_id}", "no_person")
        if active:
            people.reactivate_person(session, person_id, actor=user.username)
        else:  # left the organisation: biometrics erased here and, via the feed, on kiosks
            people.deactivate_person(session, person_id, requested_by=user.username)

    return form_action(request, f"{PREFIX}/people", act)


@router.post("/people/import")
def import_people(request: Request, user: User, csrf_token: Text,
                  upload: Annotated[UploadFile, File()]) -> Response:
    """Create or update people from a CSV/XLSX upload; show what was refused, by line."""
    _guard(user, csrf_token, Role.HR)
    try:
        rows = imports.read_rows(upload.filename or "", upload.file.read())
        with transaction(common.sessions_of(request)) as session:
            report = imports.import_people(session, rows, user.username)
    except BadRequest as exc:
        return people_view(request, user, status_code=exc.status, import_form={"error": exc})
    return PAGES.render(request, "import_report.html", user, report=report)


@router.post("/departments")
def save_department(request: Request, user: User, csrf_token: Text, name: Text,
                    old_name: OptionalText = "", site_id: OptionalText = "keep") -> Response:
    _guard(user, csrf_token, Role.HR)
    form: dict[str, object] = {"name": name, "old_name": old_name, "site_id": site_id}

    def act(session: Session) -> None:
        if old_name:
            schedules.rename_department(session, old_name, name, actor=user.username)
        else:
            schedules.create_department(session, name, actor=user.username)
        if site_id != "keep":  # the form's "(unchanged)"
            site_moves.assign_department(session, name.strip(),
                                         routes_sites.site_choice(site_id),
                                         actor=user.username)

    def refused(error: ServerError) -> Response:
        return people_view(request, user, status_code=error.status,
                           department_form={**form, "error": _beside_name(error)})

    return common.form_or_page(request, f"{PREFIX}/people", act, refused)


def _beside_name(error: ServerError) -> ServerError:
    """The department form's refusal, beside the site picker when it is about the site and
    beside the name otherwise (the services name the field "department", or none)."""
    if error.field != "site_id":
        error.field = "name"
    return error
