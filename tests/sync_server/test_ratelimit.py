"""The provisioning rate limiter keeps its counts under a spray of addresses: a flood makes
new addresses share one overflow counter; it never wipes the counts it already holds."""

from __future__ import annotations

from sync_server.api.ratelimit import MAX_KEYS, PROVISION_ATTEMPTS, SlidingWindow


def test_a_flood_of_addresses_does_not_reset_the_counts() -> None:
    window = SlidingWindow(PROVISION_ATTEMPTS)
    for _ in range(PROVISION_ATTEMPTS):
        window.add("198.51.100.7")  # the guesser, at the limit
    for n in range(MAX_KEYS + 50):  # then a spray of fresh addresses
        window.add(f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
    assert window.count("198.51.100.7") == PROVISION_ATTEMPTS  # still refused
    # Past the cap, newcomers share one counter: the spray slows down itself.
    assert window.add("203.0.113.250") > PROVISION_ATTEMPTS
