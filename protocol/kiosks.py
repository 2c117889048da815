"""Kiosk provisioning and heartbeat: what a kiosk reports about itself, and its credential."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

MAX_CLOCK_OFFSET_S = 10 * 366 * 86400.0  # beyond ten years a clock is not a clock


class DecisionRule(BaseModel):
    """A kiosk's gallery-aware decision rule (faceid.operating_point). Thresholds are cosine
    similarities; rates are fractions (0.01 = 1%)."""

    model_config = ConfigDict(extra="forbid")

    people: int = Field(ge=0)
    templates: int = Field(ge=0)
    threshold_1n: float = Field(ge=-1.0, le=1.0)
    threshold_1to1: float = Field(ge=-1.0, le=1.0)
    target_fpir: float = Field(gt=0.0, lt=1.0)
    expected_fpir: float = Field(ge=0.0, le=1.0)
    face_only_success: float | None = Field(None, ge=0.0, le=1.0)
    computed_at: datetime | None = None


class DeviceReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    software_version: str | None = Field(None, max_length=64)
    recognizer_id: str | None = Field(None, max_length=64)
    backlog: int | None = Field(None, ge=0)
    clock_offset_s: float | None = Field(
        None, ge=-MAX_CLOCK_OFFSET_S, le=MAX_CLOCK_OFFSET_S, allow_inf_nan=False,
        description="server minus kiosk clock, seconds (finite)")
    feed_cursor: int | None = Field(None, ge=0, description="the last feed seq the kiosk "
                                    "applied; beyond the newest change: 409")
    decision_rule: DecisionRule | None = None


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
