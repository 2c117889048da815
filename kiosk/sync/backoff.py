"""Exponential backoff with full jitter, for retrying a server that is down or failing."""

from __future__ import annotations

import random


class Backoff:
    """Delays (seconds) of ``uniform(0, min(max_s, base_s * 2**attempt))``; reset on success.

    Full jitter spreads the retries of many kiosks that lost the server at the same moment.
    """

    def __init__(self, base_s: float = 1.0, max_s: float = 300.0,
                 rng: random.Random | None = None) -> None:
        if base_s <= 0 or max_s < base_s:
            raise ValueError("need 0 < base_s <= max_s")
        self.base_s = base_s
        self.max_s = max_s
        self._rng = rng or random.Random()
        self.attempt = 0

    def next_delay(self) -> float:
        ceiling = min(self.max_s, self.base_s * 2 ** min(self.attempt, 30))
        self.attempt += 1
        return self._rng.uniform(0.0, ceiling)

    def reset(self) -> None:
        self.attempt = 0
