"""Each kind of bad value → the record rejected, or the field set aside, with a reason.

Table-driven: every case writes a self-contained extract of one source with a valid row
(line 2) and the bad row (line 3), ingests it, and asserts what the bad value cost. A
problem with the key, identification or an event's required or coded value rejects the
record; a bad optional field is set aside and the rest of the record is kept (issue 11).
Either way the rejects file names the line, the field and the reason.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from records_helpers import TODAY, good, write_rows

from vetline.records import RecordStore, ingest_extract

REJECTED: list[tuple[str, str, dict[str, str | None], str, str]] = [
    # (case id, source, overrides of the valid row, field, reason fragment)
    ("record_id missing", "status", {"record_id": ""}, "record_id", "missing (required)"),
    (
        "no name, no identifier",
        "status",
        {"last_name": "", "first_name": " "},
        "name",
        "no usable name (last_name, first_name) and no usable identifier",
    ),
    (
        "enum unknown",
        "status",
        {"status_class": "GREEN_CARD"},
        "status_class",
        "unknown value GREEN_CARD",
    ),
    ("required event missing", "status", {"status_class": ""}, "status_class", "missing (required"),
    ("entry event missing", "entry_exit", {"event": None}, "event", "missing (required"),
    (
        "fin required in biometric",
        "biometric",
        {"fin": ""},
        "fin",
        "missing (required for biometric)",
    ),
    ("fin malformed in biometric", "biometric", {"fin": "12#456"}, "fin", "not '#'"),
    ("yes/no", "court", {"appeal_pending": "maybe"}, "appeal_pending", "unknown value maybe"),
    (
        "sentence negative",
        "criminal",
        {"sentence_days": "-5"},
        "sentence_days",
        "not a non-negative",
    ),
    (
        "sentence text",
        "criminal",
        {"sentence_days": "1 year"},
        "sentence_days",
        "not a non-negative",
    ),
    ("charge code", "criminal", {"charge_code": "13-13"}, "charge_code", "4-digit NCIC"),
]

SET_ASIDE: list[tuple[str, str, dict[str, str | None], str, str]] = [
    (
        "dob impossible day",
        "status",
        {"dob": "1985-02-30"},
        "dob",
        "not a calendar date: 1985-02-30",
    ),
    ("dob month 13", "status", {"dob": "1985-13"}, "dob", "not a calendar date: 1985-13"),
    ("dob US format", "status", {"dob": "03/02/1985"}, "dob", "YYYY-MM-DD, YYYY-MM or YYYY"),
    (
        "dob after load date",
        "status",
        {"dob": "2027-01-01"},
        "dob",
        "after the load date 2026-11-24",
    ),
    ("dob ancient", "status", {"dob": "1066"}, "dob", "before 1900 is not plausible: 1066"),
    ("dob 1899", "status", {"dob": "1899-12-31"}, "dob", "before 1900"),
    ("date far future", "status", {"end_date": "2199-01-01"}, "end_date", "too far in the future"),
    ("event date bad", "criminal", {"arrest_date": "2020-04-31"}, "arrest_date", "not a calendar"),
    ("record date bad", "criminal", {"record_date": "2020-04-31"}, "record_date", "not a calendar"),
    ("sex unknown", "status", {"sex": "U"}, "sex", "one of F, M, X, not 'U'"),
    ("country NCIC code", "status", {"birth_country": "EL"}, "birth_country", "not an ISO 3166-1"),
    ("country name", "status", {"citizenship": "Mexico"}, "citizenship", "not an ISO 3166-1"),
    ("a_number letters", "status", {"a_number": "B1234567"}, "a_number", "not an A-number"),
    ("a_number zeros", "status", {"a_number": "A00000000"}, "a_number", "cannot be all zeros"),
    ("a_number too short", "status", {"a_number": "A123456"}, "a_number", "not an A-number"),
    ("a_number too long", "status", {"a_number": "A1234567890"}, "a_number", "not an A-number"),
    (
        "parent a_number bad",
        "status",
        {"parent_a_numbers": "A123456789|A12"},
        "parent_a_numbers",
        "not an A-number (optional A, then 7-9 digits): A12",
    ),
    ("ssn short", "status", {"ssn": "12345678"}, "ssn", "not an SSN (9 digits, dashes allowed)"),
    ("ssn never issued", "status", {"ssn": "666-12-3456"}, "ssn", "area 666 is never issued"),
    ("fbi 11 characters", "criminal", {"fbi_number": "12345678901"}, "fbi_number", "at most 9"),
    ("fbi placeholder", "criminal", {"fbi_number": "UNKNOWN"}, "fbi_number", "at least one digit"),
    ("fin symbols", "status", {"fin": "12#456"}, "fin", "not '#'"),
    ("passport short", "status", {"passport_number": "X12"}, "passport_number", "5 to 20"),
    ("sid no state", "status", {"sid": "12345678"}, "sid", "not a state ID"),
    ("sid unknown state", "status", {"sid": "ZZ12345678"}, "sid", "prefix is not a state code"),
    ("sid too long", "criminal", {"sid": "CA123456789"}, "sid", "1 to 8"),
    ("state unknown", "status", {"state": "XY"}, "state", "not a USPS state code: XY"),
    ("zip short", "status", {"zip": "9021"}, "zip", "not a ZIP code"),
    ("county fips", "custody", {"county_fips": "6037"}, "county_fips", "not a county FIPS code"),
    ("alias form", "status", {"aliases": "GARCIA, JUAN|JUAN GARCIA"}, "aliases", "JUAN GARCIA"),
    ("name of symbols only", "status", {"last_name": "😀"}, "last_name", "at least one letter"),
    ("name with digits", "status", {"middle_name": "J0HN"}, "middle_name", "not '0'"),
]


def _rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(
    ("source", "overrides", "field", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in REJECTED],
)
def test_bad_row_is_rejected_with_its_reason(
    extract_dir: Path,
    data_dir: Path,
    source: str,
    overrides: dict[str, str | None],
    field: str,
    fragment: str,
) -> None:
    bad = good(source, record_id="BAD", **{k: v for k, v in overrides.items() if k != "record_id"})
    if "record_id" in overrides:
        bad["record_id"] = overrides["record_id"]
    write_rows(extract_dir, source, [good(source, record_id="OK"), bad])

    report = ingest_extract(extract_dir, data_dir, today=TODAY)

    counts = report.sources[source]
    assert (counts.accepted, counts.rejected, counts.duplicate) == (1, 1, 0)
    rejects = _rejects(report.rejects_path)
    assert [(r["source"], r["line"], r["field"]) for r in rejects] == [(source, "3", field)]
    assert rejects[0]["reason"].startswith(f"{field}: ")
    assert rejects[0]["action"] == "record rejected"
    assert fragment in rejects[0]["reason"]
    assert [r["record_id"] for r in RecordStore(data_dir).read_source(source).to_pylist()] == ["OK"]


@pytest.mark.parametrize(
    ("source", "overrides", "field", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in SET_ASIDE],
)
def test_bad_optional_field_is_set_aside_and_the_record_kept(
    extract_dir: Path,
    data_dir: Path,
    source: str,
    overrides: dict[str, str | None],
    field: str,
    fragment: str,
) -> None:
    write_rows(
        extract_dir,
        source,
        [good(source, record_id="OK"), good(source, record_id="BAD", **overrides)],
    )

    report = ingest_extract(extract_dir, data_dir, today=TODAY)

    counts = report.sources[source]
    assert (counts.accepted, counts.rejected, counts.set_aside) == (2, 0, 1)
    rejects = _rejects(report.rejects_path)
    assert [(r["line"], r["record_id"], r["field"], r["action"]) for r in rejects] == [
        ("3", "BAD", field, "field set aside")
    ]
    assert rejects[0]["reason"].startswith(f"{field}: set aside (record kept): ")
    assert fragment in rejects[0]["reason"]
    stored = {r["record_id"]: r for r in RecordStore(data_dir).read_source(source).to_pylist()}
    kept = {"aliases": "GARCIA, JUAN", "parent_a_numbers": "123456789"}  # lists keep good items
    assert stored["BAD"][field] == kept.get(field)
    assert (stored["BAD"]["last_name"] or stored["BAD"]["first_name"]) is not None
    if field == "dob":
        assert stored["BAD"]["dob_year"] is None


def test_a_record_whose_every_name_and_identifier_is_set_aside_is_rejected(
    extract_dir: Path, data_dir: Path
) -> None:
    """Setting fields aside never keeps a record that nothing identifies any more."""
    bad = good("status", record_id="BAD", last_name="123", first_name="", a_number="B1")
    write_rows(extract_dir, "status", [good("status", record_id="OK"), bad])
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert (report.sources["status"].accepted, report.sources["status"].rejected) == (1, 1)
    rejects = _rejects(report.rejects_path)
    assert {(r["field"], r["action"]) for r in rejects} == {
        ("name", "record rejected"),
        ("last_name", "record rejected"),
        ("a_number", "record rejected"),
    }


def test_a_first_name_alone_identifies_a_record(extract_dir: Path, data_dir: Path) -> None:
    """The identification floor intake applies to a subject (issue 11): mononyms load."""
    write_rows(extract_dir, "status", [good("status", last_name="", first_name="Suharto")])
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert report.sources["status"].accepted == 1


def test_row_with_several_problems_reports_each_on_its_own_line(
    extract_dir: Path, data_dir: Path
) -> None:
    row = good("status", dob="1985-02-30", sex="Q", zip="1", status_class="GREEN_CARD")
    write_rows(extract_dir, "status", [row])
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    rejects = _rejects(report.rejects_path)
    assert report.sources["status"].rejected == 1
    assert sorted(r["field"] for r in rejects) == ["dob", "sex", "status_class", "zip"]
    assert {(r["line"], r["action"]) for r in rejects} == {("2", "record rejected")}
    write_rows(extract_dir, "status", [good("status", dob="1985-02-30", sex="Q", zip="1")])
    kept = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert (kept.sources["status"].accepted, kept.sources["status"].set_aside) == (1, 3)


def test_duplicate_record_id_in_file_rejects_every_copy(extract_dir: Path, data_dir: Path) -> None:
    rows = [
        good("status", record_id="A"),
        good("status", record_id="B"),
        good("status", record_id="A"),
    ]
    write_rows(extract_dir, "status", rows)
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    rejects = _rejects(report.rejects_path)
    assert [(r["line"], r["record_id"]) for r in rejects] == [("2", "A"), ("4", "A")]
    assert "appears 2 times in this file" in rejects[0]["reason"]
    assert RecordStore(data_dir).counts() == {"status": 1}


def test_identifier_alone_is_enough(extract_dir: Path, data_dir: Path) -> None:
    write_rows(extract_dir, "biometric", [good("biometric", last_name="", first_name="")])
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert report.sources["biometric"].accepted == 1


def test_leap_day_and_partial_dates_are_valid(extract_dir: Path, data_dir: Path) -> None:
    rows = [
        good("status", record_id="A", dob="2000-02-29"),
        good("status", record_id="B", dob="1985-03"),
        good("status", record_id="C", dob="1985"),
        good("status", record_id="D", dob="", start_date="2026-11-24"),
    ]
    write_rows(extract_dir, "status", rows)
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert report.total_rejected == 0
    assert report.sources["status"].accepted == 4
