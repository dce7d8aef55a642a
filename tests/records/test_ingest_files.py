"""File-level behaviour: formats, line numbers, whole-file rejects, ignored files and columns."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from records_helpers import TODAY, good, write_rows

from vetline.errors import BadInput
from vetline.records import RecordStore, ingest_extract


def _rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(("fmt", "bad_line"), [("csv", 3), ("jsonl", 2), ("parquet", 2)])
def test_every_format_loads_and_numbers_lines(
    extract_dir: Path, data_dir: Path, fmt: str, bad_line: int
) -> None:
    """CSV counts the header as line 1; JSON Lines and Parquet count rows from 1."""
    write_rows(
        extract_dir,
        "status",
        [good("status", record_id="A"), good("status", record_id="B", status_class="x")],
        fmt,
    )
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert report.sources["status"].accepted == 1
    assert [int(r["line"]) for r in _rejects(report.rejects_path)] == [bad_line]


def test_missing_required_column_rejects_the_file_and_others_still_load(
    extract_dir: Path, data_dir: Path
) -> None:
    rows = [{"record_id": "X1", "last_name": "DOE", "first_name": "JANE"}] * 3  # no status_class
    write_rows(extract_dir, "status", [dict(r, record_id=f"X{i}") for i, r in enumerate(rows)])
    write_rows(extract_dir, "criminal", [good("criminal")])
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert report.sources["status"].rejected == 3
    assert report.sources["status"].accepted == 0
    assert report.sources["criminal"].accepted == 1
    (line,) = _rejects(report.rejects_path)
    assert (line["source"], line["line"], line["field"]) == ("status", "1", "status_class")
    assert "file rejected: missing required column: status_class" in line["reason"]
    assert RecordStore(data_dir).sources() == ["criminal"]


def test_csv_row_with_wrong_field_count_is_one_reject(extract_dir: Path, data_dir: Path) -> None:
    text = (
        "record_id,last_name,first_name,status_class\n"
        "A,DOE,JANE,LPR\n"
        "B,DOE,LPR\n"
        'C,ROE,"RICHARD",TPS\n'
    )
    (extract_dir / "status.csv").write_text(text, encoding="utf-8")
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert (report.sources["status"].accepted, report.sources["status"].rejected) == (2, 1)
    (line,) = _rejects(report.rejects_path)
    assert (line["line"], line["field"]) == ("3", "row")
    store = RecordStore(data_dir).read_source("status").to_pylist()
    assert {r["record_id"]: r["line"] for r in store} == {"A": 2, "C": 4}


def test_bad_json_line_is_one_reject(extract_dir: Path, data_dir: Path) -> None:
    (extract_dir / "status.jsonl").write_bytes(
        b'{"record_id": "A", "last_name": "DOE", "first_name": "J", "status_class": "LPR"}\n'
        b"{not json\n"
        b'["a list"]\n'
        b'{"record_id": "X", "last_name": "GARC\xeda", "first_name": "J"}\n'
        b"\n"
        b'{"record_id": "B", "last_name": "DOE", "first_name": "J", "status_class": "TPS", '
        b'"zip": 2134}\n'
    )
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    rejects = _rejects(report.rejects_path)
    assert [(r["line"], r["field"]) for r in rejects] == [
        ("2", "row"),
        ("3", "row"),
        ("4", "row"),
        ("6", "zip"),
    ]
    assert rejects[2]["reason"] == "row: not valid UTF-8 text"
    assert rejects[3]["action"] == "field set aside"  # record B is kept without its zip
    assert report.sources["status"].accepted == 2


def test_unreadable_files_are_rejected_whole(extract_dir: Path, data_dir: Path) -> None:
    (extract_dir / "court.parquet").write_bytes(b"not parquet at all")
    (extract_dir / "custody.csv").write_bytes(b"record_id,last_name,first_\xffname\nA,B,C\n")
    write_rows(extract_dir, "status", [good("status")])
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    reasons = {r["source"]: r["reason"] for r in _rejects(report.rejects_path)}
    assert "not a readable Parquet file" in reasons["court"]
    assert report.reject_lines == 2
    assert "header row is not valid UTF-8" in reasons["custody"]
    assert report.sources["status"].accepted == 1


def test_bad_encoding_and_blank_lines_cost_one_row_each(extract_dir: Path, data_dir: Path) -> None:
    """A Latin-1 line is one reject, not a lost file; blank lines are skipped, not counted."""
    (extract_dir / "status.csv").write_bytes(
        b"record_id,last_name,first_name,status_class\n"
        b"A,DOE,JANE,LPR\n"
        b"\n"
        b"B,GARC\xeda,JUAN,LPR\n"
        b"C,ROE,R\n"
        b"D,ROE,RICHARD,TPS\n"
    )
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert (report.sources["status"].accepted, report.sources["status"].rejected) == (2, 2)
    rejects = _rejects(report.rejects_path)
    assert [(r["line"], r["reason"]) for r in rejects] == [
        ("4", "row: not valid UTF-8 text"),
        ("5", "row: row has a different number of fields than the header (4)"),
    ]
    store = RecordStore(data_dir).read_source("status").to_pylist()
    assert {r["record_id"]: r["line"] for r in store} == {"A": 2, "D": 6}


def test_two_files_for_one_source_are_both_rejected(extract_dir: Path, data_dir: Path) -> None:
    write_rows(extract_dir, "status", [good("status")], "csv")
    write_rows(extract_dir, "status", [good("status")], "jsonl")
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    (line,) = _rejects(report.rejects_path)
    assert "several files for one source" in line["reason"]
    assert report.sources["status"].accepted == 0


def test_ground_truth_and_unknown_files_are_never_read(extract_dir: Path, data_dir: Path) -> None:
    write_rows(extract_dir, "status", [good("status")])
    (extract_dir / "truth.csv").write_bytes(b"\xff garbage that would fail any reader")
    (extract_dir / "person_facts.csv").write_text("person_id\n1\n", encoding="utf-8")
    (extract_dir / "world.json").write_text("{}", encoding="utf-8")
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert set(report.ignored_files) == {"truth.csv", "person_facts.csv", "world.json"}
    assert report.total_rejected == 0
    assert list(report.sources) == ["status"]


def test_extra_columns_are_dropped_and_reported(extract_dir: Path, data_dir: Path) -> None:
    """Least data: a column outside the contract (here ``race``) never reaches the store."""
    write_rows(extract_dir, "status", [good("status", race="W", Notes="x")])
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert report.sources["status"].ignored_columns == ("race", "notes")
    columns = RecordStore(data_dir).read_source("status").column_names
    assert "race" not in columns
    assert "notes" not in columns


def test_header_names_are_case_and_space_insensitive(extract_dir: Path, data_dir: Path) -> None:
    (extract_dir / "status.csv").write_text(
        "\ufeffRecord_ID , Last_Name,FIRST_NAME,Status_Class\nA,DOE,JANE,lpr\n", encoding="utf-8"
    )
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert report.sources["status"].accepted == 1


def test_missing_or_empty_extract_folder_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="extract: not a folder"):
        ingest_extract(tmp_path / "nope", tmp_path / "data")
    (tmp_path / "empty").mkdir()
    with pytest.raises(BadInput, match="extract: no source files"):
        ingest_extract(tmp_path / "empty", tmp_path / "data")


def test_rejects_file_has_latest_copy_and_exists_when_clean(
    extract_dir: Path, data_dir: Path
) -> None:
    write_rows(extract_dir, "status", [good("status")])
    report = ingest_extract(extract_dir, data_dir, today=TODAY)
    assert report.rejects_path.is_file()
    assert _rejects(report.rejects_path) == []
    assert (
        report.rejects_path.parent / "latest.csv"
    ).read_bytes() == report.rejects_path.read_bytes()
