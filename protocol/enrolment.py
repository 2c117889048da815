"""``POST /api/v1/templates``: a kiosk uploads an enrolment (consent record required)."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


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
    confirmed_different: list[uuid.UUID] = Field(
        default_factory=list, max_length=10, description="people an admin at the kiosk "
        "confirmed as different from this one (look-alikes: both then need face + code)")
    rolling: bool = Field(False, description="one rolling template kept at a confident, live "
                          "check-in (no chips, no new person): published at once when it "
                          "passes the server's duplicate guard, never held for review")


class EnrollmentOut(BaseModel):
    template_ids: list[uuid.UUID]
