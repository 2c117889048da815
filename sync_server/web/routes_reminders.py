"""Reminder pages: tasks (create, list, import), the per-task view of who was shown what,
where and when, the overdue and never-seen lists, the nudge, done and cancel buttons.

Leaders see and give tasks for their own department only; HR and admins for everyone.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Person
from sync_server.db.reminder_models import ReminderTask
from sync_server.errors import BadRequest
from sync_server.service import reminder_views, reminders, reports, schedules, users
from sync_server.service.digest import TaskLine
from sync_server.service.reminders import Status, TaskIn
from sync_server.service.users import Role
from sync_server.web import common, imports, paging
from sync_server.web.common import PAGES, PREFIX, User, form_action
from sync_server.web.reminder_import import import_tasks

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Text = Annotated[str, Form()]
BASE = f"{PREFIX}/reminders"


def _department(user: users.CurrentUser) -> str | None:
    """None: sees every task (HR, admin); else the leader's department."""
    common.require(user, Role.HR, Role.LEADER)
    return None if user.sees_everyone else (user.department or "\0none")


def _local(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(schedules.SITE_ZONE)).strftime("%d/%m/%Y %H:%M")


def _due(text: str) -> datetime | None:
    """A datetime-local form value (site wall time) as an aware instant."""
    if not text.strip():
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadRequest(f"{text!r} is not a date and time", "not_a_datetime", "due",
                         value=text) from None
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo(schedules.SITE_ZONE))


@router.get("/reminders")
def reminders_page(request: Request, user: User, closed: int = 0, q: str = "",
                   page: int = 1) -> Response:
    return reminders_view(request, user, closed, q, page)


def reminders_view(request: Request, user: users.CurrentUser, closed: int = 0, q: str = "",
                   page: int = 1, status_code: int = 200,
                   import_form: dict[str, object] | None = None) -> Response:
    """Tasks in scope, searched (``q``: title, assignee) and paginated, with the forms;
    ``import_form`` re-shows a refused upload (its error)."""
    department = _department(user)
    now = utc_now()
    with transaction(common.sessions_of(request)) as session:
        tasks, pager = _task_rows(session, department, closed, q, page)
        late = reminder_views.overdue(session, department, now)
        unseen = reminder_views.never_seen(session, department)
        people = reports.load_people(session, common.scope_of(user))
        departments = [department] if department else schedules.list_departments(session)
    return PAGES.render(request, "reminders.html", user, status_code=status_code, tasks=tasks,
                        overdue=late, never_seen=unseen, people=people,
                        departments=departments, closed=closed, local=_local, q=q,
                        pager=pager, import_form=import_form or {})


def _task_rows(session: Session, department: str | None, closed: int, q: str, page: int
               ) -> tuple[list[tuple[ReminderTask, TaskLine]], paging.Pager]:
    """The page's tasks and pager, read a page at a time in SQL; a search (accents ignored)
    reads every listed task's title and assignee, then only the page's tasks."""
    query = {"closed": str(closed or ""), "q": q}
    if q.strip():
        ids = [task_id for task_id, title, assignee in
               reminder_views.task_titles(session, department, bool(closed))
               if paging.matches(q, (title, assignee))]
        where = paging.pager(len(ids), page, query)
        shown = ids[where.offset:where.offset + where.size]
        return reminder_views.tasks_by_id(session, shown), where
    where = paging.pager(reminder_views.count_tasks(session, department, bool(closed)), page,
                         query)
    return reminder_views.task_page(session, department, bool(closed), where.offset,
                                    where.size), where


@router.post("/reminders")
def create_reminder(request: Request, user: User, csrf_token: Text, title: Text,
                    assignee: Text, details: Text = "", due: Text = "",
                    priority: Annotated[int, Form()] = 1, urgent: Text = "",
                    assignee_person: Text = "") -> Response:
    """``assignee`` is "person:<id>" or "department:<name>"; "person:" alone takes the id
    from the person picker (``assignee_person``)."""
    department = _department(user)
    common.check_csrf(user, csrf_token)
    if assignee == "person:":
        assignee += assignee_person

    def act(session: Session) -> None:
        kind, _, value = assignee.partition(":")
        if kind == "person":
            try:
                person_id = uuid.UUID(value)
            except ValueError:
                raise BadRequest("choose a person or a department", "task_assignee") from None
            spec = TaskIn(title, person_id=person_id, details=details, due_at=_due(due),
                          priority=priority, urgent=bool(urgent))
        elif kind == "department":
            spec = TaskIn(title, department=value, details=details, due_at=_due(due),
                          priority=priority, urgent=bool(urgent))
        else:
            raise BadRequest("choose a person or a department", "task_assignee")
        if department is not None:
            _check_own(session, spec, department)
        reminders.create_task(session, spec, user.username)

    return form_action(request, BASE, act)


def _check_own(session: Session, spec: TaskIn, department: str) -> None:
    if spec.department is not None and spec.department != department:
        raise common.RoleRefused("leaders give tasks to their own department only",
                                 "own_department")
    if spec.person_id is not None:
        person = session.get(Person, spec.person_id)
        if person is None or person.department != department:
            raise common.RoleRefused("leaders give tasks to their own department only",
                                 "own_department")


def _visible_task(session: Session, user: users.CurrentUser,
                  task_id: uuid.UUID) -> ReminderTask:
    department = _department(user)  # the role first: staff learn nothing about tasks
    task = reminders.get_task(session, task_id)
    if not reminder_views.task_visible(session, task, department):
        raise common.RoleRefused("this task belongs to another department",
                                 "other_department")
    return task


@router.get("/reminders/{task_id}")
def reminder_page(request: Request, user: User, task_id: uuid.UUID) -> Response:
    with transaction(common.sessions_of(request)) as session:
        task = _visible_task(session, user, task_id)
        rows = reminder_views.delivery_rows(session, task.id)
    return PAGES.render(request, "reminder.html", user, task=task, rows=rows, local=_local)


@router.post("/reminders/{task_id}/{action}")
def act_on_reminder(request: Request, user: User, task_id: uuid.UUID, action: str,
                    csrf_token: Text) -> Response:
    """``action``: nudge, done, cancel or reopen."""
    _department(user)
    common.check_csrf(user, csrf_token)
    statuses = {"done": Status.DONE, "cancel": Status.CANCELLED, "reopen": Status.OPEN}
    if action != "nudge" and action not in statuses:
        raise BadRequest(f"unknown action {action!r}", "bad_query")

    def act(session: Session) -> None:
        _visible_task(session, user, task_id)
        if action == "nudge":
            reminders.nudge(session, task_id, user.username)
        else:
            reminders.set_status(session, task_id, statuses[action], user.username)

    return form_action(request, f"{BASE}/{task_id}", act)


@router.post("/reminders-import")
def import_reminders(request: Request, user: User, csrf_token: Text,
                     upload: Annotated[UploadFile, File()]) -> Response:
    """Tasks from a CSV/XLSX upload; shows what was refused, by line."""
    department = _department(user)
    common.check_csrf(user, csrf_token)
    try:
        rows = imports.read_rows(upload.filename or "", upload.file.read())
        with transaction(common.sessions_of(request)) as session:
            report = import_tasks(session, rows, user.username, department)
    except BadRequest as exc:
        return reminders_view(request, user, status_code=exc.status, import_form={"error": exc})
    return PAGES.render(request, "reminder_import.html", user, report=report)
