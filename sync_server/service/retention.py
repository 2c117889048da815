"""The server's retention job (``sync-server retention``, run daily by cron or a timer).

- Raw punches: kept ``raw_punch_days`` (default 400: a year of reports plus corrections and
  disputes); older ones are deleted. Aggregated reports are computed from punches, so a site
  that must keep lateness totals longer exports them before (docs/privacy.md).
- Biometrics of inactive people: erased ``inactive_biometrics_days`` (default 0) after the
  person was made inactive, through the same recorded erasure as a deactivation, so kiosks
  erase them and confirm. (Deactivation through the API already erases at once; this catches
  people made inactive by other paths.)
- Refused attempts (kiosk ``refused_attempt`` events, sync_server.service.refusals): their
  snapshots (taken only where the site enabled them) are cleared ``refused_snapshot_days``
  after the attempt (default 30) and the rows deleted after ``refused_attempt_days`` (365).

Every run is logged with its counts; erasures are recorded like any other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.models import Chip, Person, Punch, Template
from sync_server.service import erasure, people, refusals

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionPolicy:
    raw_punch_days: int = 400
    inactive_biometrics_days: int = 0
    refused_snapshot_days: int = 30
    refused_attempt_days: int = 365


@dataclass(frozen=True)
class RetentionReport:
    punches: int
    people: int
    refused_snapshots: int = 0
    refused_attempts: int = 0


def apply_retention(session: Session, policy: RetentionPolicy,
                    now: datetime | None = None) -> RetentionReport:
    """Delete expired punches and biometrics (in the caller's transaction)."""
    now = now or utc_now()
    punch_cutoff = now - timedelta(days=policy.raw_punch_days)
    result = session.execute(delete(Punch).where(Punch.occurred_at < punch_cutoff))
    punches = getattr(result, "rowcount", 0)
    people_cutoff = now - timedelta(days=policy.inactive_biometrics_days)
    with_biometrics = select(Template.person_id).union(select(Chip.person_id))
    stale = list(session.scalars(select(Person.id).where(
        Person.active.is_(False), Person.updated_at <= people_cutoff,
        Person.id.in_(with_biometrics))))
    for person_id in stale:
        people.erase_biometrics_for_retention(session, person_id)
    expired = refusals.expire(session, snapshot_days=policy.refused_snapshot_days,
                              row_days=policy.refused_attempt_days, now=now)
    report = RetentionReport(punches=int(punches or 0), people=len(stale),
                             refused_snapshots=expired.snapshots, refused_attempts=expired.rows)
    log.info("retention: deleted %d raw punches older than %s; erased biometrics of %d "
             "inactive people (%s)", report.punches, punch_cutoff.date(), report.people,
             erasure.Reason.RETENTION.value)
    return report
