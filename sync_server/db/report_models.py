"""Materialised report rows: one finalised attendance day per person (``day_results``).

A row is the domain core's ``DaySummary`` of a day that can no longer change by itself
(its shift and the sync margin are over); ``service/day_results.py`` writes them and drops
them when a late punch, correction, leave, person or schedule change touches them.
Instants are UTC (UTCDateTime); ``day`` is the attendance date in the site's zone.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db.models import Base
from sync_server.db.types import UTCDateTime


class DayResultRow(Base):
    __tablename__ = "day_results"

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    status: Mapped[str] = mapped_column(String(24))  # an attendance.DayStatus value
    first_in: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_out: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worked_minutes: Mapped[int | None] = mapped_column(Integer)
    late_minutes: Mapped[int] = mapped_column(Integer)
    early_exit_minutes: Mapped[int] = mapped_column(Integer)
    late_excused: Mapped[bool] = mapped_column(Boolean)
    punches: Mapped[int] = mapped_column(Integer)
    corrected: Mapped[bool] = mapped_column(Boolean)
    overtime_minutes: Mapped[int] = mapped_column(Integer)
    holiday_work_minutes: Mapped[int] = mapped_column(Integer)
    rest_day_work_minutes: Mapped[int] = mapped_column(Integer)
    overtime_after_min: Mapped[int] = mapped_column(Integer)  # the threshold it was made with
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
