"""The IAQ JSON model: canonical forms, and a field-level reason for every kind of bad input."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from vetline.desk import IAQ, InvalidQuery, QueryType, check_dates, parse_iaq_json
from vetline.errors import BadInput

SPEC_EXAMPLE: dict[str, Any] = {
    "iaq_id": "optional-client-id",
    "query_type": "IAQ",
    "ori": "CA0194200",
    "purpose": "C",
    "subject": {
        "last_name": "GARCIA LOPEZ",
        "first_name": "JUAN",
        "middle_name": None,
        "dob": "1985-03-02",
        "sex": "M",
        "birth_country": "MX",
        "a_number": None,
        "fin": None,
        "fbi_number": None,
        "ssn": None,
        "passport_number": None,
        "sid": None,
    },
    "encounter": {"state": "CA", "county_fips": "06037", "date": "2026-11-20"},
    "custody": {"in_custody": True, "facility_ori": "CA0190000", "release_date": None},
    "charges": [{"charge_code": "1313", "charge_text": "ASSAULT", "offense_level": "MISDEMEANOR"}],
    "attention": "DEP SMITH",
    "phone": "555-0100",
}


def with_changes(path: str, value: Any) -> dict[str, Any]:
    """The spec example with one dotted path set (``None`` deletes it)."""
    doc: dict[str, Any] = json.loads(json.dumps(SPEC_EXAMPLE))
    *parents, leaf = path.split(".")
    node: Any = doc
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is None:
        del node[leaf]
    else:
        node[leaf] = value
    return doc


def problems(body: Any) -> dict[str, str]:
    with pytest.raises(InvalidQuery) as caught:
        parse_iaq_json(body)
    return {e["field"]: e["problem"] for e in caught.value.errors}


def test_the_interfaces_example_is_accepted_from_json_text() -> None:
    iaq = parse_iaq_json(json.dumps(SPEC_EXAMPLE))
    assert iaq.query_type is QueryType.IAQ
    assert iaq.subject.last_name == "GARCIA LOPEZ"
    assert iaq.encounter is not None and iaq.encounter.date == date(2026, 11, 20)
    assert iaq.custody is not None and iaq.custody.in_custody is True
    assert iaq.charges[0].charge_code == "1313"
    assert parse_iaq_json(iaq.to_json()) == iaq


def test_only_type_ori_and_subject_are_required() -> None:
    iaq = parse_iaq_json(
        {"query_type": "NICS", "ori": "TX2270000", "subject": {"ssn": "123456789"}}
    )
    assert iaq.encounter is None and iaq.charges == [] and iaq.subject.ssn == "123456789"


@pytest.mark.parametrize(
    ("field", "given", "canonical"),
    [
        ("a_number", "A12345678", "012345678"),
        ("a_number", "a-1234-567", "001234567"),
        ("a_number", "123456789", "123456789"),
        ("ssn", "123-45-6789", "123456789"),
        ("sid", "ca 1234567", "CA1234567"),
        ("sid", "NB1234567", "NE1234567"),  # NCIC Nebraska prefix -> USPS
        ("fbi_number", "123456ab7", "123456AB7"),
        ("passport_number", "x1234-567", "X1234567"),
        ("birth_country", "mx", "MX"),
        ("sex", "f", "F"),
        ("last_name", "  garcía   lópez ", "GARCIA LOPEZ"),
        ("first_name", "o'brien-smith", "O'BRIEN-SMITH"),
        ("last_name", "o’brien", "O'BRIEN"),
        ("fin", "ab-12 34", "AB1234"),
        ("fbi_number", "123 456 AB7", "123456AB7"),
        ("sid", "GM 12345", "GU12345"),
        ("passport_number", "p<1234<567", "P1234567"),
        ("dob", "1985-03", "1985-03"),
        ("dob", "1985", "1985"),
        ("middle_name", "   ", None),
        ("a_number", "", None),
    ],
)
def test_values_are_canonicalised_like_the_record_store(
    field: str, given: str, canonical: str | None
) -> None:
    iaq = parse_iaq_json(with_changes(f"subject.{field}", given))
    assert getattr(iaq.subject, field) == canonical


@pytest.mark.parametrize(
    ("path", "value", "field", "problem"),
    [
        ("query_type", "IAR", "query_type", "Input should be"),
        ("query_type", None, "query_type", "is required"),
        ("ori", None, "ori", "is required"),
        ("ori", "CA01942", "ori", "9 characters"),
        ("ori", "", "ori", "9 characters, got 0"),
        ("ori", "   ", "ori", "9 characters, got 0"),
        ("ori", "ZZ0194200", "ori", "state or member code"),
        ("ori", "CA01942-0", "ori", "letters or digits"),
        ("subject", None, "subject", "is required"),
        ("subject", "DOE", "subject", "must be an object"),
        ("subject.dob", "03/02/1985", "subject.dob", "YYYY-MM-DD"),
        ("subject.dob", "1985-02-30", "subject.dob", "not a calendar date"),
        ("subject.dob", "1985-13", "subject.dob", "no month 13"),
        ("subject.dob", "1850-01-01", "subject.dob", "before 1900"),
        ("subject.dob", "1899-12-31", "subject.dob", "before 1900"),
        ("subject.fbi_number", "12345678901", "subject.fbi_number", "at most 9"),
        ("subject.fbi_number", "UNKNOWN", "subject.fbi_number", "at least one digit"),
        ("subject.fbi_number", "12#45", "subject.fbi_number", "not '#'"),
        ("subject.fin", "0000-0000", "subject.fin", "all zeros"),
        ("subject.ssn", "000-12-3456", "subject.ssn", "area 000"),
        ("subject.ssn", "999-12-3456", "subject.ssn", "never issued"),
        ("subject.sid", "CA123456789", "subject.sid", "1 to 8"),
        ("subject.passport_number", "NONE", "subject.passport_number", "5 to 20"),
        ("subject.dob", 19850302, "subject.dob", "must be a string"),
        ("subject.sex", "U", "subject.sex", "F, M, X"),
        ("subject.birth_country", "UK", "subject.birth_country", "not an ISO 3166-1"),
        ("subject.a_number", "A123", "subject.a_number", "7-9 digits"),
        ("subject.a_number", "A000000000", "subject.a_number", "all zeros"),
        ("subject.ssn", "12345678", "subject.ssn", "9 digits"),
        ("subject.sid", "ZZ123", "subject.sid", "state code"),
        ("subject.last_name", "J0NES", "subject.last_name", "not '0'"),
        ("subject.last_name", "---", "subject.last_name", "at least one letter"),
        ("subject.nickname", "JJ", "subject.nickname", "not a field"),
        ("purpose", "X", "purpose", "Input should be"),
        ("encounter.state", "XX", "encounter.state", "state is one of"),
        ("encounter.county_fips", "6037", "encounter.county_fips", "5 digits"),
        ("encounter.county_fips", "48201", "encounter.county_fips", "not a county of CA"),
        ("encounter.date", "2026-11-31", "encounter.date", "not a calendar date"),
        ("encounter.date", 1700000000, "encounter.date", "string YYYY-MM-DD"),
        ("custody.in_custody", "yes", "custody.in_custody", "true or false"),
        ("custody.in_custody", None, "custody.in_custody", "is required"),
        ("custody.facility_ori", "JAIL", "custody.facility_ori", "9 characters"),
        ("charges", {"charge_code": "1313"}, "charges", "must be a list"),
        ("charges.0.charge_code", "13", "charges[0].charge_code", "4 digits"),
        ("charges.0.charge_code", "", "charges[0].charge_code", "4 digits"),
        ("charges.0.offense_level", "INFRACTION", "charges[0].offense_level", "FELONY"),
        ("phone", "call me", "phone", "7 to 15 digits"),
        ("attention", "X" * 61, "attention", "at most 60"),
        ("iaq_id", "id with spaces", "iaq_id", "at most 64"),
        ("extra", 1, "extra", "not a field"),
    ],
)
def test_each_kind_of_malformed_field_is_named(
    path: str, value: Any, field: str, problem: str
) -> None:
    found = problems(with_changes(path, value))
    assert field in found, found
    assert problem in found[field]


def test_a_subject_needs_a_name_part_or_an_identifier() -> None:
    """The loader's identification floor (issue 11): a first name alone is a name."""
    found = problems({"query_type": "IAQ", "ori": "CA0194200", "subject": {"dob": "1985-03-02"}})
    assert "a name (last_name or first_name) or an identifier" in found["subject"]
    mononym = parse_iaq_json(
        {"query_type": "IAQ", "ori": "CA0194200", "subject": {"first_name": "juan"}}
    )
    assert mononym.subject.first_name == "JUAN" and mononym.subject.last_name is None


def test_biometric_needs_the_fin_and_is_reported_against_it() -> None:
    assert "FIN" in problems(with_changes("query_type", "BIOMETRIC"))["subject.fin"]
    doc = with_changes("query_type", "BIOMETRIC")
    doc["subject"]["fin"] = "1234567890"
    assert parse_iaq_json(doc).subject.fin == "1234567890"


def test_nics_is_a_firearms_purpose() -> None:
    assert "purpose F" in problems(with_changes("query_type", "NICS"))["purpose"]
    assert parse_iaq_json(with_changes("purpose", "F") | {"query_type": "NICS"}).purpose == "F"


def test_a_birth_after_the_encounter_is_refused() -> None:
    assert "after the encounter" in problems(with_changes("subject.dob", "2026-12"))["subject.dob"]
    assert parse_iaq_json(with_changes("subject.dob", "2026-11")).subject.dob == "2026-11"


def test_every_problem_is_reported_at_once_and_the_first_is_the_bad_input_line() -> None:
    doc = with_changes("ori", "BAD")
    doc["subject"]["dob"] = "yesterday"
    with pytest.raises(BadInput) as caught:
        parse_iaq_json(doc)
    assert isinstance(caught.value, InvalidQuery)
    assert [e["field"] for e in caught.value.errors] == ["ori", "subject.dob"]
    assert str(caught.value).startswith("ori: an ORI is 9 characters") and "1 more" in str(
        caught.value
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("{", "not valid JSON"),
        ("[]", "must be an object"),
        ("null", "must be an object"),
        (b"", "not valid JSON"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(body: str | bytes, problem: str) -> None:
    assert problem in problems(body)["body"]


def test_the_model_is_immutable() -> None:
    iaq = parse_iaq_json(SPEC_EXAMPLE)
    with pytest.raises(ValueError):
        iaq.ori = "MD0030000"
    assert isinstance(iaq, IAQ)


def test_status_is_assessed_as_of_the_encounter_else_today() -> None:
    today = date(2026, 11, 24)
    assert parse_iaq_json(SPEC_EXAMPLE).as_of(today) == date(2026, 11, 20)
    assert parse_iaq_json(with_changes("encounter", None)).as_of(today) == today


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [("encounter.date", "2026-11-26", "encounter.date"), ("subject.dob", "2026-12", "subject.dob")],
)
def test_dates_after_today_are_refused_at_intake(path: str, value: str, field: str) -> None:
    doc = with_changes(path, value)
    if field == "subject.dob":
        del doc["encounter"]
    with pytest.raises(InvalidQuery) as caught:
        check_dates(parse_iaq_json(doc), date(2026, 11, 24))
    assert caught.value.errors[0]["field"] == field


def test_one_day_of_time_zone_slack() -> None:
    iaq = parse_iaq_json(with_changes("encounter.date", "2026-11-25"))
    assert check_dates(iaq, date(2026, 11, 24)) is iaq


def test_a_blank_optional_facility_is_absent() -> None:
    iaq = parse_iaq_json(with_changes("custody.facility_ori", " "))
    assert iaq.custody is not None and iaq.custody.facility_ori is None
