"""Kiosk provisioning and heartbeat: what a kiosk reports about itself, and its credential."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class DeviceReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    software_version: str | None = Field(None, max_length=64)
    recognizer_id: str | None = Field(None, max_length=64)
    backlog: int | None = Field(None, ge=0)
    clock_offset_s: float | None = None
    feed_cursor: int | None = Field(None, ge=0)


class ProvisionIn(DeviceReport):
    code: str = Field(min_length=4, max_length=32)


class CredentialOut(BaseModel):
    kiosk_id: uuid.UUID
    name: str
    credential: str = Field(description="keep secret; send as 'Authorization: Bearer ...'")
