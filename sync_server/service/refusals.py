"""Refused check-in attempts reported by kiosks (``refused_attempt`` events), for review.

A kiosk records one event per attempt it refused, once per tracked face
(kiosk.app.liveness_guard, kiosk.app.door_tracks): person_id = the enrolled identity the
face resembled (None: nobody), data {"reason": "liveness" | "active_challenge" |
"face_code_mismatch" | "stranger" | "ambiguous", "liveness_score", "match_score",
"threshold", "frames"} (face_code_mismatch: person_id is the typed code's person; stranger
and ambiguous: match_score is the best score seen),
and a sealed JPEG snapshot of the face only when the site enabled snapshots. They are stored
as they come in ``kiosk_events`` (sync_server.service.events); this module lists them for the
admin/HR page and expires them for the retention job:

- snapshots: cleared ``snapshot_days`` after the attempt (default 30): long enough to look
  into an incident, short for a photo of someone's face;
- rows: deleted ``row_days`` after the attempt (default 365): a year of "who was tried".

Runs in the caller's transaction (web thread pool or the retention CLI).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.event_models import KioskEventRow
from sync_server.db.models import Kiosk, Person
from sync_server.service import audit, events, schedules

log = logging.getLogger(__name__)

KIND = "refused_attempt"
RETENTION_ACTOR = "retention-job"


@dataclass(frozen=True)
class RefusedAttempt:
    """One refused attempt as the review page shows it (times UTC)."""

    id: uuid.UUID
    occurred_at: datetime
    kiosk_id: uuid.UUID
    kiosk_name: str
    person_id: uuid.UUID | None
    person_name: str | None
    reason: str
    liveness_score: float | None
    match_score: float | None
    threshold: float | None
    frames: int | None
    has_snapshot: bool


@events.handles(KIND)
def on_refused_attempt(session: Session, kiosk_id: uuid.UUID,
                       event: events.IncomingEvent) -> None:
    """A new refused attempt: stored as it came (the page reads it); logged for operators,
    without the snapshot and without a name (the log is not the place for personal data)."""
    data = event.data or {}
    log.info("kiosk %s refused an attempt at %s: reason=%s liveness=%s resembled=%s "
             "snapshot=%s", kiosk_id, event.occurred_at.isoformat(), data.get("reason"),
             data.get("liveness_score"), "yes" if event.person_id else "nobody",
             event.attachment is not None)


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def list_refused(session: Session, *, kiosk_id: uuid.UUID | None = None,
                 first_day: date | None = None, last_day: date | None = None,
                 zone: str = schedules.SITE_ZONE, limit: int = 500) -> list[RefusedAttempt]:
    """The newest ``limit`` refused attempts, optionally of one kiosk and between two days
    (inclusive, in the site's time zone ``zone``)."""
    query = (select(KioskEventRow, Kiosk.name, Person.display_name)
             .join(Kiosk, Kiosk.id == KioskEventRow.kiosk_id)
             .outerjoin(Person, Person.id == KioskEventRow.person_id)
             .where(KioskEventRow.kind == KIND))
    site = ZoneInfo(zone)
    if kiosk_id is not None:
        query = query.where(KioskEventRow.kiosk_id == kiosk_id)
    if first_day is not None:
        query = query.where(KioskEventRow.occurred_at
                            >= datetime.combine(first_day, time(), site))
    if last_day is not None:
        query = query.where(KioskEventRow.occurred_at
                            < datetime.combine(last_day + timedelta(days=1), time(), site))
    rows = session.execute(query.order_by(KioskEventRow.occurred_at.desc()).limit(limit))
    result = []
    for row, kiosk_name, person_name in rows:
        data = row.data or {}
        frames = data.get("frames")
        result.append(RefusedAttempt(
            id=row.id, occurred_at=row.occurred_at, kiosk_id=row.kiosk_id,
            kiosk_name=kiosk_name, person_id=row.person_id, person_name=person_name,
            reason=str(data.get("reason", "liveness")),
            liveness_score=_number(data.get("liveness_score")),
            match_score=_number(data.get("match_score")),
            threshold=_number(data.get("threshold")),
            frames=frames if isinstance(frames, int) else None,
            has_snapshot=row.attachment is not None))
    return result


def snapshot(session: Session, event_id: uuid.UUID) -> bytes | None:
    """The attempt's JPEG snapshot in clear; None when there is none (never taken, expired,
    or ``event_id`` is not a refused attempt)."""
    row = session.get(KioskEventRow, event_id)
    if row is None or row.kind != KIND:
        return None
    return events.open_attachment(session, row)


@dataclass(frozen=True)
class RefusalExpiry:
    snapshots: int  # snapshots cleared
    rows: int  # attempts deleted


def expire(session: Session, *, snapshot_days: int, row_days: int,
           now: datetime | None = None) -> RefusalExpiry:
    """Clear snapshots older than ``snapshot_days`` and delete attempts older than
    ``row_days``; logged, and audited when anything was removed."""
    now = now or utc_now()
    row_cutoff = now - timedelta(days=row_days)
    deleted = session.execute(delete(KioskEventRow).where(
        KioskEventRow.kind == KIND, KioskEventRow.occurred_at < row_cutoff))
    snapshot_cutoff = now - timedelta(days=snapshot_days)
    cleared = session.execute(update(KioskEventRow).where(
        KioskEventRow.kind == KIND, KioskEventRow.occurred_at < snapshot_cutoff,
        KioskEventRow.attachment.is_not(None)).values(attachment=None))
    report = RefusalExpiry(snapshots=int(getattr(cleared, "rowcount", 0) or 0),
                           rows=int(getattr(deleted, "rowcount", 0) or 0))
    log.info("retention: cleared %d refused-attempt snapshots older than %s; deleted %d "
             "refused attempts older than %s", report.snapshots, snapshot_cutoff.date(),
             report.rows, row_cutoff.date())
    if report.snapshots or report.rows:
        audit.record(session, RETENTION_ACTOR, "retention.refused_attempts", KIND, None,
                     {"snapshots_cleared": report.snapshots, "rows_deleted": report.rows,
                      "snapshot_days": snapshot_days, "row_days": row_days})
    return report
