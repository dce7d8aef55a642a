"""Priority from conduct only (issue 16 item 6, brief principle 5).

The hypothesis test draws arbitrary conduct (convictions, warrants, notices, dates) and
then changes only protected fields — nationality (birth country, citizenship, passport
country, the notice's issuing country), race, ethnicity, religion, sex, names, language —
and asserts the score and its reasons do not move.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vetline.priority import CONDUCT_COLUMNS, PriorityWeights, priority_of

AS_OF = date(2026, 11, 1)
CATEGORIES = {
    "0101": frozenset({"NATIONAL_SECURITY"}),
    "3530": frozenset({"DRUG_TRAFFICKING"}),
    "1313": frozenset({"DOMESTIC_VIOLENCE", "CIMT"}),
    "5404": frozenset({"NONE"}),
}
PROTECTED = ("birth_country", "citizenship", "passport_country", "issuing_country", "race",
             "ethnicity", "religion", "sex", "last_name", "first_name", "language",
             "nationality")  # fmt: skip

dates = st.dates(date(1990, 1, 1), date(2026, 10, 31)).map(date.isoformat)
criminal = st.fixed_dictionaries({
    "source": st.just("criminal"),
    "charge_code": st.sampled_from([*CATEGORIES, "9999", None]),
    "offense_level": st.sampled_from(["FELONY", "MISDEMEANOR", None]),
    "disposition": st.sampled_from(["CONVICTED", "PENDING", "DISMISSED"]),
    "disposition_date": st.one_of(st.none(), dates),
})  # fmt: skip
warrant = st.fixed_dictionaries({
    "source": st.just("warrants"),
    "warrant_type": st.sampled_from(["I200", "I205", "CRIMINAL"]),
    "warrant_state": st.sampled_from(["ACTIVE", "CLEARED"]),
    "issued_date": st.one_of(st.none(), dates),
})  # fmt: skip
notice = st.fixed_dictionaries({
    "source": st.just("interpol"),
    "notice_type": st.sampled_from(["RED", "BLUE", "YELLOW"]),
    "issued_date": st.one_of(st.none(), dates),
})  # fmt: skip
protected_values = st.fixed_dictionaries(
    {k: st.one_of(st.none(), st.text(max_size=12)) for k in PROTECTED}
)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.one_of(criminal, warrant, notice), max_size=8),
    first=st.lists(protected_values, min_size=8, max_size=8),
    second=st.lists(protected_values, min_size=8, max_size=8),
)
def test_protected_characteristics_never_change_priority(
    rows: list[dict[str, Any]], first: list[dict[str, Any]], second: list[dict[str, Any]]
) -> None:
    a = [{**row, **first[n]} for n, row in enumerate(rows)]
    b = [{**row, **second[n]} for n, row in enumerate(rows)]
    assert priority_of(a, AS_OF, CATEGORIES) == priority_of(b, AS_OF, CATEGORIES)


def test_no_protected_column_is_read() -> None:
    assert not set(PROTECTED) & CONDUCT_COLUMNS


def test_conduct_table() -> None:
    """Severity first, then warrants and notices, then recency; each with its reason."""
    none = priority_of([], AS_OF, CATEGORIES)
    assert none.score == 0 and none.reasons == ()
    traffic = [{"source": "criminal", "charge_code": "3530", "disposition": "CONVICTED",
                "offense_level": "FELONY", "disposition_date": "2024-05-01"}]  # fmt: skip
    p = priority_of(traffic, AS_OF, CATEGORIES)
    assert p.score == 40 + 10
    assert p.reasons == (
        "conviction 3530 (DRUG_TRAFFICKING) +40",
        "within 5 years (latest 2024-05-01) +10",
    )
    dismissed = [{**traffic[0], "disposition": "DISMISSED"}]
    assert priority_of(dismissed, AS_OF, CATEGORIES).score == 0  # an arrest is not conduct
    red = [{"source": "interpol", "notice_type": "RED", "issued_date": "2010-01-01"}]
    assert priority_of(red, AS_OF, CATEGORIES).score == 30  # old: no recency points
    both = traffic + red + [{"source": "warrants", "warrant_type": "CRIMINAL",
                              "warrant_state": "ACTIVE", "issued_date": "2026-01-01"}]  # fmt: skip
    assert priority_of(both, AS_OF, CATEGORIES).score == 40 + 30 + 20 + 10
    national = [{**traffic[0], "charge_code": "0101"}]
    assert priority_of(national, AS_OF, CATEGORIES).score > p.score
    misdemeanor = [{**traffic[0], "charge_code": "5404", "offense_level": "MISDEMEANOR"}]
    assert priority_of(misdemeanor, AS_OF, CATEGORIES).score == 5 + 10
    lighter = PriorityWeights(red_notice=1)
    assert priority_of(red, AS_OF, CATEGORIES, lighter).score == 1
