"""Per-credential rate limit: a token bucket per API token, session or client address.

In-process on purpose (one server process per deployment today); a multi-process
deployment needs a shared store, which is noted in the package README.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimited(Exception):
    """Too many requests; ``retry_after`` seconds until the next one is allowed."""

    def __init__(self, retry_after: float) -> None:
        super().__init__("rate limit exceeded")
        self.retry_after = retry_after


class RateLimiter:
    """``per_minute`` requests per key on average, bursts up to ``per_minute``."""

    MAX_KEYS = 100_000

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.refill_per_s = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Take one request from ``key``'s bucket or raise :class:`RateLimited`."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.refill_per_s)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                raise RateLimited((1.0 - tokens) / self.refill_per_s)
            if len(self._buckets) >= self.MAX_KEYS and key not in self._buckets:
                self._buckets.clear()  # bounded memory under a flood of new keys
            self._buckets[key] = (tokens - 1.0, now)
