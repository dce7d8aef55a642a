"""The ingest journal (``records/journal.py``): each ingest that adds or changes records
names them, in order, so ``vetline update`` reads those keys instead of the whole store."""

from __future__ import annotations

from pathlib import Path

from records_helpers import TODAY, good, write_rows

from vetline.records import ingest_extract
from vetline.records.journal import position, read_after


def test_each_ingest_names_what_it_added_or_changed(tmp_path: Path, data_dir: Path) -> None:
    v1, v2 = tmp_path / "v1", tmp_path / "v2"
    write_rows(v1, "status", [good("status", record_id="S1"), good("status", record_id="S2")])
    write_rows(
        v2,
        "status",
        [
            good("status", record_id="S1"),  # unchanged: not named
            good("status", record_id="S2", status_class="NATURALIZED"),  # changed
            good("status", record_id="S3"),  # new
        ],
    )
    assert position(data_dir) == 0
    ingest_extract(v1, data_dir, today=TODAY)
    first = position(data_dir)
    entries, at = read_after(data_dir, 0)
    assert at == first == 1
    assert sorted(entries.column("record_id").to_pylist()) == ["S1", "S2"]
    assert set(entries.column("kind").to_pylist()) == {"new"}

    ingest_extract(v2, data_dir, today=TODAY)
    entries, at = read_after(data_dir, first)
    assert at == 2
    ids, kinds = entries.column("record_id").to_pylist(), entries.column("kind").to_pylist()
    named = dict(zip(ids, kinds, strict=True))
    assert named == {"S2": "updated", "S3": "new"}
    assert all(h for h in entries.column("content_hash").to_pylist())

    ingest_extract(v2, data_dir, today=TODAY)  # nothing new: no entry
    assert position(data_dir) == 2
    assert read_after(data_dir, 2)[0].num_rows == 0
