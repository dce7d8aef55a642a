"""The Python identifier forms agree with what the loader's SQL stores, value by value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from records_helpers import TODAY, good, write_rows

from vetline.records import RecordStore, ingest_extract
from vetline.records.identifiers import (
    canonical_a_number,
    canonical_country,
    canonical_fbi_number,
    canonical_fin,
    canonical_passport,
    canonical_sid,
    canonical_ssn,
    canonical_state,
    canonical_zip,
)

EXAMPLES: dict[str, tuple[Callable[[str], str], list[str]]] = {
    "a_number": (canonical_a_number, ["A123456789", "a-1234-567", "1234567", " A 012 345 678 "]),
    "ssn": (canonical_ssn, ["123-45-6789", "123456789", "123-456789"]),
    "sid": (canonical_sid, ["CA12345678", "ca-1234", " tx 99 ", "NB 123 45"]),
    "zip": (canonical_zip, ["02134", "90210-1234", "902101234"]),
    "passport_number": (canonical_passport, ["x123-456", "AB 1234567", "p.12/345", "P<12<345"]),
    "fin": (canonical_fin, ["1234-5678-90", "ab12 34"]),
    "fbi_number": (canonical_fbi_number, ["123456ab7", "12 34-56"]),
    "birth_country": (canonical_country, ["mx", "SV", " us "]),
    "state": (canonical_state, ["ca", "PR", "dc"]),
}


@pytest.mark.parametrize("column", sorted(EXAMPLES))
def test_python_forms_match_stored_forms(extract_dir: Path, data_dir: Path, column: str) -> None:
    fn, values = EXAMPLES[column]
    rows = [good("status", record_id=f"R{i}", **{column: v}) for i, v in enumerate(values)]
    write_rows(extract_dir, "status", rows)
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert report.total_rejected == 0
    stored = {
        r["record_id"]: r[column] for r in RecordStore(data_dir).read_source("status").to_pylist()
    }
    assert [stored[f"R{i}"] for i in range(len(values))] == [fn(v) for v in values]


@pytest.mark.parametrize(
    ("fn", "value", "message"),
    [
        (canonical_a_number, "B1234567", "not an A-number"),
        (canonical_a_number, "A000000000", "all zeros"),
        (canonical_ssn, "1234", "not an SSN"),
        (canonical_ssn, "666-12-3456", "never issued"),
        (canonical_sid, "ZZ123", "not a state code"),
        (canonical_fbi_number, "12345678901", "at most 9"),
        (canonical_zip, "1234", "not a ZIP code"),
        (canonical_country, "EL", "ISO 3166-1"),
        (canonical_state, "XY", "USPS"),
    ],
)
def test_python_forms_reject_what_the_loader_rejects(
    fn: Callable[[str], str], value: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        fn(value)


@st.composite
def _identity(draw: st.DrawFn) -> dict[str, str]:
    """A valid row's identifiers, written in any of the forms the contract allows."""
    a_digits = draw(st.text(alphabet="0123456789", min_size=7, max_size=9))
    a_digits = a_digits if a_digits.strip("0") else "1" + a_digits[1:]
    ssn = draw(
        st.from_regex(r"\A(00[1-9]|[1-578][0-9]{2})(0[1-9]|[1-9][0-9])(000[1-9]|[1-9][0-9]{3})\Z")
    )
    ssn = draw(st.sampled_from([ssn, f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}"]))
    zip5 = draw(st.text(alphabet="0123456789", min_size=5, max_size=5))
    plus4 = draw(st.sampled_from(["", "-1234", "5678"]))
    return {
        "a_number": draw(st.sampled_from(["A", "a", ""])) + a_digits,
        "ssn": ssn,
        "zip": zip5 + plus4,
        "sid": draw(st.sampled_from(["ca", "TX", "ny-"])) + a_digits[:8],
        "birth_country": draw(st.sampled_from(["mx", "SV", "gt", "Us"])),
    }


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(_identity(), min_size=1, max_size=15))
def test_any_valid_identifier_form_loads_as_its_python_canonical_form(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, str]]
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    written = [good("status", record_id=f"R{i}", **r) for i, r in enumerate(rows)]
    write_rows(folder / "extract", "status", written)
    report = ingest_extract(folder / "extract", folder / "data", today=TODAY)
    assert report.total_rejected == 0
    stored = {
        r["record_id"]: r for r in RecordStore(folder / "data").read_source("status").to_pylist()
    }
    for i, raw in enumerate(rows):
        row = stored[f"R{i}"]
        assert row["a_number"] == canonical_a_number(raw["a_number"])
        assert row["ssn"] == canonical_ssn(raw["ssn"])
        assert row["zip"] == canonical_zip(raw["zip"])
        assert row["sid"] == canonical_sid(raw["sid"])
        assert row["birth_country"] == canonical_country(raw["birth_country"])


def test_sid_state_codes_follow_the_desks_code_table() -> None:
    """The SID prefixes and NCIC spellings agree with ``desk/geo.py``'s one table."""
    from vetline.desk.geo import BY_USPS

    for place in BY_USPS.values():
        assert canonical_sid(f"{place.usps}1234") == f"{place.usps}1234"
        assert canonical_sid(f"{place.ncic}1234") == f"{place.usps}1234"
    for military in ("AA", "AE", "AP", "FM"):
        with pytest.raises(ValueError, match="not a state code"):
            canonical_sid(f"{military}1234")
