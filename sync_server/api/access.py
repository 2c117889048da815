"""Data-subject access requests (admin): log them with their deadlines, export a person.

Included into the people router (prefix /api/v1/people) by sync_server/api/people.py.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel

from sync_server.api.deps import Admin, Sessions
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.service import access

router = APIRouter(tags=["privacy"])


class AccessRequestOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    requested_by: str
    received_at: datetime
    due_at: datetime
    fulfilled_at: datetime | None
    overdue: bool


class ExportOut(BaseModel):
    data: dict[str, Any]
    summary: str


def _out(request: Any) -> AccessRequestOut:
    overdue = request.fulfilled_at is None and request.due_at < utc_now()
    return AccessRequestOut(id=request.id, person_id=request.person_id,
                            requested_by=request.requested_by, received_at=request.received_at,
                            due_at=request.due_at, fulfilled_at=request.fulfilled_at,
                            overdue=overdue)


@router.get("/access-requests", response_model=list[AccessRequestOut],
            summary="Log of data-subject access requests and their deadlines")
def list_access_requests(admin: Admin, sessions: Sessions,
                         open_only: bool = False) -> list[AccessRequestOut]:
    with transaction(sessions) as session:
        return [_out(r) for r in access.requests_log(session, open_only)]


@router.post("/{person_id}/access-requests", response_model=AccessRequestOut,
             status_code=201, summary="Log a data-subject access request (due in 30 days)")
def open_access_request(person_id: uuid.UUID, admin: Admin,
                        sessions: Sessions) -> AccessRequestOut:
    with transaction(sessions) as session:
        return _out(access.open_request(session, person_id, requested_by=f"admin:{admin}"))


@router.get("/{person_id}/export", response_model=ExportOut,
            summary="Everything held about a person (JSON and a readable summary)")
def export_person(person_id: uuid.UUID, admin: Admin, sessions: Sessions,
                  request_id: uuid.UUID | None = None,
                  language: Literal["vi", "en"] = "vi") -> ExportOut:
    """Marks ``request_id`` (if given) fulfilled; the summary is in ``language``."""
    with transaction(sessions) as session:
        data = access.export_person(session, person_id, request_id, actor=f"admin:{admin}")
    return ExportOut(data=data, summary=access.summary(data, language))
