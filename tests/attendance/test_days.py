"""A person's day: statuses, worked time, lateness, the last-sync watermark, corrections."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from attendance import (
    CorrectionKind,
    DayStatus,
    Leave,
    PunchKind,
    build_day_summaries,
)
from tests.attendance.helpers import (
    ALICE,
    BERLIN,
    DAY,
    HOLIDAY,
    MONDAY,
    NIGHT,
    SATURDAY,
    assign,
    at,
    correction,
    punch,
    schedule,
)

TUESDAY = MONDAY + timedelta(days=1)
LATER = at(MONDAY + timedelta(days=7), 12)  # well after every window closed

P, L, H, A = DayStatus.PRESENT, DayStatus.LATE, DayStatus.HALF_DAY, DayStatus.ABSENT
F, W = DayStatus.FORGOTTEN_CHECKOUT, DayStatus.PENDING

# (id, shift, day, punch local times, expected (status, worked, late, early), options)
CASES = [
    ("present", DAY, MONDAY, [(MONDAY, 7, 58), (MONDAY, 17, 5)], (P, 547, 0, 0), {}),
    ("late", DAY, MONDAY, [(MONDAY, 8, 10), (MONDAY, 17)], (L, 530, 10, 0), {}),
    ("exactly-at-grace-is-present", DAY, MONDAY, [(MONDAY, 8, 5), (MONDAY, 17)],
     (P, 535, 0, 0), {}),
    ("early-exit", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 16, 30)], (P, 510, 0, 30), {}),
    ("late-and-early", DAY, MONDAY, [(MONDAY, 8, 20), (MONDAY, 16, 40)], (L, 500, 20, 20), {}),
    ("absent-final", DAY, MONDAY, [], (A, None, 0, 0), {}),
    ("absent-not-final-device-behind", DAY, MONDAY, [], (W, None, 0, 0),
     {"watermark": at(MONDAY, 12)}),
    ("absent-not-final-day-running", DAY, MONDAY, [], (W, None, 0, 0), {"now": at(MONDAY, 18)}),
    ("forgotten-checkout", DAY, MONDAY, [(MONDAY, 8)], (F, None, 0, 0), {}),
    ("forgotten-checkout-late", DAY, MONDAY, [(MONDAY, 8, 30)], (F, None, 30, 0), {}),
    ("still-at-work", DAY, MONDAY, [(MONDAY, 8)], (W, None, 0, 0), {"now": at(MONDAY, 15)}),
    ("checkout-may-be-on-a-slow-kiosk", DAY, MONDAY, [(MONDAY, 8)], (W, None, 0, 0),
     {"watermark": at(MONDAY, 16)}),
    ("half-day", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 11)], (H, 180, 0, 360), {}),
    ("exactly-four-hours-is-not-half", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 12)],
     (P, 240, 0, 300), {}),
    ("under-an-hour-is-absent", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 8, 30)], (A, 30, 0, 510), {}),
    ("exactly-an-hour-is-half", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 9)], (H, 60, 0, 480), {}),
    ("double-punch-at-door", DAY, MONDAY, [(MONDAY, 8), (MONDAY, 8, 1), (MONDAY, 17)],
     (P, 540, 0, 0), {}),
    ("holiday", DAY, HOLIDAY, [], (DayStatus.HOLIDAY, None, 0, 0), {}),
    ("worked-on-holiday", DAY, HOLIDAY, [(HOLIDAY, 9), (HOLIDAY, 12)],
     (DayStatus.HOLIDAY, 180, 0, 0), {}),
    ("weekend", DAY, SATURDAY, [], (DayStatus.NO_SHIFT, None, 0, 0), {}),
    ("on-leave", DAY, MONDAY, [], (DayStatus.ON_LEAVE, None, 0, 0), {"leave": True}),
    ("night-shift", NIGHT, MONDAY, [(MONDAY, 21, 55), (TUESDAY, 6, 3)], (P, 488, 0, 0), {}),
    ("night-shift-late", NIGHT, MONDAY, [(MONDAY, 22, 30), (TUESDAY, 6)], (L, 450, 30, 0), {}),
    ("night-forgotten-checkout", NIGHT, MONDAY, [(MONDAY, 21, 50)], (F, None, 0, 0), {}),
    ("explicit-kinds", DAY, MONDAY, [(MONDAY, 8, 0, PunchKind.CHECK_IN),
                                     (MONDAY, 12, 0, PunchKind.CHECK_OUT),
                                     (MONDAY, 13, 0, PunchKind.CHECK_IN),
                                     (MONDAY, 17, 0, PunchKind.CHECK_OUT)], (P, 540, 0, 0), {}),
]


def summaries(shift, day, times, **options):  # type: ignore[no-untyped-def]
    leaves = (Leave(ALICE.id, day, day),) if options.pop("leave", False) else ()
    site = schedule(assign(shift, ALICE), leaves=leaves)
    punches = [punch(at(*t[:4] if len(t) > 3 and isinstance(t[3], int) else t[:3]),
                     kind=t[3] if len(t) > 3 and isinstance(t[3], PunchKind) else PunchKind.AUTO)
               for t in times]
    corrections = options.pop("corrections", [])
    now = options.pop("now", LATER)
    return build_day_summaries([ALICE], day, day, site, punches, corrections,
                               watermark=options.pop("watermark", None), now=now)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_day_table(case) -> None:  # type: ignore[no-untyped-def]
    _, shift, day, times, expected, options = case
    [summary] = summaries(shift, day, times, **options)
    assert (summary.status, summary.worked_minutes, summary.late_minutes,
            summary.early_exit_minutes) == expected
    assert summary.day == day


def test_night_shift_counts_on_the_date_it_starts() -> None:
    site = schedule(assign(NIGHT, ALICE))
    punches = [punch(at(MONDAY, 21, 55)), punch(at(TUESDAY, 6, 3))]
    monday, tuesday = build_day_summaries([ALICE], MONDAY, TUESDAY, site, punches, now=LATER)
    assert monday.first_in == punches[0].captured_at
    assert monday.last_out == punches[1].captured_at
    assert tuesday.status is DayStatus.ABSENT and tuesday.punches == 0


@pytest.mark.parametrize("night,start,end,worked", [
    ("fall-back-9h", date(2026, 10, 24), (date(2026, 10, 25), 6, 0), 9 * 60),
    ("spring-forward-7h", date(2026, 3, 28), (date(2026, 3, 29), 6, 0), 7 * 60),
], ids=lambda v: v if isinstance(v, str) else "")
def test_night_across_a_dst_change_counts_real_hours(night: str, start: date, end: tuple,
                                                      worked: int) -> None:
    site = schedule(assign(NIGHT, ALICE), zone=BERLIN)
    punches = [punch(at(start, 22, zone=BERLIN)), punch(at(*end, zone=BERLIN))]
    [summary] = build_day_summaries([ALICE], start, start, site, punches,
                                    now=at(start + timedelta(days=3), 12, zone=BERLIN))
    assert summary.worked_minutes == worked
    assert summary.status is DayStatus.PRESENT


def test_punches_synced_days_late_count_on_their_capture_day() -> None:
    site = schedule(assign(DAY, ALICE))
    punches = [punch(at(MONDAY, 8, 20)), punch(at(MONDAY, 17))]
    before = build_day_summaries([ALICE], MONDAY, MONDAY, site, [], watermark=at(MONDAY, 7),
                                 now=at(MONDAY + timedelta(days=3), 9))
    assert before[0].status is DayStatus.PENDING  # the kiosk has not synced yet
    after = build_day_summaries([ALICE], MONDAY, MONDAY, site, punches,
                                watermark=at(MONDAY + timedelta(days=3), 9),
                                now=at(MONDAY + timedelta(days=3), 9))
    assert after[0].status is DayStatus.LATE and after[0].late_minutes == 20


def test_added_missed_checkout_completes_the_day() -> None:
    site = schedule(assign(DAY, ALICE))
    fix = correction(CorrectionKind.ADD_PUNCH, instant=at(MONDAY, 17), punch_kind=PunchKind.AUTO)
    [summary] = build_day_summaries([ALICE], MONDAY, MONDAY, site, [punch(at(MONDAY, 8))],
                                    [fix], now=LATER)
    assert summary.status is DayStatus.PRESENT and summary.worked_minutes == 540
    assert summary.corrected


def test_voided_punch_is_ignored_but_kept() -> None:
    site = schedule(assign(DAY, ALICE))
    wrong = punch(at(MONDAY, 12))
    raw = [punch(at(MONDAY, 8)), wrong]
    fixes = [correction(CorrectionKind.VOID_PUNCH, punch_id=wrong.id),
             correction(CorrectionKind.ADD_PUNCH, instant=at(MONDAY, 17))]
    [summary] = build_day_summaries([ALICE], MONDAY, MONDAY, site, raw, fixes, now=LATER)
    assert summary.status is DayStatus.PRESENT and summary.last_out == at(MONDAY, 17)
    assert wrong in raw  # the original punch is untouched


def test_excused_late_entry_is_not_late() -> None:
    site = schedule(assign(DAY, ALICE))
    raw = [punch(at(MONDAY, 8, 40)), punch(at(MONDAY, 17))]
    excuse = correction(CorrectionKind.EXCUSE_LATE, day=MONDAY)
    [summary] = build_day_summaries([ALICE], MONDAY, MONDAY, site, raw, [excuse], now=LATER)
    assert summary.status is DayStatus.PRESENT
    assert summary.late_minutes == 0 and summary.late_excused and summary.corrected


@pytest.mark.parametrize("fields,message", [
    ({"kind": CorrectionKind.ADD_PUNCH}, "instant"),
    ({"kind": CorrectionKind.VOID_PUNCH}, "punch id"),
    ({"kind": CorrectionKind.EXCUSE_LATE}, "attendance date"),
], ids=["add", "void", "excuse"])
def test_incomplete_corrections_are_refused(fields: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        correction(fields["kind"])


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        punch(datetime(2026, 11, 23, 8, 0))


def test_night_worked_on_a_holiday_stays_one_night() -> None:
    """The holiday night's check-out must not open the next day (a 24-hour 'day')."""
    site = schedule(assign(NIGHT, ALICE))
    punches = [punch(at(HOLIDAY, 21, 50)), punch(at(HOLIDAY + timedelta(days=1), 6, 1)),
               punch(at(HOLIDAY + timedelta(days=1), 21, 50)),
               punch(at(HOLIDAY + timedelta(days=2), 6, 1))]
    holiday, after = build_day_summaries([ALICE], HOLIDAY, HOLIDAY + timedelta(days=1), site,
                                         punches, now=LATER)
    assert holiday.status is DayStatus.HOLIDAY and holiday.worked_minutes == 491
    assert after.status is DayStatus.PRESENT and after.worked_minutes == 491
