"""POST /api/v1/templates: a kiosk uploads an enrollment (consent record required)."""

from __future__ import annotations

import base64
import binascii
import uuid

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session

from protocol.api import API_PREFIX
from protocol.enrolment import EnrollmentIn, EnrollmentOut
from sync_server.api.deps import Kiosk, Sessions
from sync_server.api.uploads import validate_chip
from sync_server.db.engine import transaction
from sync_server.db.models import Erasure, Person
from sync_server.errors import BadRequest, Conflict
from sync_server.service import erasure, people

router = APIRouter(prefix=API_PREFIX, tags=["templates"])







@router.post("/templates", response_model=EnrollmentOut, status_code=201,
             summary="Upload an enrollment from a kiosk")
def upload_enrollment(body: EnrollmentIn, kiosk: Kiosk, sessions: Sessions) -> EnrollmentOut:
    chips = [people.ChipIn(_b64(chip.image, f"chips[{i}]"), chip.image_format, chip.alignment)
             for i, chip in enumerate(body.chips)]
    for index, chip_in in enumerate(chips):
        validate_chip(chip_in.image, chip_in.image_format, f"chips[{index}]")
    consent = people.ConsentIn(body.consent.id, body.consent.given_at,
                               body.consent.notice_version, body.consent.collected_by)
    with transaction(sessions) as session:
        if body.new_person is not None and session.get(Person, body.person_id) is None:
            _refuse_erased(session, body.person_id)
            people.create_person(session, body.new_person.display_name,
                                 department=body.new_person.department,
                                 person_id=body.person_id, actor=f"kiosk:{kiosk.name}")
        ids = people.enroll(session, body.person_id, body.recognizer_id, consent,
                            body.embeddings, chips, source_kiosk_id=kiosk.id,
                            template_ids=body.template_ids, actor=f"kiosk:{kiosk.name}")
    return EnrollmentOut(template_ids=ids)


def _refuse_erased(session: Session, person_id: uuid.UUID) -> None:
    """A person erased here is never created again by a late (retried) kiosk upload."""
    erased = session.scalar(select(Erasure.id).where(
        Erasure.person_id == person_id, Erasure.reason == erasure.Reason.DELETED.value).limit(1))
    if erased is not None:
        raise Conflict(f"person {person_id} was erased on the server; the upload is refused")


def _b64(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(f"{where} is not base64") from None
