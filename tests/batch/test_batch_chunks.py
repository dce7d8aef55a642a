"""Reading a job's files in parts: the prepared list chunk by chunk (its footer parsed
once, never stale), the results a page at a time (only the row groups a page overlaps)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vetline.batch.chunks import prepare, read_chunk
from vetline.batch.finish import result_page
from vetline.batch.listfile import ListRow


def _rows(count: int, surname: str) -> list[tuple[ListRow, list[object]]]:
    return [
        (ListRow(n, n + 2, f"R{n}", {"last_name": f"{surname}{n}", "first_name": "ANA"}), [])
        for n in range(count)
    ]


def test_every_chunk_reads_back_its_rows(tmp_path: Path) -> None:
    prepare(iter(_rows(23, "SMITH")), tmp_path, chunk_rows=5)  # type: ignore[arg-type]
    read = [row for chunk in range(5) for row in read_chunk(tmp_path, chunk)]
    assert [r.row_number for r in read] == list(range(23))
    assert [r.subject["last_name"] for r in read] == [f"SMITH{n}" for n in range(23)]
    assert [r.line for r in read] == [n + 2 for n in range(23)]


def test_two_runners_preparing_one_job_each_publish_a_whole_file(tmp_path: Path) -> None:
    """A job taken over while its first runner still lives is prepared twice into one
    folder: the second runner's whole preparation, run while the first is half-way through
    its own, must neither truncate nor rename away the first's temporary file (one fixed
    temporary name did both), and the file left is whole."""

    def first() -> Iterator[tuple[ListRow, list[object]]]:
        for n, item in enumerate(_rows(23, "SMITH")):
            if n == 12:  # the other runner, start to end, meanwhile
                prepare(iter(_rows(23, "SMITH")), tmp_path, chunk_rows=5)  # type: ignore[arg-type]
            yield item

    assert prepare(first(), tmp_path, chunk_rows=5) == (23, 0)  # type: ignore[arg-type]
    read = [row for chunk in range(5) for row in read_chunk(tmp_path, chunk)]
    assert [r.row_number for r in read] == list(range(23))
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_republished_prepared_list_is_read_anew(tmp_path: Path) -> None:
    """The parsed footer is kept per process (a footer per chunk read made jobs quadratic in
    their chunks); a new file under the same name must not be read with the old one."""
    prepare(iter(_rows(12, "OLD")), tmp_path, chunk_rows=4)  # type: ignore[arg-type]
    assert read_chunk(tmp_path, 2)[0].subject["last_name"] == "OLD8"
    prepared = tmp_path / "prepared.parquet"
    before = prepared.stat().st_mtime_ns
    prepare(iter(_rows(9, "NEW")), tmp_path, chunk_rows=3)  # type: ignore[arg-type]
    os.utime(prepared, ns=(before, before))  # even with the old modification time
    assert [r.subject["last_name"] for r in read_chunk(tmp_path, 2)] == ["NEW6", "NEW7", "NEW8"]


@pytest.fixture
def results_file(tmp_path: Path) -> Path:
    """40 result-like rows in row groups of 7 (the last one of 5)."""
    path = tmp_path / "results.parquet"
    table = pa.table({
        "row_number": list(range(40)),
        "match_band": [("STRONG", "REVIEW", None)[n % 3] for n in range(40)],
        "probability": [n / 40 for n in range(40)],
    })  # fmt: skip
    pq.write_table(table, path, row_group_size=7)
    assert pq.read_metadata(path).num_row_groups == 6
    return path


@pytest.mark.parametrize(
    ("offset", "limit"),
    [(0, 1), (0, 40), (0, 100), (6, 1), (6, 2), (7, 7), (13, 15), (35, 5), (39, 10), (40, 5),
     (41, 1), (100, 3)],
)  # fmt: skip
def test_a_result_page_is_the_slice_of_the_whole_file(
    results_file: Path, offset: int, limit: int
) -> None:
    whole = pq.read_table(results_file)
    page, total = result_page(results_file, offset, limit)
    assert total == 40
    assert page.schema == whole.schema
    assert page.to_pylist() == whole.slice(offset, limit).to_pylist()
    some, _ = result_page(results_file, offset, limit, ["match_band", "row_number"])
    assert some.column_names == ["match_band", "row_number"]
    assert (
        some.to_pylist()
        == whole.select(["match_band", "row_number"]).slice(offset, limit).to_pylist()
    )
