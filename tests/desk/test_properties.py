"""Property tests: no input makes intake fail with anything but ``InvalidQuery``."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vetline.desk import IAQ, InvalidQuery, NletsQuery, parse_iaq_json, parse_nlets_iaq
from vetline.desk.nlets import KNOWN_TAGS

RECEIVED = date(2026, 11, 24)
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)

# Values that look like the real thing often enough to get past the first checks.
plausible_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "CA0194200",
            "A12345678",
            "1985-03-02",
            "1985-02",
            "06037",
            "CA",
            "M",
            "MX",
            "1313",
            "123-45-6789",
            "",
            " ",
            "GARCIA",
            "0399",
            "2026-11-20",
            "F",
            "C",
            "IAQ",
            "BIOMETRIC",
        ]
    ),
)
subject = st.fixed_dictionaries(
    {},
    optional={
        k: plausible_text | json_values
        for k in (
            "last_name",
            "first_name",
            "dob",
            "sex",
            "birth_country",
            "a_number",
            "fin",
            "ssn",
            "sid",
        )
    },
)
iaq_docs = st.fixed_dictionaries(
    {},
    optional={
        "query_type": st.sampled_from(
            ["IAQ", "BIOMETRIC", "NCIC_WARRANT", "NICS", "CRITICAL_INFRASTRUCTURE", "X"]
        ),
        "ori": plausible_text,
        "purpose": plausible_text,
        "subject": subject | json_values,
        "encounter": st.fixed_dictionaries(
            {},
            optional={
                "state": plausible_text,
                "county_fips": plausible_text,
                "date": plausible_text | json_values,
            },
        )
        | json_values,
        "custody": st.fixed_dictionaries(
            {}, optional={"in_custody": json_values, "release_date": plausible_text}
        ),
        "charges": st.lists(
            st.fixed_dictionaries({"charge_code": plausible_text | json_values}), max_size=3
        )
        | json_values,
        "phone": plausible_text | json_values,
        "remarks": st.lists(plausible_text, max_size=3) | json_values,
    },
)


def outcome_of_json(body: Any) -> IAQ | InvalidQuery:
    try:
        return parse_iaq_json(body)
    except InvalidQuery as exc:
        assert exc.errors and all(e["field"] and e["problem"] for e in exc.errors)
        return exc


@PROPERTY_SETTINGS
@given(iaq_docs)
def test_json_intake_accepts_or_refuses_with_reasons(doc: dict[str, Any]) -> None:
    result = outcome_of_json(doc)
    if isinstance(result, IAQ):  # what was accepted round-trips unchanged
        assert parse_iaq_json(json.dumps(result.to_json())) == result


@PROPERTY_SETTINGS
@given(json_values)
def test_any_json_value_is_refused_cleanly(value: Any) -> None:
    assert isinstance(outcome_of_json(json.dumps(value)), InvalidQuery)


@PROPERTY_SETTINGS
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_any_bytes_are_refused_cleanly(body: bytes | str) -> None:
    assert isinstance(outcome_of_json(body), InvalidQuery)


def outcome_of_nlets(text: str) -> NletsQuery | InvalidQuery:
    try:
        return parse_nlets_iaq(text, received=RECEIVED)
    except InvalidQuery as exc:
        assert exc.errors and all(e["field"] and e["problem"] for e in exc.errors)
        return exc


@PROPERTY_SETTINGS
@given(st.text(max_size=300))
def test_any_text_is_parsed_or_refused_cleanly(text: str) -> None:
    outcome_of_nlets(text)


tag_values = st.text(alphabet=st.characters(codec="ascii"), max_size=14) | st.sampled_from(
    ["C", "F", "DOE, JOHN", "19850412", "041285", "M", "U", "MM", "XX", "Y", "N", "0399", "1313"]
)
tags = st.lists(
    st.tuples(st.sampled_from(sorted(KNOWN_TAGS | {"RMK", "XYZ"})), tag_values), max_size=14
)


@PROPERTY_SETTINGS
@given(
    st.sampled_from(
        ["IAQ.MD0030000.AX.TXT", "IAQ.MD0030000.AX.C1.TXT", "IAQ.NB0550000.AX.TXT", "IAQ.X.AX.TXT"]
    ),
    tags,
    st.sampled_from([".", "\n", ". "]),
)
def test_tag_structured_messages_are_parsed_or_refused_cleanly(
    header: str, fields: list[tuple[str, str]], sep: str
) -> None:
    text = header + "\n" + sep.join(f"{tag}/{value}" for tag, value in fields)
    result = outcome_of_nlets(text)
    if isinstance(result, NletsQuery):  # the same model JSON intake would accept
        assert parse_iaq_json(result.iaq.to_json()) == result.iaq


VALID_TAGS = {
    "PUR": "C",
    "ATN": "OFC RIVERA",
    "PHN": "4105550100",
    "NAM": "DOE, JOHN Q",
    "DOB": "19850412",
    "SEX": "M",
    "POB": "MM",
    "CUS": "Y",
    "OFF": "1313",
    "ARN": "012345678",
}


@PROPERTY_SETTINGS
@given(
    st.dictionaries(st.sampled_from(sorted(VALID_TAGS)), tag_values, max_size=3),
    st.sets(st.sampled_from(sorted(VALID_TAGS)), max_size=2),
)
def test_a_valid_message_with_a_few_fields_changed_or_dropped(
    changed: dict[str, str], dropped: set[str]
) -> None:
    fields = {k: v for k, v in {**VALID_TAGS, **changed}.items() if k not in dropped}
    text = "IAQ.MD0030000.AX.TXT\n" + ".".join(f"{k}/{v}" for k, v in fields.items())
    result = outcome_of_nlets(text)
    if not changed and not dropped - {"ARN"}:
        assert isinstance(result, NletsQuery)
    if isinstance(result, InvalidQuery) and not changed:
        assert {e["field"] for e in result.errors} <= dropped


VALID_DOC: dict[str, Any] = {
    "iaq_id": "Q1",
    "query_type": "IAQ",
    "ori": "CA0194200",
    "purpose": "C",
    "subject": {"last_name": "GARCIA", "first_name": "JUAN", "dob": "1985-03-02", "sex": "M"},
    "encounter": {"state": "CA", "county_fips": "06037", "date": "2026-11-20"},
    "custody": {"in_custody": True, "facility_ori": "CA0190000"},
    "charges": [{"charge_code": "1313"}],
    "attention": "DEP SMITH",
    "phone": "555-0100",
    "remarks": ["SUBJECT CLAIMS US BIRTH"],
}
SUBJECT_FIELDS = (
    "last_name",
    "first_name",
    "middle_name",
    "dob",
    "sex",
    "birth_country",
    "a_number",
    "fin",
    "fbi_number",
    "ssn",
    "passport_number",
    "sid",
)
mutation_paths = st.sampled_from(
    [(k,) for k in VALID_DOC]
    + [("subject", k) for k in SUBJECT_FIELDS]
    + [("encounter", k) for k in ("state", "county_fips", "date")]
    + [("custody", k) for k in ("in_custody", "facility_ori", "release_date")]
    + [("charges", 0, "charge_code"), ("charges", 0, "offense_level"), ("remarks", 0)]
)


@PROPERTY_SETTINGS
@given(st.lists(st.tuples(mutation_paths, plausible_text | json_values), min_size=1, max_size=3))
def test_a_valid_document_with_a_few_values_changed(
    changes: list[tuple[tuple[Any, ...], Any]],
) -> None:
    doc = json.loads(json.dumps(VALID_DOC))
    for path, value in changes:
        node = doc
        try:
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = value
        except (TypeError, KeyError, IndexError):
            continue  # an earlier change replaced the parent with a non-container
    result = outcome_of_json(doc)
    if isinstance(result, IAQ):
        assert parse_iaq_json(json.dumps(result.to_json())) == result
