"""Events reported by kiosks (reminders shown or acknowledged, refused attempts ...).

A kiosk event is stored once, keyed by the id the kiosk gave it; what it means is up to the
service that handles its kind (sync_server.service.events.HANDLERS).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sync_server.db.models import Base
from sync_server.db.types import UTCDateTime


class KioskEventRow(Base):
    """One event as a kiosk reported it. ``attachment`` (e.g. a snapshot) is sealed at rest."""

    __tablename__ = "kiosk_events"
    __table_args__ = (Index("kiosk_events_kind_time", "kind", "occurred_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kiosk_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("kiosks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
