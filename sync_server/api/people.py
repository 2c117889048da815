"""People: create, list (by department), erase. Admin only."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from sync_server.api.deps import Admin, Sessions
from sync_server.db.engine import transaction
from sync_server.service import people

router = APIRouter(prefix="/api/v1/people", tags=["people"])


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str = Field(min_length=1, max_length=200)
    employee_code: str | None = Field(None, min_length=1, max_length=64)
    department: str | None = Field(None, min_length=1, max_length=200)


class PersonOut(BaseModel):
    id: uuid.UUID
    display_name: str
    employee_code: str | None
    department: str | None
    active: bool


@router.post("", response_model=PersonOut, status_code=201, summary="Create a person")
def create_person(body: PersonIn, admin: Admin, sessions: Sessions) -> PersonOut:
    with transaction(sessions) as session:
        person = people.create_person(session, body.display_name, body.employee_code,
                                      body.department)
        return PersonOut.model_validate(person, from_attributes=True)


@router.get("", response_model=list[PersonOut], summary="List people")
def list_people(admin: Admin, sessions: Sessions,
                department: Annotated[str | None, Query(max_length=200)] = None
                ) -> list[PersonOut]:
    with transaction(sessions) as session:
        return [PersonOut.model_validate(p, from_attributes=True)
                for p in people.list_people(session, department)]


@router.delete("/{person_id}", status_code=204, summary="Erase a person everywhere")
def erase_person(person_id: uuid.UUID, admin: Admin, sessions: Sessions) -> None:
    """Deletes templates, chips and consents here; kiosks erase them through the feed."""
    with transaction(sessions) as session:
        people.erase_person(session, person_id)
