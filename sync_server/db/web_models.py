"""Tables of the HR web application, on the same declarative ``Base`` as the sync server.

Times are UTC instants (UTCDateTime); calendar days (shift assignments, holidays, leave,
excused days) are plain dates in the site's zone. Shift start/end are local wall times
stored as "HH:MM" text so SQLite and PostgreSQL behave the same.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db.models import Base
from sync_server.db.types import UTCDateTime


class WebUser(Base):
    """A person who logs into the web application; ``role`` is a ``users.Role`` value."""

    __tablename__ = "web_users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(String(200))  # leaders: their department
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # staff: their own record
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A login session; only the SHA-256 of the cookie value is stored."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"),
                                               index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Department(Base):
    """A department; people refer to it by name (``people.department``)."""

    __tablename__ = "departments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The site of its people who have no site of their own (NULL: the default site).
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"), index=True)


class ShiftTypeRow(Base):
    __tablename__ = "shift_types"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    start: Mapped[str] = mapped_column(String(5))  # local "HH:MM"
    end: Mapped[str] = mapped_column(String(5))  # end <= start: crosses midnight
    late_grace_min: Mapped[int] = mapped_column(Integer, default=5)
    early_exit_grace_min: Mapped[int] = mapped_column(Integer, default=5)
    checkin_window_min: Mapped[int] = mapped_column(Integer, default=60)
    checkout_window_min: Mapped[int] = mapped_column(Integer, default=240)
    half_day_below_h: Mapped[float] = mapped_column(Float, default=4.0)
    absent_below_h: Mapped[float] = mapped_column(Float, default=1.0)
    working_days: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")  # 0 = Monday
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ShiftAssignmentRow(Base):
    """A shift type for a person or a department (by name) from ``start`` to ``end``."""

    __tablename__ = "shift_assignments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    shift_type_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shift_types.id"), index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    department: Mapped[str | None] = mapped_column(String(200))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HolidayRow(Base):
    __tablename__ = "holidays"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(200))  # None: everyone
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LeaveRow(Base):
    """Approved leave for a person, whole days, inclusive."""

    __tablename__ = "leaves"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    leave_type_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # db.leave_models.LeaveTypeRow


class CorrectionRow(Base):
    """HR's correction on top of the raw punches (which are never edited)."""

    __tablename__ = "corrections"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # attendance.CorrectionKind value
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    punch_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # void_punch
    instant: Mapped[datetime | None] = mapped_column(UTCDateTime)  # add_punch
    punch_kind: Mapped[str] = mapped_column(String(16), default="auto")  # add_punch
    day: Mapped[date | None] = mapped_column(Date)  # excuse_late
    reason: Mapped[str] = mapped_column(String(500))
    made_by: Mapped[str] = mapped_column(String(100))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """One admin/HR action; rows are only ever inserted."""

    __tablename__ = "audit_log"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class LoginFailure(Base):
    """A failed login, kept for the throttle's window (service.login_throttle): per
    (username, client address) and per address. In the database, so every server process
    sees the same count."""

    __tablename__ = "login_failures"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    subject: Mapped[str] = mapped_column(String(300), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
