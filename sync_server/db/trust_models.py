"""What the server does not take from a kiosk on its word: enrolments awaiting a person.

A kiosk's enrolment upload (templates, chips, consent, perhaps a new person) is stored as
one ``KioskEnrolment``; its templates reach the feed (every kiosk) only once an admin or HR
approved it. Rows stay after review (approved or rejected): they are the per-kiosk, per-person
upload history the rate limit counts.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Boolean, Float, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db.models import Base
from sync_server.db.types import UTCDateTime


class EnrolmentStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class KioskEnrolment(Base):
    """One enrolment upload by a kiosk; ``status`` is an ``EnrolmentStatus`` value.
    ``person_id`` has no foreign key: the record outlives an erased person."""

    __tablename__ = "kiosk_enrolments"
    __table_args__ = (Index("kiosk_enrolments_rate", "kiosk_id", "person_id", "uploaded_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kiosk_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    consent_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    recognizer_id: Mapped[str] = mapped_column(String(64))
    created_person: Mapped[bool] = mapped_column(Boolean, default=False)
    templates: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The duplicate guard's verdict at upload (service.lookalikes): the other person the
    # face scored at or above the 1:1 threshold with, and that score (cosine); NULL: clear.
    guard_person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    guard_score: Mapped[float | None] = mapped_column(Float)
    # the kiosk whose admin confirmed them as different people (look-alikes), if one did
    guard_confirmed_by: Mapped[str | None] = mapped_column(String(200))
