"""Safety properties over random histories (hypothesis), and the IAR shape.

Whatever the records say, the engine must never: act on a NO_RECORD; recommend
enforcement for a person with any sign of citizenship; issue a detainer without a
POSITIVE identity in custody, a REMOVABLE assessment and no protected status; or call
someone removable from criminal/custody records alone (Gonzalez).
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vetline.status import Encounter, PersonHistory, Policy, assess
from vetline.status.facts import US_BIRTHPLACES
from vetline.vocab import (
    CITIZEN_STATUSES,
    ENFORCEMENT_ACTIONS,
    Action,
    Assessment,
    Flag,
    MatchLevel,
    StatusCode,
)

from . import builders as b

DATES = st.sampled_from(
    [
        "2005-01-01",
        "2012-06",
        "2016",
        "2019-03-15",
        "2023-08-01",
        "2025-12-31",
        "2026-10-30",
        "2027-05-01",
        None,
    ]
)
CODES = st.sampled_from(
    [
        "0901",
        "3530",
        "3532",
        "3562",
        "5212",
        "1301",
        "5016",
        "2303",
        "2608",
        "1313",
        "5404",
        "1001",
        "0301",
        "9998",
    ]
)
POB = st.sampled_from(["MX", "US", "SV", "PR", None, "IN"])

RECORDS = st.one_of(
    st.builds(
        lambda c, d, s, e: b.st(c, d, s, end_date=e),
        st.sampled_from(
            [
                "LPR",
                "NATURALIZED",
                "TPS",
                "DACA",
                "NONIMMIGRANT",
                "PAROLE",
                "ASYLUM_PENDING",
                "ASYLEE",
                "U_VISA",
                "T_VISA",
                "VAWA_PENDING",
                "ADJUSTMENT_PENDING",
                "CITIZENSHIP_CERTIFICATE",
                "CONDITIONAL_LPR",
                "REFUGEE",
            ]
        ),
        DATES,
        st.sampled_from(["GRANTED", "PENDING", "REVOKED", "EXPIRED", "DENIED", "TERMINATED"]),
        DATES,
    ),
    st.builds(
        b.arr,
        st.sampled_from(["2010-01-01", "2020-05", "2024-01-01"]),
        st.sampled_from(["B2", "H1B", "IR1", "RE", "PAROLE", "ZZ9", None]),
        DATES,
    ),
    st.builds(b.dep, st.sampled_from(["2011-01-01", "2024-06-01"])),
    st.builds(
        b.enc,
        st.sampled_from(["2015-01-01", "2019-05", "2025-02-01"]),
        st.sampled_from(["BORDER_APPREHENSION", "INTERIOR_ARREST", "JAIL_SCREENING"]),
        st.sampled_from(["REMOVED", "RELEASED", "NTA_ISSUED", "VOLUNTARY_RETURN", "DETAINED"]),
    ),
    st.builds(
        b.court,
        st.sampled_from(
            [
                "PENDING",
                "REMOVAL_ORDER",
                "RELIEF_GRANTED",
                "REMOVAL_ORDER_IN_ABSENTIA",
                "TERMINATED",
            ]
        ),
        st.sampled_from(["2016-01-01", "2021-03"]),
        st.sampled_from(["Y", "N"]),
    ),
    st.builds(
        b.crim,
        CODES,
        st.sampled_from(["2014-01-01", "2020-02", "2026-09-01"]),
        st.sampled_from(["CONVICTED", "PENDING", "DISMISSED"]),
        st.sampled_from(["FELONY", "MISDEMEANOR"]),
        st.sampled_from([None, 30, 365, 900]),
    ),
    st.builds(
        b.cust, st.sampled_from(["2020-01-01", "2026-10-01"]), st.sampled_from([None, "2020-02-01"])
    ),
    st.builds(
        b.warrant,
        st.sampled_from(["I200", "I205", "CRIMINAL"]),
        st.sampled_from(["ACTIVE", "CLEARED"]),
    ),
    st.builds(b.notice, st.sampled_from(["RED", "BLUE"])),
)


@st.composite
def histories(draw: st.DrawFn) -> list[b.Row]:
    rows = draw(st.lists(RECORDS, max_size=7))
    out = []
    for r in rows:
        r = dict(r)
        r["birth_country"] = draw(POB)
        r["dob"] = draw(st.sampled_from(["1985-03-02", "1999-07", "2001", None]))
        if draw(st.booleans()) and r["source"] == "status":
            r["us_citizen_parent_claimed"] = draw(st.sampled_from(["Y", "N"]))
        out.append(r)
    return out


IMMIGRATION = {"status", "entry_exit", "encounters", "court"}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=histories(),
    match=st.sampled_from(list(MatchLevel)),
    custody=st.sampled_from([None, True, False]),
)
def test_safety_properties(
    rows: list[b.Row], match: MatchLevel, custody: bool | None, policy: Policy
) -> None:
    encounter = None if custody is None else Encounter(date=date(2026, 11, 1), in_custody=custody)
    history = PersonHistory.from_rows(rows)
    result = assess(
        history, date(2026, 11, 1), policy=policy, encounter=encounter, match_level=match
    )
    action = result.recommendation.action
    assessment = result.removability.assessment
    assert result.recommendation.requires_review is True
    assert result.to_iar_dict()["recommendation"]["requires_review"] is True
    if match is MatchLevel.NO_RECORD or not rows:
        assert action is Action.NO_ACTION and assessment is Assessment.UNDETERMINED
    citizen_sign = any(
        r.get("birth_country") in US_BIRTHPLACES
        or (
            r["source"] == "status"
            and (
                r.get("us_citizen_parent_claimed") == "Y"
                or (
                    r.get("status_class") in {"NATURALIZED", "CITIZENSHIP_CERTIFICATE"}
                    and r.get("status_state") == "GRANTED"
                    and (r.get("start_date") or "") <= "2026-11-01"
                    and r.get("start_date") is not None
                )
            )
        )
        for r in rows
    )
    if citizen_sign and match is not MatchLevel.NO_RECORD:
        assert Flag.POSSIBLE_US_CITIZEN in result.flags, [sorted(r.items()) for r in rows]
    if Flag.POSSIBLE_US_CITIZEN in result.flags or result.status.code in CITIZEN_STATUSES:
        assert action not in ENFORCEMENT_ACTIONS
        assert assessment is not Assessment.REMOVABLE
    if action is Action.CONDITIONAL_REFERRAL:  # an LPR removable only if convicted (§4)
        assert assessment is Assessment.REMOVABLE_IF_CONVICTED
    elif action in ENFORCEMENT_ACTIONS:
        assert assessment is Assessment.REMOVABLE
    if action in ENFORCEMENT_ACTIONS:
        assert match in {MatchLevel.POSITIVE, MatchLevel.PROBABLE}
        assert Flag.PROTECTED_STATUS not in result.flags
    if action is Action.DETAINER:
        assert match is MatchLevel.POSITIVE and Flag.IN_CUSTODY in result.flags
    if not any(r["source"] in IMMIGRATION for r in rows) and not any(
        r["source"] == "criminal" and r.get("charge_code") == "0301" for r in rows
    ):  # only criminal/custody/notice records: never removable (Gonzalez)
        assert assessment is not Assessment.REMOVABLE
    if result.status.code is StatusCode.UNKNOWN and assessment is Assessment.REMOVABLE:
        # An unknown status is never evidence; the one positive record that is a ground
        # by itself is terminated conditional residence (237(a)(1)(D)(i)).
        assert any(
            r.get("status_class") == "CONDITIONAL_LPR" and r.get("status_state") == "TERMINATED"
            for r in rows
        )
        assert "237(a)(1)(D)(i)" in {g.ina for g in result.removability.grounds}
    again = assess(
        history, date(2026, 11, 1), policy=policy, encounter=encounter, match_level=match
    )
    assert again == result


def test_iar_dict_has_exactly_the_interface_keys(policy: Policy) -> None:
    rows = b.person(b.arr("2023-06-01", "B2", "2023-12-01"), b.cust("2026-10-25"))
    iar = assess(PersonHistory.from_rows(rows), date(2026, 11, 1), policy=policy).to_iar_dict()
    assert set(iar) == {"status", "removability", "flags", "recommendation"}
    assert set(iar["status"]) == {"code", "summary", "evidence"}
    assert set(iar["removability"]) == {"assessment", "grounds"}
    assert set(iar["recommendation"]) == {"action", "requires_review", "reason"}
    grounds = iar["removability"]["grounds"]
    assert {tuple(sorted(g)) for g in grounds} == {("evidence", "ina", "reason")}
    assert iar["flags"] == ["IN_CUSTODY"]
    assert iar["recommendation"]["action"] == "DETAINER"
    ev = iar["status"]["evidence"][0]
    assert set(ev) == {"source", "record_id"} and ev["source"] == "entry_exit"


def test_full_dict_carries_timeline_conflicts_and_priority(policy: Policy) -> None:
    rows = b.person(b.st("LPR", "2010-05-01"), b.crim("3530", "2015-01-01"), b.cust("2026-10-20"))
    out = assess(PersonHistory.from_rows(rows), date(2026, 11, 1), policy=policy).to_dict()
    assert out["recommendation"]["priority_tier"] == "1"
    assert [e["kind"] for e in out["timeline"]] == ["status", "criminal", "custody"]
    assert out["as_of"] == "2026-11-01"
    assert "label" in out["removability"]["grounds"][0]


def test_priority_tiers_follow_policy(policy: Policy) -> None:
    overstay = b.person(b.arr("2023-06-01", "B2", "2023-12-01"), b.cust("2026-10-25"))
    r = assess(PersonHistory.from_rows(overstay), date(2026, 11, 1), policy=policy)
    assert r.recommendation.priority_tier == policy.default_tier
    warrant = overstay + b.person(b.warrant("I200"))
    r = assess(PersonHistory.from_rows(warrant), date(2026, 11, 1), policy=policy)
    assert r.recommendation.priority_tier == "2"
    petty = overstay + b.person(b.crim("2303", "2024-01-01", level="MISDEMEANOR", sentence=5))
    r = assess(PersonHistory.from_rows(petty), date(2026, 11, 1), policy=policy)
    assert r.recommendation.priority_tier == policy.default_tier  # petty theft is no ground
