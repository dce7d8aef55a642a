"""The prepared list read chunk by chunk: the footer parsed once, never stale."""

from __future__ import annotations

import os
from pathlib import Path

from vetline.batch.chunks import prepare, read_chunk
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
