"""The check-in alternatives of people who decline face recognition: a PIN, a QR badge.

Only hashes are kept: the PIN as a salted scrypt string (attendance.pins.hash_pin), the badge
token as its SHA-256 hex digest. Both travel to kiosks inside the person's feed entries.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db.models import Base
from sync_server.db.types import UTCDateTime


class AltCheckinCredential(Base):
    """One row per person who has (or had) a PIN or a badge; NULL = none issued."""

    __tablename__ = "alt_checkin_credentials"

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    pin_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pin_set_by: Mapped[str | None] = mapped_column(String(200))
    badge_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    badge_issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    badge_issued_by: Mapped[str | None] = mapped_column(String(200))
