"""Tables of leave types and of staff's requests (leave, corrections) awaiting a decision.

Leave types carry the accrual rules of ``attendance.LeavePolicy``. A request is submitted
by a person (or for them), then approved or refused by their leader or HR; an approved
request points at what it became (``result_id``: a ``leaves`` or ``corrections`` row).
Days are plain dates in the site's zone; instants are UTC.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db.models import Base
from sync_server.db.types import UTCDateTime


class LeaveTypeRow(Base):
    """A kind of leave HR offers (annual, sick, unpaid, business trip, ...)."""

    __tablename__ = "leave_types"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    days_per_year: Mapped[float] = mapped_column(Float, default=0.0)
    monthly_accrual: Mapped[bool] = mapped_column(Boolean, default=True)
    carry_over_cap_days: Mapped[float] = mapped_column(Float, default=0.0)
    counted: Mapped[bool] = mapped_column(Boolean, default=False)  # uses a yearly balance
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LeaveRequestRow(Base):
    """A person's request: ``kind`` "leave" (type, first and last day) or "correction"
    (``correction_kind`` add_punch with ``instant`` and ``punch_kind``, or excuse_late with
    ``day``). ``status``: pending, approved, refused or withdrawn."""

    __tablename__ = "leave_requests"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    leave_type_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    days: Mapped[float | None] = mapped_column(Float)  # working days the leave uses
    correction_kind: Mapped[str | None] = mapped_column(String(16))
    instant: Mapped[datetime | None] = mapped_column(UTCDateTime)
    punch_kind: Mapped[str | None] = mapped_column(String(16))
    day: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(String(500))
    result_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
