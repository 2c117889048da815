"""Test data for the web tests: kiosks, people, shifts and punches through the real
services (the punch store the kiosk API uses, storing these punches as accepted: the kiosk
API's plausibility checks are tested in tests/sync_server/test_trust_boundary.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.engine import transaction
from sync_server.service import kiosks, punches, schedules

ZONE = ZoneInfo(schedules.SITE_ZONE)


def local(day: date, hh: int, mm: int) -> datetime:
    """A local wall time in the site's zone, as an aware datetime."""
    return datetime.combine(day, time(hh, mm), tzinfo=ZONE)


def make_kiosk(sessions: sessionmaker[Session], name: str = "lobby") -> uuid.UUID:
    """A registered (not provisioned) kiosk row that punches can refer to."""
    with transaction(sessions) as session:
        kiosk_id, _code = kiosks.create_provisioning_code(session, name, ttl_s=600, actor="test")
    return kiosk_id


def store_punches(session: Session, kiosk_id: uuid.UUID, person_id: uuid.UUID,
                  instants: list[datetime], kind: str = "auto") -> list[uuid.UUID]:
    incoming = [punches.IncomingPunch(id=uuid.uuid4(), person_id=person_id, kind=kind,
                                      source="face", captured_at=instant, clock_offset_s=0.0)
                for instant in instants]
    if incoming:  # the ingest takes non-empty batches only
        punches.ingest(session, kiosk_id, incoming)
    return [p.id for p in incoming]
