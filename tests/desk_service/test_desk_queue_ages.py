"""The dashboard's open queue by age, counted in SQL (``ops.queue_by_age``), and the queue
list read as columns (``queue.list_items``): the same numbers the list gives, on both
backends, the row scope applied, and a bad bucket a 4xx naming it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from deskhelpers import OTHER_ORI, Clock, DeskWorld, dumps, iaq

from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import Actor
from vetline.db.base import parse_utc_iso
from vetline.desk.service import DeskService, queue
from vetline.desk.service.ops import queue_by_age
from vetline.errors import BadInput

ALL = RowScope(ScopeKind.ALL)
OPERATOR = Actor(user_id=None, username="desk.test", via="cli")
BUCKETS = [(0, 15), (15, 60), (60, 240), (240, 1440), (1440, None)]


def test_queue_by_age_counts_what_the_list_shows(
    desk: DeskService, desk_world: DeskWorld, clock: Clock
) -> None:
    citizens = [f for f in desk_world.facts if f["us_citizen"] == "Y" and f["true_last_name"]]
    # received 67 h, 5 h, 90 min, 20 min and 1 min before the end; two from another ORI
    steps = [0, 62 * 60, 210, 70, 19]
    for k, (fact, minutes) in enumerate(zip(citizens, steps, strict=False)):
        clock.now += timedelta(minutes=minutes)
        ori = OTHER_ORI if k in (1, 3) else "CA0194200"
        sent = desk.submit(dumps(iaq(fact, iaq_id=f"AGE{k}", ori=ori)), OPERATOR, ALL)
        assert sent.state.value == "queued"
    clock.now += timedelta(minutes=1)
    items = queue.list_items(desk, OPERATOR, ALL, 1000)
    assert [i["iaq_id"] for i in items] != [] and all(i["state"] == "QUEUED" for i in items)
    ages = [(clock.now - parse_utc_iso(i["received_at"])).total_seconds() / 60 for i in items]
    expected = [
        sum(1 for m in ages if low <= m < (high if high is not None else float("inf")))
        for low, high in BUCKETS
    ]
    assert queue_by_age(desk, OPERATOR, ALL, BUCKETS) == expected == [1, 1, 1, 1, 1]
    own = queue_by_age(desk, OPERATOR, RowScope(ScopeKind.OWN_ORI, OTHER_ORI), BUCKETS)
    assert own == [0, 1, 0, 1, 0]  # the other ORI's two: 20 min and 5 h old
    assert queue_by_age(desk, OPERATOR, ALL, []) == []


@pytest.mark.parametrize("bucket", [(-1, 5), (10, 10), (30, 15)])
def test_a_bucket_that_is_no_age_range_is_refused(
    desk: DeskService, bucket: tuple[int, int]
) -> None:
    with pytest.raises(BadInput) as refused:
        queue_by_age(desk, OPERATOR, ALL, [bucket])
    assert refused.value.field == "buckets"
