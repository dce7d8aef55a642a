"""Loading the same extract twice adds nothing; a changed record replaces the old version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
from records_helpers import TODAY, good, write_rows

from vetline.records import RecordStore, ingest_extract
from vetline.records.layout import history_dir, source_file


def _two_sources(folder: Path, fmt: str = "csv") -> None:
    write_rows(
        folder,
        "status",
        [good("status", record_id=f"S{i}") for i in range(5)]
        + [good("status", record_id="BAD", status_class="x")],
        fmt,
    )
    write_rows(folder, "criminal", [good("criminal", record_id=f"C{i}") for i in range(3)], fmt)


def test_same_extract_twice_adds_nothing(extract_dir: Path, data_dir: Path) -> None:
    _two_sources(extract_dir)
    first = ingest_extract(extract_dir, data_dir, today=TODAY)
    before = source_file(data_dir, "status").read_bytes()
    second = ingest_extract(extract_dir, data_dir, today=TODAY)

    assert {s: (c.accepted, c.rejected, c.duplicate) for s, c in first.sources.items()} == {
        "status": (5, 1, 0),
        "criminal": (3, 0, 0),
    }
    assert {s: (c.accepted, c.rejected, c.duplicate) for s, c in second.sources.items()} == {
        "status": (0, 1, 5),
        "criminal": (0, 0, 3),
    }
    assert second.extract_id == first.extract_id
    assert source_file(data_dir, "status").read_bytes() == before  # not even rewritten
    assert RecordStore(data_dir).counts() == {"status": 5, "criminal": 3}


def test_same_records_in_another_format_are_already_loaded(tmp_path: Path, data_dir: Path) -> None:
    _two_sources(tmp_path / "as_csv", "csv")
    _two_sources(tmp_path / "as_parquet", "parquet")
    ingest_extract(tmp_path / "as_csv", data_dir, today=TODAY)
    again = ingest_extract(tmp_path / "as_parquet", data_dir, today=TODAY)
    assert again.total_accepted == 0
    assert again.total_duplicate == 8
    rows = RecordStore(data_dir).read_source("status").to_pylist()
    first_id = {r["extract_id"] for r in rows}
    assert first_id != {again.extract_id}  # provenance stays with the first delivery


def test_changed_record_replaces_old_version_and_keeps_history(
    tmp_path: Path, data_dir: Path
) -> None:
    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    write_rows(v1, "status", [good("status", record_id="S1"), good("status", record_id="S2")])
    write_rows(
        v2,
        "status",
        [
            good("status", record_id="S1"),  # unchanged
            good("status", record_id="S2", status_class="NATURALIZED"),  # changed
            good("status", record_id="S3"),  # new
        ],
    )
    ingest_extract(v1, data_dir, today=TODAY)
    report = ingest_extract(v2, data_dir, today=TODAY)

    counts = report.sources["status"]
    assert (counts.accepted, counts.updated, counts.duplicate, counts.rejected) == (2, 1, 1, 0)
    current = {r["record_id"]: r for r in RecordStore(data_dir).read_source("status").to_pylist()}
    assert sorted(current) == ["S1", "S2", "S3"]
    assert current["S2"]["status_class"] == "NATURALIZED"
    assert current["S2"]["extract_id"] == report.extract_id
    history = pq.read_table(history_dir(data_dir, "status") / f"{report.extract_id}.parquet")
    assert history.column("record_id").to_pylist() == ["S2"]
    assert history.column("status_class").to_pylist() == ["LPR"]


def test_cosmetic_difference_is_not_an_update(tmp_path: Path, data_dir: Path) -> None:
    """Canonical forms decide sameness of identifiers; the original name spelling counts."""
    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    write_rows(v1, "status", [good("status", a_number="A012345678", sex="m", status_class="lpr")])
    write_rows(v2, "status", [good("status", a_number="12345678", sex="M", status_class="LPR")])
    ingest_extract(v1, data_dir, today=TODAY)
    assert ingest_extract(v2, data_dir, today=TODAY).sources["status"].duplicate == 1


def test_failed_file_leaves_store_untouched(tmp_path: Path, data_dir: Path) -> None:
    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    _two_sources(v1)
    ingest_extract(v1, data_dir, today=TODAY)
    before = source_file(data_dir, "status").read_bytes()
    v2.mkdir()
    (v2 / "status.parquet").write_bytes(b"truncated")
    shutil.copy(v1 / "criminal.csv", v2 / "criminal.csv")
    report = ingest_extract(v2, data_dir, today=TODAY)
    assert report.sources["status"].rejected == 0  # unreadable: rows unknown
    assert source_file(data_dir, "status").read_bytes() == before
    assert not list(source_file(data_dir, "status").parent.glob(".*.tmp-*"))


def test_leftovers_of_a_crashed_ingest_are_ignored_then_removed(
    extract_dir: Path, data_dir: Path
) -> None:
    _two_sources(extract_dir)
    ingest_extract(extract_dir, data_dir, today=TODAY)
    torn = source_file(data_dir, "status").with_name(".status.parquet.tmp-999")
    torn.write_bytes(b"half a parquet file")
    assert RecordStore(data_dir).counts() == {"status": 5, "criminal": 3}
    ingest_extract(extract_dir, data_dir, today=TODAY)
    assert not torn.exists()
