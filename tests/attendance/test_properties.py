"""Properties: punch order and repeated punches never change a day's summary."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from attendance import build_day_summaries, drop_duplicates
from tests.attendance.helpers import ALICE, DAY, MONDAY, assign, at, punch, schedule

SITE = schedule(assign(DAY, ALICE))
LATER = at(MONDAY + timedelta(days=3), 12)
offsets = st.lists(st.integers(min_value=0, max_value=14 * 3600), min_size=0, max_size=8)


def summary_of(punches):  # type: ignore[no-untyped-def]
    return build_day_summaries([ALICE], MONDAY, MONDAY, SITE, punches, now=LATER)[0]


@settings(max_examples=60, deadline=None)
@given(offsets, st.randoms(use_true_random=False))
def test_order_does_not_matter(seconds: list[int], rng) -> None:  # type: ignore[no-untyped-def]
    punches = [punch(at(MONDAY, 6) + timedelta(seconds=s), n=i + 1)
               for i, s in enumerate(seconds)]
    shuffled = punches[:]
    rng.shuffle(shuffled)
    assert summary_of(punches) == summary_of(shuffled)


@settings(max_examples=60, deadline=None)
@given(offsets, st.integers(min_value=0, max_value=7), st.integers(min_value=1, max_value=119))
def test_a_repeat_within_the_cooldown_changes_nothing(seconds: list[int], pick: int,
                                                      gap_s: int) -> None:
    punches = [punch(at(MONDAY, 6) + timedelta(seconds=s), n=i + 1)
               for i, s in enumerate(sorted(set(seconds)))]
    kept = drop_duplicates(punches)
    if not kept:
        return
    original = kept[pick % len(kept)]  # a punch that counts; the repeat follows it closely
    repeat = punch(original.captured_at + timedelta(seconds=gap_s), n=999)
    assert summary_of([*punches, repeat]) == summary_of(punches)
