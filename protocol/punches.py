"""``POST /api/v1/punches``: a kiosk's batch of punches; idempotent on each punch id."""

from __future__ import annotations

import uuid

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from attendance.model import PunchKind, PunchSource

__all__ = ["TEN_YEARS_S", "PunchAck", "PunchBatch", "PunchIn", "PunchKind", "PunchSource"]

TEN_YEARS_S = 10 * 365 * 86400


class PunchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(description="made by the kiosk at capture; the idempotency key")
    person_id: uuid.UUID
    kind: PunchKind
    source: PunchSource
    captured_at: AwareDatetime = Field(description="kiosk clock, with zone")
    clock_offset_s: float | None = Field(None, ge=-TEN_YEARS_S, le=TEN_YEARS_S,
                                         description="server minus kiosk clock, seconds")


class PunchBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    punches: list[PunchIn] = Field(min_length=1)


class PunchAck(BaseModel):
    acknowledged: list[uuid.UUID]
    conflicts: list[uuid.UUID]
