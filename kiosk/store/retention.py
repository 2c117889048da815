"""The kiosk's retention job: what the device keeps, and for how long.

- Synced punches: the server holds the record of truth; the kiosk keeps synced punches
  ``synced_punch_days`` (default 90) for cooldown and local display, then deletes them.
  Unsynced punches are never deleted (they are the outbox). Synced events (reminders shown,
  refused attempts) follow the same period; their attachments left at acknowledgement.
- Biometrics of inactive people (left the organisation): erased once the person has been
  inactive ``inactive_biometrics_days`` (default 0, i.e. at the next run).
- Approved leave: deleted the day after its last day (a day's margin for the site's zone).
- Refused-attempt snapshots (only where the site enables them) stay on the kiosk only until
  the server acknowledged their event.

Run daily by ``kiosk retention`` (cron/systemd timer) or the app; blocks on disk I/O.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.store.records import to_iso, utc_now
from kiosk.store.store import KioskStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionPolicy:
    synced_punch_days: int = 90
    inactive_biometrics_days: int = 0


@dataclass(frozen=True)
class RetentionReport:
    punches: int
    people: int
    events: int = 0
    leaves: int = 0


def apply_retention(store: KioskStore, policy: RetentionPolicy,
                    now: datetime | None = None) -> RetentionReport:
    """Delete what the policy says has expired; logs and audits the counts."""
    now = now or utc_now()
    punch_cutoff = to_iso(now - timedelta(days=policy.synced_punch_days))
    people_cutoff = to_iso(now - timedelta(days=policy.inactive_biometrics_days))
    conn = store._conn  # the store's own package: a friend, not a client
    with conn.transaction() as raw:
        punches = raw.execute("DELETE FROM punches WHERE synced_at IS NOT NULL AND"
                              " captured_at < ?", (punch_cutoff,)).rowcount
        events = raw.execute("DELETE FROM events WHERE synced_at IS NOT NULL AND"
                             " occurred_at < ?", (punch_cutoff,)).rowcount
        stale = [row[0] for row in raw.execute(
            "SELECT id FROM people WHERE active = 0 AND updated_at <= ? AND (EXISTS (SELECT 1"
            " FROM templates t WHERE t.person_id = people.id) OR EXISTS (SELECT 1 FROM chips c"
            " WHERE c.person_id = people.id))", (people_cutoff,))]
        for person_id in stale:
            raw.execute("DELETE FROM templates WHERE person_id = ?", (person_id,))
            raw.execute("DELETE FROM chips WHERE person_id = ?", (person_id,))
    if stale:
        conn.vacuum()
    leaves = store.feed.drop_leave_ended_before((now - timedelta(days=1)).date())
    report = RetentionReport(punches=punches, people=len(stale), events=events, leaves=leaves)
    store.audit_log.record("retention-job", "retention", None,
                {"punches_deleted": report.punches, "people_biometrics_erased": report.people,
                 "events_deleted": report.events, "leaves_deleted": report.leaves,
                 "policy": {"synced_punch_days": policy.synced_punch_days,
                            "inactive_biometrics_days": policy.inactive_biometrics_days}})
    log.info("retention: deleted %d synced punches, erased biometrics of %d inactive people",
             report.punches, report.people)
    return report
