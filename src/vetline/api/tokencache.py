"""The API gate's cache of authenticated API tokens: one database read per token and
minute, not one per call (issue 18 goal 1).

Why: an agency system sends its IAQs with one token, and reading the token for each of
them (a session, a connection, a transaction) was a visible share of the desk's CPU per
IAQ. Only the gate of ``POST /v1/iaq`` uses it (``require(..., audit_in_route=True)``),
and a cached caller is never the last word: the desk's writer asks the database again,
in the very transaction that stores the query, whether the token still authenticates the
same caller (``vetline.auth.tokens.still_authenticated``: not revoked, not expired, the
account not disabled, the same role, scopes, ORI and AOR). A revocation made anywhere —
another worker, the web app, the CLI — therefore stops every query not yet committed;
the route then drops the entry and takes the full gate, which refuses and audits the
call as before. Refusals are never cached.

Entries are keyed by the token's keyed digest (never the clear token) and live at most
``MAX_AGE_S``, so a token's last-use minute (``token_use_due``) is read afresh.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from vetline.auth.principal import Principal

MAX_AGE_S = 60.0
MAX_ENTRIES = 4096


class TokenCache:
    """Token digest → the caller it authenticated, for at most ``max_age`` seconds."""

    def __init__(
        self,
        *,
        max_age: float = MAX_AGE_S,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_age = max_age
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()  # the gate runs on the loop and in threads

    def get(self, key: str) -> Principal | None:
        """The cached caller of ``key``, if fresh."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        if self._clock() - entry[0] >= self.max_age:
            self.forget(key)
            return None
        return entry[1]

    def put(self, key: str, principal: Principal) -> None:
        """Remember ``principal`` for ``key`` (the oldest half goes when full)."""
        with self._lock:
            if len(self._entries) >= self.max_entries:
                keep = sorted(self._entries.items(), key=lambda kv: kv[1][0])
                self._entries = dict(keep[len(keep) // 2 :])
            self._entries[key] = (self._clock(), principal)

    def forget(self, key: str) -> None:
        """Drop ``key`` (the database said no, or the token's use is to be recorded)."""
        with self._lock:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)
