"""Per-credential rate limit: a token bucket per API token, session or client address.

:class:`RateLimiter` keeps the buckets in the process (tests, one worker);
:class:`SharedRateLimiter` keeps them in a memory-mapped file every worker of
``vetline serve --workers N`` shares, so the limit holds across processes.
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path


class RateLimited(Exception):
    """Too many requests; ``retry_after`` seconds until the next one is allowed."""

    def __init__(self, retry_after: float, key: str = "") -> None:
        super().__init__("rate limit exceeded")
        self.retry_after = retry_after
        self.key = key  # the credential or address whose bucket ran dry (for the audit)


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
                raise RateLimited((1.0 - tokens) / self.refill_per_s, key)
            if len(self._buckets) >= self.MAX_KEYS and key not in self._buckets:
                self._buckets.clear()  # bounded memory under a flood of new keys
            self._buckets[key] = (tokens - 1.0, now)


class SharedRateLimiter:
    """The same token buckets, shared by every worker process through one small file.

    Why: ``vetline serve --workers N`` gave each process its own buckets, so a client got N
    times its limit (issue 13 item 7). The buckets live in a memory-mapped file of
    :data:`SLOTS` fixed slots (key digest, tokens, last refill), found by hashing the key
    and probing a few neighbours; an update holds an ``flock`` on the file for a few
    microseconds. ``time.monotonic`` is the system-wide monotonic clock, the same in every
    process. When all probed slots are taken the stalest is reused: memory stays bounded
    under a flood of new keys, and a reused slot starts full, as a new key would.
    """

    SLOTS = 8192
    PROBES = 8
    _SLOT = struct.Struct("<16sdd")

    def __init__(
        self, path: Path, per_minute: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.path = path
        self.capacity = float(per_minute)
        self.refill_per_s = per_minute / 60.0
        self.clock = clock
        self._lock = threading.Lock()
        self._pid = -1
        self._fd = -1
        self._map: mmap.mmap | None = None

    def _table(self) -> mmap.mmap:
        if self._map is None or self._pid != os.getpid():  # a forked worker maps its own
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            size = self.SLOTS * self._SLOT.size
            if os.fstat(fd).st_size < size:
                os.ftruncate(fd, size)
            self._fd, self._map, self._pid = fd, mmap.mmap(fd, size), os.getpid()
        return self._map

    def hit(self, key: str) -> None:
        """Take one request from ``key``'s bucket or raise :class:`RateLimited`."""
        digest = hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()
        start = int.from_bytes(digest[:4], "little") % self.SLOTS
        with self._lock:
            table = self._table()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                now = self.clock()
                offset, tokens, last = self._find(table, digest, start, now)
                # max(0, …): a file left from before a reboot holds times from another clock
                tokens = min(self.capacity, tokens + max(0.0, now - last) * self.refill_per_s)
                if tokens < 1.0:
                    self._SLOT.pack_into(table, offset, digest, tokens, now)
                    raise RateLimited((1.0 - tokens) / self.refill_per_s, key)
                self._SLOT.pack_into(table, offset, digest, tokens - 1.0, now)
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _find(
        self, table: mmap.mmap, digest: bytes, start: int, now: float
    ) -> tuple[int, float, float]:
        """The slot of ``digest`` (offset, tokens, last); a free or the stalest one if new."""
        stalest: tuple[float, int] | None = None
        for probe in range(self.PROBES):
            offset = ((start + probe) % self.SLOTS) * self._SLOT.size
            found, tokens, last = self._SLOT.unpack_from(table, offset)
            if found == digest:
                return offset, tokens, last
            if found == EMPTY:
                return offset, self.capacity, now
            if stalest is None or last < stalest[0]:
                stalest = (last, offset)
        assert stalest is not None
        return stalest[1], self.capacity, now


EMPTY = bytes(16)
