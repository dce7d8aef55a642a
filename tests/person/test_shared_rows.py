"""The records a server holds, mapped from one file per source (issue 18 goal 2): every
process that loads the store reads the same file, written once; an ingest gets a new
one; a folder that cannot be written keeps the rows in memory, answering the same."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vetline.person import shared_rows
from vetline.person.records import MemoryRecords
from vetline.records import layout
from vetline.records.contract import SOURCE_NAMES
from vetline.records.layout import source_file, store_dir


def _every_key(data: Path) -> list[tuple[str, str]]:
    return [
        (s, str(rid))
        for s in SOURCE_NAMES
        for rid in pq.read_table(source_file(data, s)).column("record_id").to_pylist()
    ]


def test_two_loads_map_one_file_and_answer_as_memory(small_store: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(small_store, data)
    shutil.rmtree(store_dir(data) / shared_rows.FOLDER, ignore_errors=True)
    first = MemoryRecords.load(data)
    files = sorted((store_dir(data) / shared_rows.FOLDER).glob("*.arrow"))
    assert len(files) == len(SOURCE_NAMES)
    stamps = [f.stat().st_mtime_ns for f in files]
    second = MemoryRecords.load(data)  # a second worker: maps, writes nothing
    assert [f.stat().st_mtime_ns for f in files] == stamps
    assert all(isinstance(second.rows[s], shared_rows.SharedIds) for s in SOURCE_NAMES)

    blocked = tmp_path / "blocked"
    shutil.copytree(small_store, blocked)
    shutil.rmtree(store_dir(blocked) / shared_rows.FOLDER, ignore_errors=True)
    (store_dir(blocked) / shared_rows.FOLDER).write_text("not a folder")
    memory = MemoryRecords.load(blocked)  # cannot write the cache: rows in memory
    assert all(isinstance(memory.rows[s], dict) for s in SOURCE_NAMES)

    keys = _every_key(data)
    assert first.fetch(keys) == memory.fetch(keys) == second.fetch(keys)
    assert first.fetch([("status", "NO-SUCH-ID"), ("nowhere", "1")]) == []
    assert len(first.rows["status"]) == len(memory.rows["status"])


def test_a_new_store_file_gets_a_new_mapped_file(small_store: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(small_store, data)
    MemoryRecords.load(data)
    path = source_file(data, "status")
    table = pq.read_table(path)
    changed = table.set_column(
        table.schema.get_field_index("last_name"),
        "last_name",
        pa.array(["CHANGED"] * table.num_rows, table.schema.field("last_name").type),
    )
    pq.write_table(changed, path.with_suffix(".tmp"))
    path.with_suffix(".tmp").replace(path)  # as an ingest replaces it
    records = MemoryRecords.load(data)
    rid = str(table.column("record_id")[0].as_py())
    assert records.fetch([("status", rid)])[0]["last_name"] == "CHANGED"
    cached = list((store_dir(data) / shared_rows.FOLDER).glob("status.*.arrow"))
    assert len(cached) == 1  # the stale file removed


def test_a_mapped_file_is_on_disk_before_its_name_is(
    small_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Synced, then renamed, then the folder synced: after a power cut the name never
    stands on pages that did not reach the disk (every later start would map them)."""
    data = tmp_path / "data"
    shutil.copytree(small_store, data)
    shutil.rmtree(store_dir(data) / shared_rows.FOLDER, ignore_errors=True)
    steps: list[tuple[str, str]] = []
    real_fsync, real_replace = layout.fsync, os.replace

    def fsync(path: Path) -> None:
        steps.append(("fsync", Path(path).name))
        real_fsync(path)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        steps.append(("replace", Path(dst).name))
        real_replace(src, dst)

    monkeypatch.setattr(layout, "fsync", fsync)  # the store's publish, which shared_rows uses
    monkeypatch.setattr(os, "replace", replace)  # the one os module
    MemoryRecords.load(data)
    published = [name for step, name in steps if step == "replace"]
    assert len(published) == len(SOURCE_NAMES)
    for name in published:
        at = steps.index(("replace", name))
        assert steps[at - 1][0] == "fsync" and steps[at - 1][1].startswith(name)  # its temp
        assert steps[at + 1] == ("fsync", shared_rows.FOLDER)
    assert not list((store_dir(data) / shared_rows.FOLDER).glob("*.tmp"))
