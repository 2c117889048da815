"""POST /api/v1/templates: a kiosk uploads an enrollment (consent record required).

The upload waits for an admin's or HR's review before any other kiosk receives it
(service.kiosk_enrolments); a consent dated before the person's withdrawal is refused (409);
too many uploads of one person from one kiosk in a day get 429.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from sync_server.api.deps import Kiosk, Sessions, Settings
from sync_server.api.uploads import validate_chip
from sync_server.db.engine import transaction
from sync_server.errors import BadRequest
from sync_server.service import kiosk_enrolments, people

router = APIRouter(prefix="/api/v1", tags=["templates"])


class ConsentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    given_at: AwareDatetime
    notice_version: str = Field(min_length=1, max_length=64)
    collected_by: str = Field(min_length=1, max_length=200)


class NewPersonBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str = Field(min_length=1, max_length=200)
    department: str | None = Field(None, max_length=200)


class ChipBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    image: str = Field(description="base64 of the encoded chip (PNG or JPEG)")
    image_format: str = Field(pattern="^(png|jpeg)$")
    alignment: dict[str, Any]


class EnrollmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: uuid.UUID
    new_person: NewPersonBody | None = Field(None, description="create the person if unknown")
    recognizer_id: str = Field(min_length=1, max_length=64)
    consent: ConsentBody
    embeddings: list[str] = Field(min_length=1, max_length=50,
                                  description="base64 of little-endian float32 vectors")
    chips: list[ChipBody] = Field(default_factory=list, max_length=50)
    template_ids: list[uuid.UUID] | None = Field(
        None, max_length=50, description="the kiosk's own template ids, one per embedding: "
        "a repeated upload with the same ids is answered with them and stores nothing")


class EnrollmentOut(BaseModel):
    template_ids: list[uuid.UUID]


@router.post("/templates", response_model=EnrollmentOut, status_code=201,
             summary="Upload an enrollment from a kiosk (pending review)")
def upload_enrollment(body: EnrollmentIn, kiosk: Kiosk, sessions: Sessions,
                      settings: Settings) -> EnrollmentOut:
    chips = [people.ChipIn(_b64(chip.image, f"chips[{i}]"), chip.image_format, chip.alignment)
             for i, chip in enumerate(body.chips)]
    for index, chip_in in enumerate(chips):
        validate_chip(chip_in.image, chip_in.image_format, f"chips[{index}]")
    consent = people.ConsentIn(body.consent.id, body.consent.given_at,
                               body.consent.notice_version, body.consent.collected_by)
    new_person = None if body.new_person is None else (body.new_person.display_name,
                                                       body.new_person.department)
    sent = kiosk_enrolments.Upload(body.person_id, new_person, body.recognizer_id, consent,
                                   body.embeddings, chips, body.template_ids)
    with transaction(sessions) as session:
        ids = kiosk_enrolments.upload(session, kiosk.id, sent,
                                      settings.trust.enrolments_per_person_per_day)
    return EnrollmentOut(template_ids=ids)


def _b64(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(f"{where} is not base64") from None
