"""A recognized person's reminders on the greeting card: ranked, recorded as shown, acknowledged.

The ranking is the domain's (attendance.reminders: urgent, unacknowledged, overdue, due today,
priority, age; at most 3). What the server must learn goes through the store's event outbox,
synced exactly once like punches (kinds agreed with the server):

- ``reminder_shown``: one per reminder on a greeting card, data {"reminder_id", "urgent"};
- ``reminder_ack``: the person's one touch on "Got it", data {"reminder_id"}.

Every function runs on the inference worker thread (it blocks on SQLite).
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from attendance.reminders import MAX_ON_SCREEN, ReminderFacts, rank
from kiosk.app.state import Greeting, ReminderItem
from kiosk.store import KioskStore

log = logging.getLogger(__name__)

SHOWN = "reminder_shown"
ACKNOWLEDGED = "reminder_ack"


def ranked_items(store: KioskStore, person_id: UUID, now: datetime, zone: str,
                 limit: int = MAX_ON_SCREEN) -> tuple[ReminderItem, ...]:
    """The person's cached reminders as the card shows them, best first, at most ``limit``.

    ``zone`` is the site's IANA time zone ("due today" is the site's calendar day).
    """
    cached = {str(r.id): r for r in store.reminders.for_person(person_id,
                                                               include_acknowledged=True)}
    facts = [ReminderFacts(key, due_at=r.due_at, priority=r.priority, created_at=r.created_at,
                           urgent=r.urgent, acknowledged=r.acknowledged)
             for key, r in cached.items()]
    return tuple(
        ReminderItem(item.reminder.reminder_id, cached[item.reminder.reminder_id].title,
                     item.reminder.due_at, overdue=item.overdue, urgent=item.reminder.urgent,
                     acknowledged=item.reminder.acknowledged)
        for item in rank(facts, now, zone, limit=limit))


def record_shown(store: KioskStore, greeting: Greeting) -> bool:
    """One ``reminder_shown`` event per reminder on ``greeting``; True if one was urgent
    (the caller then asks the sync worker to sync now, so the leader's nudge is reported
    delivered within one sync interval)."""
    for item in greeting.reminders:
        store.events.record(SHOWN, {"reminder_id": item.reminder_id, "urgent": item.urgent},
                           person_id=greeting.person_id, occurred_at=greeting.at)
    return any(item.urgent for item in greeting.reminders)


def acknowledge(store: KioskStore, person_id: UUID, reminder_id: str, at: datetime) -> bool:
    """The person touched "Got it": a ``reminder_ack`` event, then the local status.

    False (nothing recorded) when ``reminder_id`` is not one of ``person_id``'s cached
    reminders. A second touch records nothing more. The event is written first: a crash
    between the two writes can at worst show the button once more, never lose the ack.
    """
    try:
        key = UUID(reminder_id)
    except ValueError:
        return False
    mine = {r.id: r for r in store.reminders.for_person(person_id, include_acknowledged=True)}
    reminder = mine.get(key)
    if reminder is None:
        log.warning("acknowledgement for reminder %s ignored: not %s's", reminder_id, person_id)
        return False
    if reminder.acknowledged_at is None:
        store.events.record(ACKNOWLEDGED, {"reminder_id": str(key)}, person_id=person_id,
                           occurred_at=at)
        store.reminders.acknowledge(person_id, key, at)
    return True
