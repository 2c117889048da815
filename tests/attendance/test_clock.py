from datetime import UTC, datetime, timedelta, timezone

import pytest

from attendance import FixedClock, SystemClock


def test_fixed_clock_is_utc_and_moves_when_told() -> None:
    hanoi = timezone(timedelta(hours=7))
    clock = FixedClock(datetime(2026, 11, 23, 8, 0, tzinfo=hanoi))
    assert clock.now() == datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    assert clock.now().utcoffset() == timedelta(0)
    clock.advance(timedelta(minutes=90))
    assert clock.now() == datetime(2026, 11, 23, 2, 30, tzinfo=UTC)
    clock.set(datetime(2027, 1, 1, tzinfo=UTC))
    assert clock.now().year == 2027


def test_fixed_clock_refuses_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 11, 23, 8, 0))


def test_system_clock_is_aware_utc_and_current() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)
