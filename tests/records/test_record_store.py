"""The read API other packages use: plain rows, stable columns, DuckDB-readable files."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from records_helpers import TODAY, good, write_rows

from vetline.errors import BadInput
from vetline.records import RecordStore, ingest_extract
from vetline.records.contract import IDENTITY_COLUMNS, STORE_EXTRA_COLUMNS, columns_of


@pytest.fixture
def store(extract_dir: Path, data_dir: Path) -> RecordStore:
    write_rows(
        extract_dir,
        "status",
        [
            good(
                "status",
                record_id="S1",
                last_name="  García  López ",
                first_name="José",
                aliases="lópez, josé|GARCIA,JOSE  L",
                dob="1985-03",
                a_number="a-1234-5678",
                ssn="123-45-6789",
                sid="ca 1234567",
                zip="902101234",
                passport_number="x 123-456",
                parent_a_numbers="A1234567| 987654321",
                birth_country="mx",
                status_class="lpr",
            ),
            good("status", record_id="S2", dob="1990"),
        ],
    )
    write_rows(extract_dir, "warrants", [good("warrants", record_id="W1", warrant_state="active")])
    ingest_extract(extract_dir, data_dir, today=TODAY)
    return RecordStore(data_dir)


def test_sources_and_counts(store: RecordStore) -> None:
    assert store.sources() == ["status", "warrants"]
    assert store.counts() == {"status": 2, "warrants": 1}


def test_rows_are_canonical_and_keep_originals(store: RecordStore) -> None:
    (row,) = store.fetch([("status", "S1")])
    assert row["last_name"] == "GARCIA LOPEZ"
    assert row["last_name_orig"] == "  García  López "
    assert row["first_name"] == "JOSE"
    assert row["aliases"] == "LOPEZ, JOSE|GARCIA, JOSE L"
    assert row["aliases_orig"] == "lópez, josé|GARCIA,JOSE  L"
    assert (row["dob"], row["dob_year"], row["dob_month"], row["dob_day"]) == (
        "1985-03",
        1985,
        3,
        None,
    )
    assert row["a_number"] == "012345678"
    assert row["ssn"] == "123456789"
    assert row["sid"] == "CA1234567"
    assert row["zip"] == "90210-1234"
    assert row["passport_number"] == "X123456"
    assert row["parent_a_numbers"] == "001234567|987654321"
    assert row["birth_country"] == "MX"
    assert row["status_class"] == "LPR"
    assert row["source"] == "status"
    assert row["line"] == 2
    assert all(v is None or isinstance(v, str | int) for v in row.values())


def test_code_columns_are_upper_case_and_prose_is_kept(extract_dir: Path, data_dir: Path) -> None:
    write_rows(
        extract_dir,
        "criminal",
        [
            good(
                "criminal",
                charge_code="1313",
                charge_text="Assault, simple",
                arresting_ori="ca0190000",
            )
        ],
    )
    write_rows(extract_dir, "entry_exit", [good("entry_exit", admission_class="b2", port="lax")])
    ingest_extract(extract_dir, data_dir, today=TODAY)
    store = RecordStore(data_dir)
    (crime,) = store.fetch([("criminal", "R1")])
    assert (crime["arresting_ori"], crime["charge_text"]) == ("CA0190000", "Assault, simple")
    (entry,) = store.fetch([("entry_exit", "R1")])
    assert (entry["admission_class"], entry["port"], entry["event"]) == ("B2", "LAX", "ARRIVAL")


def test_fetch_keeps_order_and_skips_unknown(store: RecordStore) -> None:
    rows = store.fetch([("warrants", "W1"), ("status", "S2"), ("status", "nope"), ("x", "y")])
    assert [(r["source"], r["record_id"]) for r in rows] == [("warrants", "W1"), ("status", "S2")]
    assert rows[0]["warrant_state"] == "ACTIVE"


def test_read_source_has_every_contract_column(store: RecordStore) -> None:
    table = store.read_source("warrants")
    assert set(columns_of("warrants")) <= set(table.column_names)
    assert set(STORE_EXTRA_COLUMNS) <= set(table.column_names)


def test_read_identities_unions_all_sources(store: RecordStore) -> None:
    table = store.read_identities()
    assert table.num_rows == 3
    assert table.column_names == ["source", *IDENTITY_COLUMNS, *STORE_EXTRA_COLUMNS[1:]]
    assert sorted(table.column("source").to_pylist()) == ["status", "status", "warrants"]


def test_rows_sql_reads_in_duckdb(store: RecordStore) -> None:
    rel = duckdb.sql(f"SELECT count(*) FROM ({store.rows_sql('status')})")
    assert rel is not None
    n = rel.fetchall()[0][0]
    assert n == 2


def test_unknown_or_empty_source_is_bad_input(store: RecordStore) -> None:
    with pytest.raises(BadInput, match="source: unknown source"):
        store.read_source("facebook")
    with pytest.raises(BadInput, match="no records of 'court'"):
        store.rows_sql("court")


def test_empty_store_reads_empty(tmp_path: Path) -> None:
    store = RecordStore(tmp_path / "nothing")
    assert store.sources() == []
    assert store.counts() == {}
    assert store.read_identities().num_rows == 0
    assert store.fetch([("status", "S1")]) == []


def test_synthetic_world_loads_without_rejects(small_extract: Path, small_store: Path) -> None:
    """The generator and the loader agree on the contract: no record of a world is rejected.

    The one thing the loader may set aside is an SSN that the generator's keying noise
    turned into a number the SSA never issues (a digit typo into area 9xx, 000 or 666):
    real extracts carry those too, and setting the field aside is the loader's job.
    """
    latest = small_store / "rejects" / "latest.csv"
    header, *lines = latest.read_text(encoding="utf-8").splitlines()
    assert header == '"source","line","record_id","field","reason","action"'
    rows = list(csv.reader(lines))
    assert all(r[3] == "ssn" and "never issued" in r[4] and r[5] == "field set aside" for r in rows)
    assert len(rows) <= 5
    store = RecordStore(small_store)
    counts = store.counts()
    assert set(counts) <= {p.stem for p in small_extract.iterdir()}
    assert store.read_identities().num_rows == sum(counts.values())
