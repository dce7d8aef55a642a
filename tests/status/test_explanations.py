"""Explanations come from the deciding rule: labels, citations, evidence, open questions."""

from __future__ import annotations

from datetime import date

from vetline.status import PersonHistory, Policy, assess

from . import builders as b

AS_OF = date(2026, 11, 1)


def test_overstay_without_later_presence_says_so(policy: Policy) -> None:
    rows = b.person(b.arr("2023-06-01", "B2", "2023-12-01"))
    r = assess(PersonHistory.from_rows(rows), AS_OF, policy=policy)
    assert any("departure records are incomplete" in t for t in r.to_resolve)
    later = rows + b.person(b.crim("1313", "2025-02-01", level="MISDEMEANOR", disp="DISMISSED"))
    r = assess(PersonHistory.from_rows(later), AS_OF, policy=policy)
    assert not any("departure records" in t for t in r.to_resolve)
    assert later[-1]["record_id"] in {e.record_id for e in r.status.evidence}


def test_grounds_name_the_conviction_and_the_statute(policy: Policy) -> None:
    rows = b.person(b.st("LPR", "2010-05-01"), b.crim("2202", "2015-01-01", sentence=400))
    r = assess(PersonHistory.from_rows(rows), AS_OF, policy=policy)
    (ground,) = r.removability.grounds
    assert ground.ina == "237(a)(2)(A)(iii)"
    assert "101(a)(43)(F)/(G)" in ground.label
    assert "2202" in ground.reason and "BURGL" in ground.reason
    assert ground.evidence[0].record_id == rows[1]["record_id"]


def test_undetermined_lists_what_would_resolve_it(policy: Policy) -> None:
    rows = b.person(b.crim("3530", "2020-01-01"))
    r = assess(PersonHistory.from_rows(rows), AS_OF, policy=policy)
    assert r.removability.assessment.value == "UNDETERMINED"
    assert any("A-file" in t for t in r.to_resolve)
    assert any("212(a)(2)(C)" in t for t in r.to_resolve)  # a candidate, not a ground
    assert r.removability.grounds == ()


def test_citizen_status_drops_unrelated_open_questions(policy: Policy) -> None:
    rows = b.person(b.crim("1313", "2020-01-01", level="MISDEMEANOR"), pob="US")
    r = assess(PersonHistory.from_rows(rows), AS_OF, policy=policy)
    assert r.status.code.value == "US_BORN_CITIZEN"
    assert not any("A-file" in t for t in r.to_resolve)
