"""Tasks for other systems: REST ``/api/v1/tasks`` (bearer integration token) and the signed
inbound webhook ``/api/v1/webhooks/tasks/{system}``.

Both are idempotent on (integration, external_id): sending the same external id again
updates that task instead of creating another. The webhook's signature scheme is described
in ``sync_server.service.reminder_webhooks``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from sync_server.api.deps import Sessions, bearer
from sync_server.db.engine import transaction
from sync_server.db.models import Person
from sync_server.db.reminder_models import ReminderTask
from sync_server.errors import BadRequest, Forbidden, Unauthorized
from sync_server.service import reminder_webhooks, reminders
from sync_server.service.reminders import Source, Status, TaskIn

router = APIRouter(prefix="/api/v1", tags=["tasks"])


class TaskBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_id: str = Field(min_length=1, max_length=200,
                             description="your id for the task; sending it again updates it")
    title: str = Field(min_length=1, max_length=reminders.MAX_TITLE)
    details: str = Field("", max_length=reminders.MAX_DETAILS)
    person_id: uuid.UUID | None = None
    employee_code: str | None = Field(None, max_length=64,
                                      description="instead of person_id")
    department: str | None = Field(None, max_length=200)
    due_at: AwareDatetime | None = None
    priority: int = Field(1, ge=0, le=2)
    urgent: bool = False


class TaskPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=reminders.MAX_TITLE)
    details: str | None = Field(None, max_length=reminders.MAX_DETAILS)
    due_at: AwareDatetime | None = None
    priority: int | None = Field(None, ge=0, le=2)
    status: Literal["open", "done", "cancelled"] | None = None


class IntegrationIdentity(BaseModel):
    name: str


def current_integration(sessions: Sessions, token: Annotated[
        HTTPAuthorizationCredentials | None, Depends(bearer)]) -> IntegrationIdentity:
    if token is None:
        raise Unauthorized("an integration token is required (Authorization: Bearer ...)")
    with transaction(sessions) as session:
        return IntegrationIdentity(
            name=reminder_webhooks.authenticate_token(session, token.credentials).name)


System = Annotated[IntegrationIdentity, Depends(current_integration)]


def _spec(session: Any, body: TaskBody) -> TaskIn:
    person_id = body.person_id
    if body.employee_code:
        person = session.scalars(select(Person).where(
            Person.employee_code == body.employee_code)).first()
        if person is None:
            raise BadRequest(f"no person with employee code {body.employee_code!r}")
        person_id = person.id
    return TaskIn(title=body.title, details=body.details, person_id=person_id,
                  department=body.department, due_at=body.due_at, priority=body.priority,
                  urgent=body.urgent, external_id=body.external_id)


def _own(session: Any, system: str, task_id: uuid.UUID) -> ReminderTask:
    task = reminders.get_task(session, task_id)
    if task.system != system:
        raise Forbidden("this task belongs to another system")
    return task


@router.post("/tasks", summary="Create (or update, by external_id) a task")
def create_task(body: TaskBody, system: System, sessions: Sessions,
                response: Response) -> dict[str, Any]:
    with transaction(sessions) as session:
        task, created = reminders.create_task(session, _spec(session, body), system.name,
                                              Source.API, system.name)
        response.status_code = 201 if created else 200
        return reminders.task_payload(session, task)


@router.get("/tasks", summary="This system's tasks, newest first")
def list_tasks(system: System, sessions: Sessions, external_id: str | None = None,
               status: str | None = None, limit: int = 100) -> dict[str, Any]:
    query = select(ReminderTask).where(ReminderTask.system == system.name)
    if external_id:
        query = query.where(ReminderTask.external_id == external_id)
    if status:
        query = query.where(ReminderTask.status == status)
    with transaction(sessions) as session:
        rows = session.scalars(query.order_by(ReminderTask.created_at.desc())
                               .limit(max(1, min(limit, 1000))))
        return {"tasks": [reminders.task_payload(session, t) for t in rows]}


@router.get("/tasks/{task_id}", summary="One task with its delivery counts")
def get_task(task_id: uuid.UUID, system: System, sessions: Sessions) -> dict[str, Any]:
    with transaction(sessions) as session:
        return reminders.task_payload(session, _own(session, system.name, task_id))


@router.patch("/tasks/{task_id}", summary="Change a task, or mark it done / cancelled")
def patch_task(task_id: uuid.UUID, body: TaskPatch, system: System,
               sessions: Sessions) -> dict[str, Any]:
    with transaction(sessions) as session:
        task = _own(session, system.name, task_id)
        fields = body.model_fields_set - {"status"}
        if fields:
            due: datetime | None = body.due_at if "due_at" in fields else task.due_at
            reminders.update_task(session, task.id, TaskIn(
                title=body.title or task.title,
                details=task.details if body.details is None else body.details,
                due_at=due, priority=task.priority if body.priority is None else body.priority),
                system.name)
        if body.status is not None:
            reminders.set_status(session, task.id, Status(body.status), system.name)
        return reminders.task_payload(session, task)


@router.post("/webhooks/tasks", summary="Signed inbound webhook: create or update a task")
async def task_webhook(request: Request, sessions: Sessions,
                       response: Response) -> dict[str, Any]:
    """Headers: ``X-Integration`` (the integration's name), ``X-Timestamp``, ``X-Nonce``,
    ``X-Signature``. Body: a task as for ``POST /tasks``, or ``{"external_id", "status"}``
    to close or reopen one. Refused (401) when unsigned, badly signed, stale (> 5 min) or
    replayed."""
    body = await request.body()
    system = request.headers.get("x-integration", "")
    result: dict[str, Any] = await _run_sync(_handle_webhook, sessions, system,
                                             dict(request.headers), body, response)
    return result


async def _run_sync(function: Any, *args: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)


class StatusBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_id: str = Field(min_length=1, max_length=200)
    status: Literal["open", "done", "cancelled"]


def _handle_webhook(sessions: Any, system: str, headers: dict[str, str], body: bytes,
                    response: Response) -> dict[str, Any]:
    with transaction(sessions) as session:
        reminder_webhooks.verify_inbound(session, system, headers, body)
    try:
        if b'"title"' in body:
            task_body: TaskBody | StatusBody = TaskBody.model_validate_json(body)
        else:
            task_body = StatusBody.model_validate_json(body)
    except ValidationError as exc:
        raise BadRequest(f"invalid task: {exc.errors()[0]['msg']}") from None
    with transaction(sessions) as session:
        if isinstance(task_body, StatusBody):
            task = reminders.find_external(session, system, task_body.external_id)
            if task is None:
                raise BadRequest(f"no task with external_id {task_body.external_id!r}")
            reminders.set_status(session, task.id, Status(task_body.status), system)
            return reminders.task_payload(session, task)
        task, created = reminders.create_task(session, _spec(session, task_body), system,
                                              Source.WEBHOOK, system)
        response.status_code = 201 if created else 200
        return reminders.task_payload(session, task)
