"""Which of a person's reminders the kiosk puts in front of them, and in what order.

Pure standard library, no I/O; "now" is always passed in. The kiosk calls ``rank`` when a
person is recognized; the server may call it to preview what a kiosk would show.

The ranking is a lexicographic score (``rank_key``): smaller sorts first, compared field by
field, each field only breaking the ties of the ones before it.

1. Urgent first: a reminder a leader nudged is shown before anything else, acknowledged or
   not (the nudge means "look at this again").
2. Unacknowledged before acknowledged: what the person has not seen yet comes first.
3. The due band, in the site's time zone:
   ``OVERDUE`` (due before now), then ``DUE_TODAY`` (due later on the site's calendar day of
   ``now``), then ``LATER`` (due on a later day, or no due date).
4. Inside a band:
   - OVERDUE: longest overdue first (earliest due), then higher priority, then older.
   - DUE_TODAY: soonest due first, then higher priority, then older.
   - LATER: higher priority first, then older (``created_at`` earlier; unknown = newest),
     then sooner due (undated last).
5. Finally the reminder id, so equal reminders always come out in the same order.

At most ``MAX_ON_SCREEN`` (3) are shown: a shared screen is seen for a few seconds.

Worked example (site Asia/Ho_Chi_Minh, now = 2026-11-23 09:00 local = 02:00 UTC); each
reminder is (priority 0 low / 1 normal / 2 high, due, created):

    A  normal, due 22/11 17:00 (16 h overdue)        -> OVERDUE, 1st of that band
    B  high,   due 23/11 08:30 (30 min overdue)       -> OVERDUE, 2nd (less overdue than A)
    C  low,    due 23/11 16:00                        -> DUE_TODAY
    D  high,   no due date, created 01/11             -> LATER, priority 2
    E  normal, due 30/11, created 20/11               -> LATER, priority 1
    F  low,    due 24/11 08:00, urgent (nudged)       -> first of all
    G  high,   due 21/11, acknowledged                -> after every unacknowledged one

    Order: F, A, B, C, D, E, G. On screen (3): F, A, B.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from attendance.clock import require_utc

MAX_ON_SCREEN = 3

RankKey = tuple[int, int, int, float, float, float, str]


class DueBand(enum.IntEnum):
    """Where a reminder's due instant falls relative to now, on the site's calendar."""

    OVERDUE = 0
    DUE_TODAY = 1
    LATER = 2


@dataclass(frozen=True)
class ReminderFacts:
    """What ranking needs to know about one reminder (never its text).

    ``priority``: 0 low, 1 normal, 2 high (larger ranks higher). Instants are timezone-aware;
    ``created_at`` None means unknown (ranked as the newest).
    """

    reminder_id: str
    due_at: datetime | None = None
    priority: int = 1
    created_at: datetime | None = None
    urgent: bool = False
    acknowledged: bool = False


@dataclass(frozen=True)
class RankedReminder:
    """One reminder with its band and the score it was sorted by."""

    reminder: ReminderFacts
    band: DueBand
    key: RankKey

    @property
    def overdue(self) -> bool:
        return self.band is DueBand.OVERDUE


def _zone(zone: tzinfo | str) -> tzinfo:
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def due_band(reminder: ReminderFacts, now: datetime, zone: tzinfo | str) -> DueBand:
    """OVERDUE if due before ``now``; DUE_TODAY if due later on now's local day; else LATER."""
    if reminder.due_at is None:
        return DueBand.LATER
    due = require_utc(reminder.due_at, "due_at")
    now_utc = require_utc(now, "now")
    if due < now_utc:
        return DueBand.OVERDUE
    site = _zone(zone)
    if due.astimezone(site).date() == now_utc.astimezone(site).date():
        return DueBand.DUE_TODAY
    return DueBand.LATER


def rank_key(reminder: ReminderFacts, now: datetime, zone: tzinfo | str) -> RankKey:
    """The lexicographic score described in the module docstring (smaller = shown first)."""
    band = due_band(reminder, now, zone)
    due = (require_utc(reminder.due_at, "due_at").timestamp()
           if reminder.due_at is not None else math.inf)
    created = (require_utc(reminder.created_at, "created_at").timestamp()
               if reminder.created_at is not None else math.inf)
    priority = -float(reminder.priority)
    if band is DueBand.LATER:
        inner = (priority, created, due)
    else:  # OVERDUE and DUE_TODAY: the earliest due first (longest overdue, soonest today)
        inner = (due, priority, created)
    return (0 if reminder.urgent else 1, 1 if reminder.acknowledged else 0, int(band),
            *inner, reminder.reminder_id)


def rank(reminders: Iterable[ReminderFacts], now: datetime, zone: tzinfo | str,
         limit: int | None = MAX_ON_SCREEN) -> list[RankedReminder]:
    """``reminders`` best first, cut to ``limit`` (None: all). Raises ValueError for naive
    datetimes or a negative limit."""
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    ranked = sorted((RankedReminder(r, due_band(r, now, zone), rank_key(r, now, zone))
                     for r in reminders), key=lambda item: item.key)
    return ranked if limit is None else ranked[:limit]
