"""The reminder ranking (attendance.reminders): table-driven worked examples.

The site is Ho Chi Minh City (UTC+7); "now" is Monday 23/11/2026 09:00 local (02:00 UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from attendance.reminders import (
    MAX_ON_SCREEN,
    DueBand,
    ReminderFacts,
    due_band,
    rank,
)

HCM = "Asia/Ho_Chi_Minh"
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 09:00 local
LOCAL = timezone(timedelta(hours=7))
LOW, NORMAL, HIGH = 0, 1, 2


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL)


# The module docstring's (and docs/reminders.md's) worked example.
A = ReminderFacts("A", due_at=local(22, 17), priority=NORMAL, created_at=local(15, 9))
B = ReminderFacts("B", due_at=local(23, 8, 30), priority=HIGH, created_at=local(20, 9))
C = ReminderFacts("C", due_at=local(23, 16), priority=LOW, created_at=local(22, 9))
D = ReminderFacts("D", due_at=None, priority=HIGH, created_at=local(1, 9))
E = ReminderFacts("E", due_at=local(30, 12), priority=NORMAL, created_at=local(20, 9))
F = ReminderFacts("F", due_at=local(24, 8), priority=LOW, created_at=local(22, 9), urgent=True)
G = ReminderFacts("G", due_at=local(21, 9), priority=HIGH, created_at=local(10, 9),
                  acknowledged=True)


def order(*reminders: ReminderFacts, limit: int | None = None) -> str:
    return "".join(r.reminder.reminder_id for r in rank(reminders, NOW, HCM, limit=limit))


def test_the_documented_example_in_full_and_on_screen() -> None:
    everything = (G, E, D, C, B, A, F)  # input order must not matter
    assert order(*everything) == "FABCDEG"
    assert [r.reminder.reminder_id for r in rank(everything, NOW, HCM)] == ["F", "A", "B"]
    assert len(rank(everything, NOW, HCM)) == MAX_ON_SCREEN == 3


@pytest.mark.parametrize("reminders,expected", [
    # Overdue first, the longest overdue first, whatever the priorities.
    ((C, B, A), "A,B,C"),
    ((ReminderFacts("late-low", due_at=local(20, 9), priority=LOW),
      ReminderFacts("late-high", due_at=local(23, 8), priority=HIGH)), "late-low,late-high"),
    # Due today before later ones, even a low one before a high undated one.
    ((D, C), "C,D"),
    # Due today: the soonest first.
    ((ReminderFacts("t17", due_at=local(23, 17), priority=HIGH),
      ReminderFacts("t10", due_at=local(23, 10), priority=LOW)), "t10,t17"),
    # Same due instant today: the higher priority first.
    ((ReminderFacts("n", due_at=local(23, 11), priority=NORMAL),
      ReminderFacts("h", due_at=local(23, 11), priority=HIGH)), "h,n"),
    # Later: priority, then age (older first), then due (undated last).
    ((E, D), "D,E"),
    ((ReminderFacts("new", priority=NORMAL, created_at=local(22, 9)),
      ReminderFacts("old", priority=NORMAL, created_at=local(2, 9))), "old,new"),
    ((ReminderFacts("undated", priority=NORMAL, created_at=local(2, 9)),
      ReminderFacts("dated", due_at=local(28, 9), priority=NORMAL, created_at=local(2, 9))),
     "dated,undated"),
    # Unknown creation time ranks as the newest.
    ((ReminderFacts("unknown", priority=NORMAL),
      ReminderFacts("known", priority=NORMAL, created_at=local(22, 9))), "known,unknown"),
    # Urgent (a leader's nudge) before everything, overdue included.
    ((A, F), "F,A"),
    # Acknowledged after unacknowledged, even when overdue and high.
    ((G, E), "E,G"),
    # ... but an urgent acknowledged reminder is still first.
    ((A, ReminderFacts("nudged-again", priority=LOW, urgent=True, acknowledged=True)),
     "nudged-again,A"),
    # Complete ties fall back to the id: always the same order.
    ((ReminderFacts("b"), ReminderFacts("a")), "a,b"),
], ids=["overdue-then-today", "longer-overdue-beats-priority", "today-before-later",
        "today-soonest-first", "today-tie-priority", "later-priority", "later-age",
        "later-undated-last", "later-unknown-age-newest", "urgent-first", "ack-last",
        "urgent-ack-still-first", "tie-by-id"])
def test_pairwise_rules(reminders: tuple[ReminderFacts, ...], expected: str) -> None:
    ids = [r.reminder.reminder_id for r in rank(reminders, NOW, HCM, limit=None)]
    assert ",".join(ids) == expected


@pytest.mark.parametrize("due,band", [
    (local(23, 8, 59), DueBand.OVERDUE),  # one minute ago
    (local(23, 9, 1), DueBand.DUE_TODAY),
    (local(23, 23, 59), DueBand.DUE_TODAY),  # last minute of the local day
    (local(24, 0, 0), DueBand.LATER),  # 17:00 UTC the same UTC day, but tomorrow locally
    (None, DueBand.LATER),
])
def test_due_today_is_the_site_calendar_day(due: datetime | None, band: DueBand) -> None:
    assert due_band(ReminderFacts("x", due_at=due), NOW, HCM) is band


def test_due_today_depends_on_the_zone() -> None:
    # 23/11 20:00 UTC is still 23/11 in Berlin but already 24/11 in Ho Chi Minh City.
    evening = ReminderFacts("x", due_at=datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
    assert due_band(evening, NOW, "Europe/Berlin") is DueBand.DUE_TODAY
    assert due_band(evening, NOW, HCM) is DueBand.LATER


def test_overdue_flag_and_limits() -> None:
    ranked = rank((A, C), NOW, HCM)
    assert [r.overdue for r in ranked] == [True, False]
    assert rank((A, B, C, D, E), NOW, HCM, limit=0) == []
    assert len(rank((A, B, C, D, E), NOW, HCM, limit=None)) == 5
    assert rank((), NOW, HCM) == []
    with pytest.raises(ValueError, match="limit"):
        rank((A,), NOW, HCM, limit=-1)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="due_at must be timezone-aware"):
        rank((ReminderFacts("x", due_at=datetime(2026, 11, 23, 9)),), NOW, HCM)
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        rank((A,), datetime(2026, 11, 23, 9), HCM)
