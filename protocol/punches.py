"""``POST /api/v1/punches``: a kiosk's batch of punches; idempotent on each punch id.

Every punch sent is acknowledged (stored: never send it again); ``verdicts`` says for each
whether it counts at once (``accepted``) or waits for a person's review (``held``, with the
reasons: docs/security.md). A kiosk that ignores ``verdicts`` loses nothing.
"""

from __future__ import annotations

import enum
import uuid

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from attendance.model import PunchKind, PunchSource

__all__ = ["TEN_YEARS_S", "HoldReason", "PunchAck", "PunchBatch", "PunchIn", "PunchKind",
           "PunchSource", "PunchVerdict", "Verdict"]

TEN_YEARS_S = 10 * 365 * 86400


class PunchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(description="made by the kiosk at capture; the idempotency key")
    person_id: uuid.UUID
    kind: PunchKind
    source: PunchSource
    captured_at: AwareDatetime = Field(description="kiosk clock, with zone")
    clock_offset_s: float | None = Field(None, ge=-TEN_YEARS_S, le=TEN_YEARS_S,
                                         allow_inf_nan=False,
                                         description="server minus kiosk clock, seconds")


class PunchBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    punches: list[PunchIn] = Field(min_length=1)


class Verdict(enum.Enum):
    ACCEPTED = "accepted"
    HELD = "held"


class HoldReason(enum.Enum):
    """Why the server holds a punch for review."""

    UNKNOWN_PERSON = "unknown_person"
    NOT_AT_KIOSK = "not_at_kiosk"  # the kiosk was never sent a way to identify them
    ENROLMENT_PENDING = "enrolment_pending"  # only the kiosk's own unapproved enrolment
    AFTER_RECEIPT = "after_receipt"
    BEFORE_WINDOW = "before_window"
    CLOCK_OFFSET = "clock_offset"


class PunchVerdict(BaseModel):
    id: uuid.UUID
    verdict: Verdict
    reasons: list[str] = Field(description="why it is held (HoldReason values)")


class PunchAck(BaseModel):
    acknowledged: list[uuid.UUID] = Field(description="every punch sent: stored, never resend")
    conflicts: list[uuid.UUID]
    verdicts: list[PunchVerdict] = Field(default_factory=list,
                                         description="one per punch, in the batch's order")
