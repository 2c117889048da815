"""The verdict for one punch: the greeting's "on time" or "late by N minutes"."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from attendance import (
    PunchKind,
    VerdictStatus,
    describe,
    drop_duplicates,
    is_duplicate,
    verdict_at_kiosk,
    verdict_for_punch,
)
from tests.attendance.helpers import (
    ALICE,
    BERLIN,
    BINH,
    DAY,
    DST_GAP,
    HOLIDAY,
    MONDAY,
    NIGHT,
    SATURDAY,
    assign,
    at,
    punch,
    schedule,
)

TUESDAY = MONDAY + timedelta(days=1)
CHECK_IN, CHECK_OUT = PunchKind.CHECK_IN, PunchKind.CHECK_OUT
ON_TIME, LATE, EARLY = VerdictStatus.ON_TIME, VerdictStatus.LATE, VerdictStatus.EARLY_LEAVE
OUTSIDE, NO_SHIFT = VerdictStatus.OUTSIDE_SHIFT, VerdictStatus.NO_SHIFT

# (id, shift, zone, earlier local times, punch local time, explicit kind, expected
#  (kind, status, minutes))
CASES = [
    ("day-early-arrival", DAY, "hcm", [], (MONDAY, 7, 50), None, (CHECK_IN, ON_TIME, 0)),
    ("day-at-start", DAY, "hcm", [], (MONDAY, 8, 0), None, (CHECK_IN, ON_TIME, 0)),
    ("day-exactly-at-grace", DAY, "hcm", [], (MONDAY, 8, 5, 0), None, (CHECK_IN, ON_TIME, 0)),
    ("day-one-second-past-grace", DAY, "hcm", [], (MONDAY, 8, 5, 1), None, (CHECK_IN, LATE, 5)),
    ("day-late-12", DAY, "hcm", [], (MONDAY, 8, 12, 30), None, (CHECK_IN, LATE, 12)),
    ("day-late-an-hour", DAY, "hcm", [], (MONDAY, 9, 0), None, (CHECK_IN, LATE, 60)),
    ("day-window-opens", DAY, "hcm", [], (MONDAY, 7, 0), None, (CHECK_IN, ON_TIME, 0)),
    ("day-before-window", DAY, "hcm", [], (MONDAY, 6, 59), None, (CHECK_IN, OUTSIDE, 0)),
    ("day-checkout-at-end", DAY, "hcm", [(MONDAY, 8)], (MONDAY, 17, 0), None,
     (CHECK_OUT, ON_TIME, 0)),
    ("day-checkout-exactly-at-grace", DAY, "hcm", [(MONDAY, 8)], (MONDAY, 16, 55, 0), None,
     (CHECK_OUT, ON_TIME, 0)),
    ("day-checkout-one-second-early", DAY, "hcm", [(MONDAY, 8)], (MONDAY, 16, 54, 59), None,
     (CHECK_OUT, EARLY, 5)),
    ("day-leaves-an-hour-early", DAY, "hcm", [(MONDAY, 8)], (MONDAY, 16, 0), None,
     (CHECK_OUT, EARLY, 60)),
    ("day-overtime-checkout", DAY, "hcm", [(MONDAY, 8)], (MONDAY, 20, 0), None,
     (CHECK_OUT, ON_TIME, 0)),
    ("day-after-checkout-window", DAY, "hcm", [(MONDAY, 8)], (MONDAY, 21, 1), None,
     (CHECK_OUT, OUTSIDE, 0)),
    ("night-in-before-start", NIGHT, "hcm", [], (MONDAY, 21, 55), None, (CHECK_IN, ON_TIME, 0)),
    ("night-in-late", NIGHT, "hcm", [], (MONDAY, 22, 6), None, (CHECK_IN, LATE, 6)),
    ("night-out-after-midnight", NIGHT, "hcm", [(MONDAY, 21, 55)], (TUESDAY, 6, 3), None,
     (CHECK_OUT, ON_TIME, 0)),
    ("night-out-early", NIGHT, "hcm", [(MONDAY, 21, 55)], (TUESDAY, 5, 30), None,
     (CHECK_OUT, EARLY, 30)),
    ("second-punch-outside-cooldown", DAY, "hcm", [(MONDAY, 8, 0, 0)], (MONDAY, 8, 2, 0), None,
     (CHECK_OUT, EARLY, 538)),
    ("saturday-day-off", DAY, "hcm", [], (SATURDAY, 8, 0), None, (CHECK_IN, NO_SHIFT, 0)),
    ("holiday", DAY, "hcm", [], (HOLIDAY, 8, 0), None, (CHECK_IN, NO_SHIFT, 0)),
    ("explicit-check-out-first", DAY, "hcm", [], (MONDAY, 17, 0), CHECK_OUT,
     (CHECK_OUT, ON_TIME, 0)),
    ("explicit-check-in-after-lunch", DAY, "hcm", [(MONDAY, 8)], (MONDAY, 13, 10), CHECK_IN,
     (CHECK_IN, LATE, 310)),
    # Europe/Berlin springs forward on 2026-03-29: 02:30 does not exist and is read as 03:30
    ("dst-gap-start-on-time", DST_GAP, "berlin", [], (date(2026, 3, 29), 3, 30), None,
     (CHECK_IN, ON_TIME, 0)),
    ("dst-gap-start-late", DST_GAP, "berlin", [], (date(2026, 3, 29), 3, 36), None,
     (CHECK_IN, LATE, 6)),
    ("dst-normal-day-after", DST_GAP, "berlin", [], (date(2026, 3, 30), 2, 36), None,
     (CHECK_IN, LATE, 6)),
]


def site_for(shift, zone_key):  # type: ignore[no-untyped-def]
    zone = BERLIN if zone_key == "berlin" else "Asia/Ho_Chi_Minh"
    return schedule(assign(shift, ALICE), zone=zone), zone


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_verdict_table(case) -> None:  # type: ignore[no-untyped-def]
    _, shift, zone_key, earlier_times, when, kind, expected = case
    site, zone = site_for(shift, zone_key)
    earlier = [punch(at(*t, zone=zone)) for t in earlier_times]
    new = punch(at(*when, zone=zone), kind=kind or PunchKind.AUTO)
    verdict = verdict_at_kiosk(site, ALICE, new, earlier)
    assert (verdict.kind, verdict.status, verdict.minutes) == expected


def test_fall_back_hour_reads_the_first_occurrence() -> None:
    """Europe/Berlin falls back on 2026-10-25: a 02:30 start means 02:30 summer time."""
    site, zone = site_for(DST_GAP, "berlin")
    second_0240 = at(date(2026, 10, 25), 2, 40, zone=zone, fold=1)  # 01:40 UTC
    found = site.occurrence_for_instant(ALICE, second_0240)
    verdict = verdict_for_punch(found, [], punch(second_0240))
    assert verdict.status is LATE and verdict.minutes == 70


@pytest.mark.parametrize("gap_s,duplicate", [(0, True), (60, True), (119, True), (120, False),
                                             (600, False)], ids=lambda v: str(v))
def test_cooldown_edges(gap_s: int, duplicate: bool) -> None:
    first = punch(at(MONDAY, 8))
    second = punch(first.captured_at + timedelta(seconds=gap_s))
    assert is_duplicate(first, second, cooldown_s=120) is duplicate
    site, _ = site_for(DAY, "hcm")
    verdict = verdict_for_punch(site.occurrence_for_instant(ALICE, second.captured_at), [first],
                                second)
    assert (verdict.status is VerdictStatus.DUPLICATE) is duplicate


def test_cooldown_is_per_person() -> None:
    first = punch(at(MONDAY, 8), ALICE)
    other = punch(at(MONDAY, 8, 0, 30), BINH)
    assert not is_duplicate(first, other)


def test_standing_at_the_kiosk_gives_one_punch_per_cooldown() -> None:
    burst = [punch(at(MONDAY, 8) + timedelta(seconds=s)) for s in range(0, 300, 2)]
    kept = drop_duplicates(burst, cooldown_s=120)
    assert [p.captured_at for p in kept] == [burst[0].captured_at, burst[60].captured_at,
                                             burst[120].captured_at]


@pytest.mark.parametrize("status,minutes,language,text", [
    (ON_TIME, 0, "en", "On time"),
    (LATE, 12, "en", "Late by 12 minutes"),
    (LATE, 1, "en", "Late by 1 minute"),
    (EARLY, 65, "en", "Early leave by 1 h 5 min"),
    (ON_TIME, 0, "vi", "Đúng giờ"),
    (LATE, 12, "vi", "Đi muộn 12 phút"),
    (EARLY, 5, "vi", "Về sớm 5 phút"),
    (NO_SHIFT, 0, "vi", "Hôm nay không có ca"),
], ids=lambda v: str(v))
def test_describe(status: VerdictStatus, minutes: int, language: str, text: str) -> None:
    from attendance import PunchVerdict

    assert describe(PunchVerdict(CHECK_IN, status, minutes), language) == text


def test_describe_refuses_an_unknown_language() -> None:
    from attendance import PunchVerdict

    with pytest.raises(ValueError, match="no texts"):
        describe(PunchVerdict(CHECK_IN, ON_TIME), "fr")
