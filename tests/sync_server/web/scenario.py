"""Test data for the web tests: kiosks, people, shifts and punches through the real
services (the punch store the kiosk API uses, storing these punches as accepted: the kiosk
API's plausibility checks are tested in tests/sync_server/test_trust_boundary.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.engine import transaction
from sync_server.service import kiosks, punch_review, punches, schedules

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


def post_punch(server_url: str, credential: str, person_id: uuid.UUID, at: datetime) -> None:
    """One punch through the kiosk punch API, as the kiosk's sync sends it."""
    answer = httpx.post(f"{server_url}/api/v1/punches", headers={
        "Authorization": f"Bearer {credential}"}, json={"punches": [{
            "id": str(uuid.uuid4()), "person_id": str(person_id), "kind": "auto",
            "source": "face", "captured_at": at.isoformat(), "clock_offset_s": 0.0}]},
        timeout=30)
    answer.raise_for_status()


def approve_held_punches(sessions: sessionmaker[Session], actor: str = "hr") -> int:
    """Approve every punch the server held for review (what HR does on the held-punches
    page, tested in test_browser): backfilled days from a kiosk provisioned today are held
    because they predate it."""
    with transaction(sessions) as session:
        held = [p.id for p in punch_review.list_held(session, limit=10_000)]
        return punch_review.decide(session, held, punch_review.Decision.APPROVE, actor) \
            if held else 0
