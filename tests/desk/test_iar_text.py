"""The IAR as Nlets text: agency view only, and the statements it must never make."""

from __future__ import annotations

import copy
import textwrap
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vetline.desk import InvalidQuery, agency_view, parse_iaq_json, render_iar_text
from vetline.desk.nlets_iar import WIDTH, _wrap
from vetline.errors import BadInput

IAR: dict[str, Any] = {
    "iar_id": "IAR-000123",
    "iaq_id": "Q1",
    "received_at": "2026-11-20T10:00:00Z",
    "responded_at": "2026-11-20T10:00:01Z",
    "match": {
        "level": "POSITIVE",
        "person_id": "P-77",
        "probability": 0.9991,
        "explanation": [{"field": "dob", "comparison": "exact", "weight": 6.2}],
        "records": [
            {"source": "status", "record_id": "S1"},
            {"source": "criminal", "record_id": "C9"},
        ],
        "candidates": [{"person_id": "P-OTHER", "probability": 0.31}],
    },
    "status": {
        "code": "LPR",
        "summary": "Lawful permanent resident since 2004.",
        "evidence": [{"source": "status", "record_id": "S1"}],
    },
    "removability": {
        "assessment": "REMOVABLE_IF_CONVICTED",
        "grounds": [
            {
                "ina": "237(a)(2)(A)(iii)",
                "reason": "pending aggravated felony charge",
                "evidence": [{"source": "criminal", "record_id": "C9"}],
            }
        ],
    },
    "flags": ["IN_CUSTODY"],
    "recommendation": {
        "action": "CONDITIONAL_REFERRAL",
        "requires_review": True,
        "reason": "SECRET-REASON",
    },
    "routing": {"aor": "LOS", "field_office": "Los Angeles"},
}


def variant(**changes: Any) -> dict[str, Any]:
    iar = copy.deepcopy(IAR)
    iar.update(changes)
    return iar


def test_agency_view_drops_the_internal_recommendation_only() -> None:
    view = agency_view(IAR)
    assert "recommendation" not in view
    assert set(IAR) - set(view) == {"recommendation"}


def test_positive_match_text_cites_evidence_and_routing() -> None:
    iaq = parse_iaq_json(
        {
            "query_type": "IAQ",
            "ori": "CA0194200",
            "subject": {
                "last_name": "Peña",
                "first_name": "Juan",
                "dob": "1985-03-02",
                "birth_country": "ES",
            },
        }
    )
    text = render_iar_text(IAR, dest_ori="CA0194200", iaq=iaq)
    lines = text.splitlines()
    assert lines[0] == "IAR.CA0194200.VTICE0900.Q1.TXT"
    assert "NOT A DETAINER" in text
    assert "NAM/PENA, JUAN" in text
    assert "BIRTH COUNTRY ISO/ES" in text and "POB/" not in text
    assert "MATCH/POSITIVE CONFIDENCE/99.91 PCT PERSON/P-77" in text
    assert "RECORDS/STATUS:S1, CRIMINAL:C9" in text
    assert "STATUS/LPR - LAWFUL PERMANENT RESIDENT SINCE 2004." in text
    assert "GROUND/INA 237(A)(2)(A)(III)" in text
    assert "ROUTED TO/ICE ERO LOS ANGELES FIELD OFFICE (LOS)" in text
    assert "SECRET-REASON" not in text and "CONDITIONAL_REFERRAL" not in text
    assert "P-OTHER" not in text  # other candidates are not the agency's business
    assert all(len(line) <= WIDTH and line.isascii() for line in lines)


def test_no_record_says_absence_proves_nothing() -> None:
    iar = variant(
        match={"level": "NO_RECORD", "records": []},
        status={"code": "UNKNOWN", "evidence": []},
        removability={"assessment": "UNDETERMINED", "grounds": []},
    )
    text = render_iar_text(iar, dest_ori="CA0194200")
    assert "NO RECORD WAS FOUND" in text and "NOT EVIDENCE OF UNLAWFUL" in text
    assert "REMOVABILITY/UNDETERMINED" in text


@pytest.mark.parametrize("assessment", ["REMOVABLE", "REMOVABLE_IF_CONVICTED"])
def test_no_record_paired_with_removability_is_refused(assessment: str) -> None:
    iar = variant(match={"level": "NO_RECORD"}, removability={"assessment": assessment})
    with pytest.raises(BadInput, match="NO_RECORD"):
        render_iar_text(iar, dest_ori="CA0194200")


@pytest.mark.parametrize(
    "changes",
    [
        {"flags": ["POSSIBLE_US_CITIZEN"]},
        {"status": {"code": "NATURALIZED_CITIZEN", "evidence": []}},
        {"status": {"code": "DERIVED_CITIZEN", "evidence": []}},
        {"status": {"code": "US_BORN_CITIZEN", "evidence": []}},
    ],
)
def test_any_sign_of_citizenship_withholds_removability(changes: dict[str, Any]) -> None:
    iar = variant(
        removability={"assessment": "REMOVABLE", "grounds": [{"ina": "237(a)(1)(B)"}]}, **changes
    )
    text = render_iar_text(iar, dest_ori="CA0194200")
    assert "REMOVABILITY/WITHHELD PENDING CITIZENSHIP REVIEW" in text
    assert "REMOVABILITY/REMOVABLE" not in text and "237(A)(1)(B)" not in text
    assert "CITIZENSHIP REVIEW REQUIRED" in text


def test_unconfirmed_identity_is_said_plainly() -> None:
    text = render_iar_text(
        variant(match={"level": "PROBABLE", "probability": 0.9}), dest_ori="CA0194200"
    )
    assert "IDENTITY NOT CONFIRMED" in text


def test_no_routing_means_the_lesc_assigns_it() -> None:
    text = render_iar_text(variant(routing=None), dest_ori="CA0194200")
    assert "TO BE ASSIGNED" in text


def test_long_ids_are_not_used_as_the_nlets_control_field() -> None:
    text = render_iar_text(variant(iaq_id="client:2026-11-20:000001"), dest_ori="CA0194200")
    assert text.splitlines()[0] == "IAR.CA0194200.VTICE0900.TXT"


@pytest.mark.parametrize(
    ("iar", "field"),
    [
        ({k: v for k, v in IAR.items() if k != "match"}, "match"),
        (variant(match={"level": "CERTAIN"}), "match.level"),
        (variant(status={"code": "ILLEGAL"}), "status.code"),
        (variant(removability={"assessment": "DEPORT"}), "removability.assessment"),
    ],
)
def test_a_malformed_iar_is_refused_with_the_field(iar: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidQuery) as caught:
        render_iar_text(iar, dest_ori="CA0194200")
    assert caught.value.errors[0]["field"] == field


def test_the_destination_must_be_an_ori() -> None:
    with pytest.raises(BadInput) as caught:
        render_iar_text(IAR, dest_ori="LA")
    assert caught.value.field == "dest_ori"


def test_match_basis_words_the_models_starting_odds_once() -> None:
    """The prior read "PRIOR PRIOR (TWO RANDOM RECORDS MATCH)" (issue 14)."""
    prior = {"field": "prior", "comparison": "prior (two random records match)", "weight": -13.3}
    iar = copy.deepcopy(IAR)
    iar["match"]["explanation"].insert(0, prior)
    text = render_iar_text(iar, dest_ori="CA0194200")
    basis = next(line for line in text.splitlines() if line.startswith("MATCH BASIS/"))
    assert basis.startswith("MATCH BASIS/STARTING ODDS (ANY TWO RECORDS ARE ONE PERSON) (-13.3)")
    assert "PRIOR" not in text and "EXACT (+6.2)" in text


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.text(alphabet="ABCXYZ0129:,./-()", min_size=1, max_size=90), min_size=1, max_size=30
    )
)
def test_fast_wrap_equals_textwrap(words: list[str]) -> None:
    """The single-spaced fast path wraps exactly as ``textwrap`` (issue 18)."""
    line = " ".join(words)
    expected = textwrap.wrap(line, WIDTH, subsequent_indent="  ", break_on_hyphens=False) or [""]
    assert _wrap(line) == expected
