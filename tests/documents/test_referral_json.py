"""The referral package as JSON: safe to dump, stable key order, read back to the same
package, and bad data refused with the field named."""

from __future__ import annotations

import json
from typing import Any

import pytest

from vetline.documents import REFERRAL_SCHEMA, referral_from_json, referral_json
from vetline.errors import BadInput
from vetline.vocab import Action

from . import builders as b

TOP_KEYS = [
    "schema",
    "document_number",
    "kind",
    "lead_id",
    "case_id",
    "subject_name",
    "date_of_birth",
    "sex",
    "identifiers",
    "addresses",
    "status",
    "status_evidence",
    "removal_grounds",
    "immigration_history",
    "criminal_history",
    "custody",
    "citizenship_screen",
    "protected_status_screen",
    "recommended_aor",
    "field_office",
    "priority_score",
    "priority_reasons",
    "expires_on",
    "prepared_by",
    "prepared_at",
]


def test_round_trip_through_json_text() -> None:
    pkg = b.referral()
    text = json.dumps(referral_json(pkg))
    assert referral_from_json(json.loads(text)) == pkg


def test_keys_are_in_a_stable_documented_order() -> None:
    data = referral_json(b.referral())
    assert list(data) == TOP_KEYS
    identifier = data["identifiers"][0]  # type: ignore[index]
    assert list(identifier) == ["kind", "value", "source", "match_basis"]
    assert list(identifier["source"]) == ["system", "record_id", "as_of"]
    assert json.dumps(referral_json(b.referral())) == json.dumps(data)


def test_values_are_json_safe_and_readable() -> None:
    data = referral_json(b.referral())
    assert data["schema"] == REFERRAL_SCHEMA
    assert data["kind"] == "LEAD_REFERRAL"
    assert data["date_of_birth"] == "1979-02-28"
    assert data["prepared_at"] == "2026-03-04T15:30:00Z"
    assert data["identifiers"][0]["source"]["system"] == "IDENT"  # type: ignore[index]
    json.dumps(data, allow_nan=False)


def test_no_nationality_anywhere_in_the_package() -> None:
    assert "national" not in json.dumps(referral_json(b.referral())).lower()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"schema": "vetline.referral/0"}, "schema"),
        ({"date_of_birth": "1979-02-30"}, "date_of_birth"),
        ({"kind": "DETAINER"}, "kind"),
        ({"prepared_at": "2026-03-04T15:30:00"}, "prepared_at"),
        ({"lead_id": None, "case_id": None}, "lead_id"),
        ({"identifiers": []}, "identifiers"),
    ],
)
def test_bad_data_is_refused_naming_the_field(change: dict[str, Any], field: str) -> None:
    data = {**referral_json(b.referral()), **change}
    with pytest.raises(BadInput) as err:
        referral_from_json(data)
    assert err.value.field == field


def test_a_conditional_referral_is_a_referral_too() -> None:
    pkg = b.referral(kind=Action.CONDITIONAL_REFERRAL, lead_id=None, case_id="CASE-9")
    assert referral_from_json(referral_json(pkg)) == pkg
