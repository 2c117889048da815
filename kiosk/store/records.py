"""Plain, immutable records the store reads and writes, and the enums for their kinds.

All times are timezone-aware UTC ``datetime`` objects; ids are UUIDs.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from attendance.model import PunchKind, PunchSource
from protocol.events import EventIn
from protocol.feed import FeedEntity, FeedOp
from protocol.punches import PunchIn

__all__ = ["PunchKind", "PunchSource", "FeedEntity", "FeedOp"]


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds; naive datetimes are refused (ValueError)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the store keeps timezone-aware UTC instants only")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Punch:
    """One recorded punch (an outbox entry until ``synced_at`` is set).

    ``clock_offset_s`` is server clock minus kiosk clock, in seconds, as measured at the
    last exchange before capture (None: never measured). The server's instant of the punch is
    ``captured_at + clock_offset_s``.
    """

    id: UUID
    person_id: UUID
    kind: PunchKind
    source: PunchSource
    captured_at: datetime
    clock_offset_s: float | None
    synced_at: datetime | None = None

    def to_wire(self) -> PunchIn:
        """The wire model the sync server's ingest takes for this punch."""
        return PunchIn(id=self.id, person_id=self.person_id, kind=self.kind,
                       source=self.source, captured_at=self.captured_at,
                       clock_offset_s=self.clock_offset_s)


@dataclass(frozen=True)
class Person:
    id: UUID
    display_name: str
    employee_code: str | None = None
    department: str | None = None
    active: bool = True


@dataclass(frozen=True)
class Consent:
    """Who consented, when, to which notice text version, and who collected it."""

    person_id: UUID
    given_at: datetime
    notice_version: str
    collected_by: str
    id: UUID = field(default_factory=uuid4)


@dataclass(frozen=True)
class Chip:
    """An aligned enrollment face chip: encoded image bytes plus how it was aligned.

    ``alignment`` is recognizer independent: e.g. the template name, chip size in pixels and
    the five source landmarks, so the chip can be re-embedded by another recognizer later.
    """

    image: bytes
    image_format: str
    alignment: dict[str, Any]


@dataclass(frozen=True)
class Reminder:
    """A reminder shown to its person at recognition: titles only, never details."""

    id: UUID
    person_id: UUID
    title: str
    due_at: datetime | None
    priority: int
    status: str
    urgent: bool = False  # a leader's nudge: shown first, its display synced at once
    created_at: datetime | None = None  # on the server; None for rows cached before it came
    acknowledged_at: datetime | None = None  # the person's touch on "Got it" at this kiosk

    @property
    def acknowledged(self) -> bool:
        """Acknowledged on the server (``status``) or here, by a touch not yet echoed back."""
        return self.status == "acknowledged" or self.acknowledged_at is not None


@dataclass(frozen=True)
class ShiftData:
    """The cached schedule data the domain rules need, as the server sent it (JSON objects)."""

    shift_types: tuple[dict[str, Any], ...]
    assignments: tuple[dict[str, Any], ...]
    holidays: tuple[dict[str, Any], ...]
    leaves: tuple[dict[str, Any], ...] = ()  # person_id, start, end (ISO dates), leave_type_id



@dataclass(frozen=True)
class FeedChange:
    """One entry of the server's change feed, in feed order (``seq`` ascending)."""

    seq: int
    entity: FeedEntity
    op: FeedOp
    entity_id: UUID
    data: dict[str, Any]


@dataclass(frozen=True)
class KioskEvent:
    """Something that happened at the kiosk and that the server must learn exactly once
    (a reminder shown or acknowledged, a refused attempt ...): an outbox entry like a punch.

    ``kind`` names it (lower-case words joined by ``_``); ``data`` is small JSON;
    ``attachment`` optional bytes (e.g. a refused attempt's snapshot), sealed at rest and
    dropped from the kiosk once the server acknowledged the event.
    """

    id: UUID
    kind: str
    person_id: UUID | None
    occurred_at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    attachment: bytes | None = None

    def to_wire(self) -> EventIn:
        """The wire model the sync server's event ingest takes (attachment in base64)."""
        attachment = (base64.b64encode(self.attachment).decode()
                      if self.attachment is not None else None)
        return EventIn(id=self.id, kind=self.kind, person_id=self.person_id,
                       occurred_at=self.occurred_at, data=self.data, attachment=attachment)
