"""Scheduled report e-mails: who gets which report (``report_subscriptions``) and what was
already sent (``report_sends``, so a re-run of the timer's job sends nothing twice).

Instants are UTC (UTCDateTime).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db.models import Base
from sync_server.db.types import UTCDateTime


class ReportSubscription(Base):
    """One web user's choice for one report kind (a ``report_mail.ReportKind`` value)."""

    __tablename__ = "report_subscriptions"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("web_users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    email: Mapped[str] = mapped_column(String(300))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportSend(Base):
    """One report e-mail sent: ``key`` is kind, period and user (e.g. ``daily:2026-12-07:<id>``)."""

    __tablename__ = "report_sends"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
