"""The Nlets plain-text IAQ: same model as JSON, the DOB century pivot, errors named by tag."""

from __future__ import annotations

from datetime import date

import pytest

from vetline.desk import IntakeFlag, InvalidQuery, QueryType, parse_iaq_json, parse_nlets_iaq
from vetline.desk.nlets import read_dob

RECEIVED = date(2026, 11, 24)
REFERENCE_EXAMPLE = (
    "IAQ.MD0030000.AX.TXT\n"
    "PUR/C.ATN/OFC J RIVERA.PHN/4105550100.NAM/DOE, JOHN Q.DOB/19850412.SEX/M.POB/MM.CUS/Y."
    "OFF/1313.ARN/012345678.FBI/123456AB7"
)
BASE = {
    "PUR": "C",
    "ATN": "OFC J RIVERA",
    "PHN": "4105550100",
    "NAM": "DOE, JOHN Q",
    "DOB": "19850412",
    "SEX": "M",
    "POB": "MM",
    "CUS": "Y",
    "OFF": "1313",
}


def message(header: str = "IAQ.MD0030000.AX.TXT", **tags: str | None) -> str:
    fields = {**BASE, **tags}
    return header + "\n" + ".".join(f"{k}/{v}" for k, v in fields.items() if v is not None) + "."


def problems(text: str) -> dict[str, str]:
    with pytest.raises(InvalidQuery) as caught:
        parse_nlets_iaq(text, received=RECEIVED)
    return {e["field"]: e["problem"] for e in caught.value.errors}


def test_the_reference_example_parses_into_the_same_model_as_json() -> None:
    parsed = parse_nlets_iaq(REFERENCE_EXAMPLE, received=RECEIVED)
    as_json = parse_iaq_json(
        {
            "query_type": "IAQ",
            "ori": "MD0030000",
            "purpose": "C",
            "subject": {
                "last_name": "DOE",
                "first_name": "JOHN",
                "middle_name": "Q",
                "dob": "1985-04-12",
                "sex": "M",
                "birth_country": "MX",
                "a_number": "012345678",
                "fbi_number": "123456AB7",
            },
            "custody": {"in_custody": True},
            "charges": [{"charge_code": "1313"}],
            "attention": "OFC J RIVERA",
            "phone": "4105550100",
        }
    )
    assert parsed.iaq == as_json
    assert parsed.flags == () and parsed.notes == ()


def test_control_field_becomes_the_iaq_id_and_firearms_purpose_a_nics_query() -> None:
    parsed = parse_nlets_iaq(message("IAQ.TX2270000.AX.Q0042.TXT", PUR="F"), received=RECEIVED)
    assert parsed.iaq.iaq_id == "Q0042"
    assert parsed.iaq.query_type is QueryType.NICS and parsed.iaq.purpose == "F"


def test_one_line_lower_case_message_with_periods_inside_values() -> None:
    text = message(ATN="SGT A. B. SMITH", NAM="O'BRIEN,MARY ANN LEE").replace("\n", " ").lower()
    iaq = parse_nlets_iaq(text, received=RECEIVED).iaq
    assert iaq.attention == "SGT A. B. SMITH"
    assert (iaq.subject.last_name, iaq.subject.first_name, iaq.subject.middle_name) == (
        "O'BRIEN",
        "MARY",
        "ANN LEE",
    )


@pytest.mark.parametrize(
    ("pob", "iso"),
    [
        ("MM", "MX"),  # Mexico, not Myanmar
        ("EL", "SV"),
        ("HD", "HN"),
        ("GT", "GT"),
        ("SP", "ES"),
        ("ES", "EE"),
        ("ZR", "CD"),
        ("RC", "CN"),
        ("TX", "US"),
        ("NB", "US"),  # Nebraska
        ("NE", "NL"),  # Netherlands
        ("PR", "PR"),
        ("GM", "GU"),
        ("MK", "MP"),
        ("VI", "VI"),
        ("AM", "AS"),
        ("ON", "CA"),
        ("KV", "XK"),
    ],
)
def test_pob_ncic_codes_map_to_iso(pob: str, iso: str) -> None:
    assert parse_nlets_iaq(message(POB=pob), received=RECEIVED).iaq.subject.birth_country == iso


@pytest.mark.parametrize("pob", ["XX", "YY", "YG"])
def test_pob_without_a_single_iso_country_is_kept_in_the_remarks(pob: str) -> None:
    iaq = parse_nlets_iaq(message(POB=pob), received=RECEIVED).iaq
    assert iaq.subject.birth_country is None
    assert any(r.startswith(f"POB/{pob} ") for r in iaq.remarks)


def test_unknown_tags_and_oln_are_kept_verbatim_in_the_remarks() -> None:
    iaq = parse_nlets_iaq(
        message(OLN="D1234567", RMK="SUBJ CLAIMS US BIRTH", XYZ="1"), received=RECEIVED
    ).iaq
    assert iaq.remarks == ["OLN/D1234567", "RMK/SUBJ CLAIMS US BIRTH", "XYZ/1"]


def test_optional_identifiers_sex_unknown_and_no_charge() -> None:
    iaq = parse_nlets_iaq(
        message(SEX="U", OFF="0399", CUS="N", SID="NB12345", SOC="123-45-6789", ARN="A1234567"),
        received=RECEIVED,
    ).iaq
    assert iaq.subject.sex is None and iaq.charges == []
    assert iaq.custody is not None and iaq.custody.in_custody is False
    assert (iaq.subject.sid, iaq.subject.ssn, iaq.subject.a_number) == (
        "NE12345",
        "123456789",
        "001234567",
    )


@pytest.mark.parametrize(
    ("raw", "received", "dob", "ambiguous"),
    [
        ("19850412", date(2026, 11, 24), "1985-04-12", False),
        ("041285", date(2026, 11, 24), "1985-04-12", False),
        ("041226", date(2026, 11, 24), "2026-04-12", True),  # would be a baby; 1926 also possible
        ("112526", date(2026, 11, 24), "1926-11-25", False),  # 2026-11-25 is tomorrow
        ("010110", date(2026, 11, 24), "2010-01-01", False),  # age 16: plausible
        ("010112", date(2026, 11, 24), "2012-01-01", False),
        ("010113", date(2026, 11, 24), "2013-01-01", True),
        ("022900", date(2026, 11, 24), "2000-02-29", False),  # only 2000 has Feb 29
        ("010100", date(2026, 11, 24), "2000-01-01", False),
    ],
)
def test_dob_century_pivot(raw: str, received: date, dob: str, ambiguous: bool) -> None:
    got, flagged, note = read_dob(raw, received)
    assert (got, flagged) == (dob, ambiguous)
    assert (note is None) == (len(raw) == 8)


def test_ambiguous_century_flags_the_query_for_review_and_explains_the_reading() -> None:
    parsed = parse_nlets_iaq(message(DOB="061520"), received=RECEIVED)
    assert parsed.iaq.subject.dob == "2020-06-15"
    assert parsed.flags == (IntakeFlag.DOB_CENTURY_AMBIGUOUS,)
    assert "061520 read as 2020-06-15" in parsed.notes[0]


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ("hello", "HEADER", "starts IAQ."),
        ("", "HEADER", "starts IAQ."),
        (message("IAR.MD0030000.AX.TXT"), "HEADER", "not IAQ"),
        (message("IAQ.MD0030000.FB.TXT"), "DEST", "addressed to AX"),
        (message("IAQ.MD00300.AX.TXT"), "ORI", "9 characters"),
        (message("IAQ.QQ0030000.AX.TXT"), "ORI", "state or member code"),
        (message("IAQ.MD0030000.AX.BAD CONTROL!.TXT"), "HEADER", "starts IAQ."),
        (message(PUR="X"), "PUR", "C or F"),
        (message(PUR=None), "PUR", "is required"),
        (message(NAM="DOE JOHN"), "NAM", "LAST, FIRST"),
        (message(NAM="D0E, JOHN"), "NAM", "not '0'"),
        (message(DOB="1985-04-12"), "DOB", "mmddyy or ccyymmdd"),
        (message(DOB="19850230"), "DOB", "not a calendar date"),
        (message(DOB="20270101"), "DOB", "after the day"),
        (message(DOB="023099"), "DOB", "either century"),
        (message(SEX="Q"), "SEX", "M, F, X or U"),
        (message(POB="QQ"), "POB", "not an NCIC place code"),
        (message(POB="MX"), "POB", "not an NCIC place code"),
        (message(CUS="MAYBE"), "CUS", "Y or N"),
        (message(OFF="13"), "OFF", "4 digits"),
        (message(ARN="12"), "ARN", "7-9 digits"),
        (message(SOC="12"), "SOC", "9 digits"),
        (message(PHN="CALL"), "PHN", "7 to 15 digits"),
        (message() + "SEX/F", "SEX", "more than once"),
        ("IAQ.MD0030000.AX.TXT\nJUNK BEFORE.PUR/C", "TXT", "before the first"),
    ],
)
def test_errors_name_the_tag(text: str, field: str, problem: str) -> None:
    found = problems(text)
    assert field in found, found
    assert problem in found[field]
