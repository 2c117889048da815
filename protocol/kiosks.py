"""Kiosk provisioning and heartbeat: what a kiosk reports about itself, and its credential."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class DeviceReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    software_version: str | None = Field(None, max_length=64)
    recognizer_id: str | None = Field(None, max_length=64)
    backlog: int | None = Field(None, ge=0)
    clock_offset_s: float | None = Field(None, allow_inf_nan=False)
    feed_cursor: int | None = Field(None, ge=0, description="the last feed seq the kiosk "
                                    "applied; beyond the newest change: 409")


class ProvisionIn(DeviceReport):
    code: str = Field(min_length=4, max_length=32)


class ErasureConfirmationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    erasure_ids: list[uuid.UUID] = Field(min_length=1, max_length=1000,
                                         description="erasures this kiosk applied (the "
                                         "feed entries' erasure_id and covers)")


class ErasureConfirmationOut(BaseModel):
    confirmed: list[uuid.UUID]
    unknown: list[uuid.UUID] = Field(description="no such erasure here: nothing recorded")


class CredentialOut(BaseModel):
    kiosk_id: uuid.UUID
    name: str
    credential: str = Field(description="keep secret; send as 'Authorization: Bearer ...'")
