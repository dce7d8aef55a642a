"""Operations data for the desk's dashboard: volume, speed, automation, match levels.

Read through the same row-scoped select as every other read (``store.visible``), over a
bounded window, so the numbers an agency or office could ever be shown are its own.
Percentiles are of ``response_ms`` (receipt to the IAR that answered: the automatic one,
or the analyst's), by the nearest-rank method so each one is a real observed time.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import case, func

from vetline.auth.roles import RowScope
from vetline.db.base import utc_iso
from vetline.db.uow import Actor
from vetline.desk.service import store
from vetline.desk.service.lifecycle import QueryState
from vetline.desk.service.models import DeskQuery
from vetline.desk.service.service import DeskService
from vetline.errors import BadInput

PERCENTILES = (50, 90, 99)
MAX_WINDOW_HOURS = 24 * 31


def percentile(sorted_values: list[int], p: float) -> int | None:
    """Nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def _times(values: list[int]) -> dict[str, int | None]:
    ordered = sorted(values)
    return {f"p{p}": percentile(ordered, p) for p in PERCENTILES} | {"count": len(ordered)}


def desk_stats(desk: DeskService, actor: Actor, scope: RowScope, hours: int = 24) -> dict[str, Any]:
    """Counts per hour, response-time percentiles, automatic share, match levels, backlog."""
    if not 1 <= hours <= MAX_WINDOW_HOURS:
        raise BadInput("hours", f"between 1 and {MAX_WINDOW_HOURS}")
    now = desk.clock()
    since = utc_iso(now - timedelta(hours=hours))
    with desk.uow(actor) as uow:  # reads only: no writer lock
        # The six columns counted, not whole rows (their JSON documents are kilobytes each).
        counted = store.visible(scope).with_only_columns(
            DeskQuery.received_at, DeskQuery.state, DeskQuery.automatic, DeskQuery.match_level,
            DeskQuery.response_ms, DeskQuery.due_at,
        )  # fmt: skip
        window = counted.where(DeskQuery.received_at >= since)
        data: list[Any] = [tuple(r) for r in uow.session.execute(window)]
    per_hour = Counter(received[:13] + ":00Z" for received, *_ in data)
    answered = [d for d in data if d[1] == QueryState.ANSWERED]
    automatic = [d for d in answered if d[2]]
    open_ = [d for d in data if d[1] in (QueryState.QUEUED, QueryState.CLAIMED)]
    now_iso = utc_iso(now)
    return {
        "window": {"since": since, "until": now_iso, "hours": hours},
        "received": len(data),
        "per_hour": [{"hour": h, "count": n} for h, n in sorted(per_hour.items())],
        "response_ms": {
            "all": _times([d[4] for d in answered if d[4] is not None]),
            "automatic": _times([d[4] for d in automatic if d[4] is not None]),
            "analyst": _times([d[4] for d in answered if not d[2] and d[4] is not None]),
        },
        "answered": len(answered),
        "automatic_share": round(len(automatic) / len(answered), 4) if answered else None,
        "analyst_answered": len(answered) - len(automatic),
        "open": len(open_),
        "overdue": sum(1 for d in open_ if d[5] < now_iso),
        "match_levels": dict(Counter(d[3] or "PENDING" for d in data)),
    }


def queue_by_age(
    desk: DeskService, actor: Actor, scope: RowScope, buckets: Sequence[tuple[int, int | None]]
) -> list[int]:
    """How many open queries (queued or claimed) are in each age bucket, in order.

    A bucket is ``(low, high)`` minutes since receipt, ``low <= age < high`` (``high``
    None: no upper bound). Counted in SQL, one row back, over every open query in scope:
    the dashboard used to read up to 1,000 queue items and parse their times for these
    five numbers, more than half its time (bench/README.md, web app). The stored stamps
    are fixed-width UTC text, so comparing them as strings compares the instants.
    """
    now = desk.clock()
    sums = []
    for low, high in buckets:
        if low < 0 or (high is not None and high <= low):
            raise BadInput("buckets", f"({low}, {high}) is not an age range in minutes")
        younger_than_high = (
            DeskQuery.received_at > utc_iso(now - timedelta(minutes=high))
            if high is not None else True
        )  # fmt: skip
        older_than_low = DeskQuery.received_at <= utc_iso(now - timedelta(minutes=low))
        sums.append(func.sum(case((older_than_low & younger_than_high, 1), else_=0)))
    if not sums:
        return []
    open_states = (QueryState.QUEUED.value, QueryState.CLAIMED.value)
    with desk.uow(actor) as uow:  # reads only
        stmt = store.visible(scope).with_only_columns(*sums)
        row = uow.session.execute(stmt.where(DeskQuery.state.in_(open_states))).one()
    return [int(n or 0) for n in row]
