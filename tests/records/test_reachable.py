"""Nothing stored is unreachable: whatever the loader stores, an IAQ can carry (issue 11).

For any text written into an extract's identity columns, the loader either stores a value
or sets the field aside. Every stored value must pass IAQ intake and canonicalise to
itself (so the resolver, comparing canonical forms, finds the record), the value as the
extract wrote it must canonicalise to the same form at intake, and what the loader set
aside intake must refuse too: loader and intake draw one line. Values go through a real
ingest (Parquet, so no CSV quoting stands between the text and the loader) and the real
IAQ model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from records_helpers import TODAY, write_rows

from vetline.desk import InvalidQuery, check_dates, parse_iaq_json
from vetline.records import RecordStore, ingest_extract
from vetline.records.identifiers import dob_earliest

IDENTIFIERS = ("a_number", "fin", "fbi_number", "ssn", "passport_number", "sid")
BIOGRAPHIC = ("last_name", "first_name", "middle_name", "dob", "sex", "birth_country")

#: Values near every edge of the rules: separators, lengths, placeholders, NCIC prefixes,
#: never-issued SSNs, non-ASCII digits and letters, names with marks and keying errors.
EDGES = [
    "A12-345-678",
    "a 1234 567",
    "A0000000",
    "123456AB7",
    "1234567890A",
    "12345678901",
    "UNKNOWN",
    "000000000",
    "123-45-6789",
    "666-12-3456",
    "900 12 3456",
    "123.45.6789",
    "CA12345678",
    "ca-1234",
    "NB 1234567",
    "GM12345",
    "AA12345",
    "CA123456789",
    "P<1234<567",
    "x123/456",
    "ß12345",
    "١٢٣٤٥٦٧٨٩",
    "12#45",
    "García López",
    "O’Brien",
    "J0NES",
    "SMITH, JR",
    "ST. JOHN",
    "Ольга",
    "عبد الله",
    "😀",
    "-",
    "1985-03-02",
    "1985-02-30",
    "1899-12-31",
    "1900",
    "1985-13",
    "2026-11-25",
    "2027-01",
    "m",
    " f ",
    "U",
    "mx",
    "EL",
]
values = st.one_of(
    st.sampled_from(EDGES),
    st.text(max_size=14),
    st.text(alphabet="0123456789AaBCXZ -./<", min_size=1, max_size=14),
    st.from_regex(r"\A[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z"),
)

#: Each family keeps one field fixed and valid so every row is stored (a record needs a
#: name or an identifier) whatever happens to the fields under test.
FAMILIES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "identifiers": (IDENTIFIERS, {"last_name": "GARCIA"}),
    "biographic": (BIOGRAPHIC, {"fin": "1234567890"}),
}


def _intake(field: str, value: str, anchor: dict[str, str]) -> str | None:
    """The canonical value intake makes of ``value`` in ``field``; ``InvalidQuery`` if refused."""
    subject: dict[str, Any] = {**anchor, field: value}
    iaq = check_dates(
        parse_iaq_json({"query_type": "IAQ", "ori": "CA0194200", "subject": subject}), TODAY
    )
    out = getattr(iaq.subject, field)
    return None if out is None else str(out)


def _refused(field: str, value: str, anchor: dict[str, str]) -> bool:
    try:
        _intake(field, value, anchor)
    except InvalidQuery as exc:
        assert [e["field"] for e in exc.errors] == [f"subject.{field}"], exc.errors
        return True
    return False


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    family=st.sampled_from(sorted(FAMILIES)),
    rows=st.lists(st.lists(values, min_size=6, max_size=6), min_size=1, max_size=40),
)
def test_every_stored_value_is_accepted_by_intake_as_itself(
    tmp_path_factory: pytest.TempPathFactory, family: str, rows: list[list[str]]
) -> None:
    fields, anchor = FAMILIES[family]
    folder = tmp_path_factory.mktemp("reach")
    written = [
        {
            "record_id": f"R{i}",
            "status_class": "LPR",
            "first_name": "",
            **anchor,
            **dict(zip(fields, row, strict=True)),
        }
        for i, row in enumerate(rows)
    ]
    write_rows(folder / "extract", "status", written, fmt="parquet")
    report = ingest_extract(folder / "extract", folder / "data", today=TODAY)
    assert report.sources["status"].accepted == len(rows)  # the anchor keeps every record
    stored = {
        r["record_id"]: r for r in RecordStore(folder / "data").read_source("status").to_pylist()
    }
    for raw in written:
        record = stored[str(raw["record_id"])]
        for field in fields:
            value, kept = raw[field], record[field]
            if kept is not None:
                # Reachable: the stored form is a valid query value and canonical already,
                # and the extract's own spelling reaches the same form through intake.
                assert _intake(field, kept, anchor) == kept, (field, kept)
                assert _intake(field, value, anchor) == kept, (field, value, kept)
            elif not _refused(field, value, anchor):
                # Set aside (or blank) by the loader: intake must see nothing either, except
                # a birth on the load date's "tomorrow", which intake allows for time zones.
                got = _intake(field, value, anchor)
                slack = field == "dob" and got is not None and dob_earliest(got) > TODAY
                assert got is None or slack, (field, value, got)
        # And the record as a whole: a query carrying every identity value it kept (a name
        # part and date of birth, say, with no identifier) is a valid subject.
        whole = {f: record[f] for f in (*IDENTIFIERS, *BIOGRAPHIC) if record[f] is not None}
        iaq = parse_iaq_json({"query_type": "IAQ", "ori": "CA0194200", "subject": whole})
        check_dates(iaq, TODAY)
        assert {f: getattr(iaq.subject, f) for f in whole} == whole
        biographic = {f: v for f, v in whole.items() if f in BIOGRAPHIC}
        if biographic.get("last_name") or biographic.get("first_name"):  # by name alone
            subject = parse_iaq_json(
                {"query_type": "IAQ", "ori": "CA0194200", "subject": biographic}
            ).subject
            assert {f: getattr(subject, f) for f in biographic} == biographic


def test_an_eleven_character_fbi_number_is_neither_stored_nor_queried(
    tmp_path: Path,
) -> None:
    """The case issue 11 found: it loaded, and an IAQ carrying it got 422."""
    row = {"record_id": "R1", "last_name": "GARCIA", "first_name": "", "status_class": "LPR"}
    write_rows(tmp_path / "x", "status", [row | {"fbi_number": "12345678901"}])
    report = ingest_extract(tmp_path / "x", tmp_path / "d", today=TODAY)
    assert (report.sources["status"].accepted, report.sources["status"].set_aside) == (1, 1)
    assert RecordStore(tmp_path / "d").read_source("status").to_pylist()[0]["fbi_number"] is None
    assert _refused("fbi_number", "12345678901", {"last_name": "GARCIA"})
