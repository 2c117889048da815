"""People: create, list (by department), erase, deactivate, consent withdrawal, and the
erasure confirmation report. Admin only."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from sync_server.api import access
from sync_server.api.deps import Admin, Sessions
from sync_server.db.engine import transaction
from sync_server.service import erasure, people

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
                                      body.department, actor=f"admin:{admin}")
        return PersonOut.model_validate(person, from_attributes=True)


@router.get("", response_model=list[PersonOut], summary="List people")
def list_people(admin: Admin, sessions: Sessions,
                department: Annotated[str | None, Query(max_length=200)] = None
                ) -> list[PersonOut]:
    with transaction(sessions) as session:
        return [PersonOut.model_validate(p, from_attributes=True)
                for p in people.list_people(session, department)]


class ErasureOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    reason: str
    requested_by: str
    requested_at: datetime
    tombstone_seq: int
    templates_erased: int
    chips_erased: int
    confirmed_kiosks: list[str] = Field(description="kiosks that have erased it")
    pending_kiosks: list[str] = Field(description="kiosks that have not confirmed yet")


def _erasure_out(item: erasure.ErasureStatus) -> ErasureOut:
    record = item.erasure
    return ErasureOut(id=record.id, person_id=record.person_id, reason=record.reason,
                      requested_by=record.requested_by, requested_at=record.requested_at,
                      tombstone_seq=record.tombstone_seq,
                      templates_erased=record.templates_erased,
                      chips_erased=record.chips_erased, confirmed_kiosks=item.confirmed,
                      pending_kiosks=item.pending)


@router.get("/erasures", response_model=list[ErasureOut],
            summary="Erasures and which kiosks have not yet confirmed them")
def list_erasures(admin: Admin, sessions: Sessions, pending_only: bool = False,
                  person_id: uuid.UUID | None = None) -> list[ErasureOut]:
    with transaction(sessions) as session:
        return [_erasure_out(item)
                for item in erasure.statuses(session, pending_only, person_id)]


@router.get("/erasures/{erasure_id}", response_model=ErasureOut, summary="One erasure")
def get_erasure(erasure_id: uuid.UUID, admin: Admin, sessions: Sessions) -> ErasureOut:
    with transaction(sessions) as session:
        return _erasure_out(erasure.status(session, erasure_id))


@router.delete("/{person_id}", status_code=204, summary="Erase a person everywhere")
def erase_person(person_id: uuid.UUID, admin: Admin, sessions: Sessions) -> None:
    """Deletes templates, chips and consents here; kiosks erase them through the feed."""
    with transaction(sessions) as session:
        people.erase_person(session, person_id, requested_by=f"admin:{admin}")


@router.post("/{person_id}/withdraw-consent", response_model=ErasureOut,
             summary="Record a withdrawal of consent; erases biometrics everywhere")
def withdraw_consent(person_id: uuid.UUID, admin: Admin, sessions: Sessions) -> ErasureOut:
    """The person stays (PIN/QR attendance); templates and chips go, here and on kiosks."""
    with transaction(sessions) as session:
        record = people.withdraw_consent(session, person_id, requested_by=f"admin:{admin}")
        return _erasure_out(erasure.status(session, record.id))


@router.post("/{person_id}/deactivate", response_model=ErasureOut,
             summary="Deactivate a person (left); erases biometrics everywhere")
def deactivate_person(person_id: uuid.UUID, admin: Admin, sessions: Sessions) -> ErasureOut:
    with transaction(sessions) as session:
        record = people.deactivate_person(session, person_id, requested_by=f"admin:{admin}")
        return _erasure_out(erasure.status(session, record.id))


router.include_router(access.router)
