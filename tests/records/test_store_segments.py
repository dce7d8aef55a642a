"""The store as a base file plus appended segments (``records/current.py``, ``merge.py``).

A later ingest writes only its new and changed rows, as a segment, and never rewrites the
base; every reader sees each record once, in its newest version; a crash between the
journal entry and the segment leaves the store as it was; a fold gives the same rows as
never splitting.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from records_helpers import TODAY, good, write_rows

from vetline.batch.presets import interpol_list
from vetline.person.records import MemoryRecords
from vetline.records import RecordStore, ingest_extract, merge
from vetline.records.journal import position, read_after
from vetline.records.layout import segment_dir, segment_files, source_file
from vetline.resolve.match_table import _read_identities


def _load(folder: Path, data_dir: Path, rows: list[dict[str, str | None]]) -> None:
    write_rows(folder, "status", rows)
    ingest_extract(folder, data_dir, today=TODAY)


def _three_loads(tmp_path: Path, data_dir: Path) -> None:
    """A base of S1..S3, then S2 changed and S4 new, then S2 changed again."""
    _load(tmp_path / "v1", data_dir, [good("status", record_id=f"S{i}") for i in (1, 2, 3)])
    _load(
        tmp_path / "v2",
        data_dir,
        [
            good("status", record_id="S2", status_class="NATURALIZED"),
            good("status", record_id="S4"),
        ],
    )
    _load(tmp_path / "v3", data_dir, [good("status", record_id="S2", status_class="ASYLEE")])


def _classes(table: pa.Table) -> dict[str, str]:
    rows = table.to_pylist()
    assert len({r["record_id"] for r in rows}) == len(rows), "a record read twice"
    return {str(r["record_id"]): str(r["status_class"]) for r in rows}


WANT = {"S1": "LPR", "S2": "ASYLEE", "S3": "LPR", "S4": "LPR"}


def test_a_later_ingest_appends_a_segment_and_never_rewrites_the_base(
    tmp_path: Path, data_dir: Path
) -> None:
    _load(tmp_path / "v1", data_dir, [good("status", record_id=f"S{i}") for i in (1, 2, 3)])
    base = source_file(data_dir, "status")
    before, inode = base.read_bytes(), base.stat().st_ino
    _three_loads(tmp_path / "again", data_dir)  # v1 again (duplicates), then two changes
    assert base.read_bytes() == before and base.stat().st_ino == inode
    segments = segment_files(data_dir, "status")
    assert [p.name for p in segments] == ["00000001.parquet", "00000002.parquet"]
    first = duckdb.sql(f"SELECT record_id FROM read_parquet('{segments[0]}') ORDER BY 1")
    assert first.fetchall() == [("S2",), ("S4",)]  # only the new and changed rows


def test_every_reader_sees_each_record_once_in_its_newest_version(
    tmp_path: Path, data_dir: Path
) -> None:
    _three_loads(tmp_path, data_dir)
    store = RecordStore(data_dir)
    table = store.read_source("status")
    assert _classes(table) == WANT
    assert table.column("record_id").to_pylist() == ["S1", "S2", "S3", "S4"]  # sorted
    assert store.counts() == {"status": 4}
    assert _classes(store.read_columns("status", ["record_id", "status_class"])) == WANT
    identities = store.read_identities(with_hash=True)
    assert sorted(identities.column("record_id").to_pylist()) == ["S1", "S2", "S3", "S4"]
    hashes = dict(
        zip(
            store.content_hashes().column("record_id").to_pylist(),
            store.content_hashes().column("content_hash").to_pylist(),
            strict=True,
        )
    )
    assert hashes == dict(
        zip(
            table.column("record_id").to_pylist(),
            table.column("content_hash").to_pylist(),
            strict=True,
        )
    )
    # keyed reads: a key held by segments (S2), one only the base holds (S1), one unknown
    keyed = store.read_identities([("status", "S2"), ("status", "S1"), ("status", "NO")])
    assert keyed.column("record_id").to_pylist() == ["S1", "S2"]
    fetched = store.fetch([("status", "S2"), ("status", "S1"), ("status", "S2")])
    assert [r["status_class"] for r in fetched] == ["ASYLEE", "LPR", "ASYLEE"]
    assert _classes(pa.Table.from_pylist(fetched[:2])) == {"S2": "ASYLEE", "S1": "LPR"}
    store.close()

    memory = MemoryRecords.load(data_dir)
    assert [r["status_class"] for r in memory.fetch([("status", s) for s in WANT])] == list(
        WANT.values()
    )
    assert _classes(memory.tables["status"]) == WANT
    assert memory.fetch([("status", "S2")]) == [
        {k: v for k, v in row.items()} for row in table.to_pylist() if row["record_id"] == "S2"
    ]
    built = _read_identities(data_dir)  # the build's read
    assert sorted(built.column("record_id").to_pylist()) == ["S1", "S2", "S3", "S4"]


def test_a_reload_maps_the_base_as_it_was_and_writes_only_the_segments_rows(
    tmp_path: Path, data_dir: Path
) -> None:
    """The desk's mapped rows come in two layers: the base's file, kept across ingests,
    and the segments' (each key's newest version) over it: a reload sees an ingest."""
    _load(tmp_path / "v1", data_dir, [good("status", record_id=f"S{i}") for i in (1, 2, 3)])
    first = MemoryRecords.load(data_dir)
    assert first.fetch([("status", "S1")])[0]["status_class"] == "LPR"
    served = source_file(data_dir, "status").parent / ".served"
    (base_layer,) = served.glob("status.*.arrow")
    inode = base_layer.stat().st_ino
    _three_loads(tmp_path / "more", data_dir)  # v1 again, then S2 changed twice, S4 new
    again = MemoryRecords.load(data_dir)
    assert [p.stat().st_ino for p in served.glob("status.*.arrow")] == [inode]  # not rewritten
    assert len(list((segment_dir(data_dir, "status") / ".served").glob("*.arrow"))) == 1
    rows = again.fetch([("status", s) for s in (*WANT, "NO", "S2")])
    assert [r["status_class"] for r in rows] == [*WANT.values(), "ASYLEE"]
    reference = RecordStore(data_dir).read_source("status").to_pylist()
    assert rows[:4] == reference  # value for value, type for type
    assert len(again.rows["status"]) == 4
    assert sorted(again.rows["status"]) == sorted(WANT)
    assert again.rows["status"]["S2"] == again.rows["status"].get("S2")
    # the first reader's mapped rows are still whole (an old file is unlinked, not torn)
    assert first.fetch([("status", "S2")])[0]["status_class"] == "LPR"


def test_the_batch_presets_read_the_newest_version(tmp_path: Path, data_dir: Path) -> None:
    _load_interpol = [good("interpol", record_id="I1"), good("interpol", record_id="I2")]
    write_rows(tmp_path / "v1", "interpol", _load_interpol)
    ingest_extract(tmp_path / "v1", data_dir, today=TODAY)
    write_rows(tmp_path / "v2", "interpol", [good("interpol", record_id="I2", last_name="NEWNAME")])
    ingest_extract(tmp_path / "v2", data_dir, today=TODAY)
    out = interpol_list(data_dir, tmp_path / "list.parquet")
    rows = duckdb.sql(f"SELECT list_ref, last_name FROM read_parquet('{out}')").fetchall()
    assert len(rows) == 2
    assert ("NEWNAME" in {r[1] for r in rows}) and len({r[0] for r in rows}) == 2


def test_a_crash_between_journal_and_segment_leaves_a_consistent_store(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(tmp_path / "v1", data_dir, [good("status", record_id=f"S{i}") for i in (1, 2, 3)])
    before = RecordStore(data_dir).read_source("status")
    real = merge.copy_atomic

    def crash(con: duckdb.DuckDBPyConnection, sql: str, target: Path) -> None:
        if target.parent == segment_dir(data_dir, "status"):
            target.parent.mkdir(parents=True, exist_ok=True)
            (target.parent / f".{target.name}.tmp-999").write_bytes(b"half a parquet file")
            raise OSError("power cut")
        real(con, sql, target)

    monkeypatch.setattr(merge, "copy_atomic", crash)
    v2 = tmp_path / "v2"
    write_rows(v2, "status", [good("status", record_id="S2", status_class="ASYLEE")])
    with pytest.raises(OSError, match="power cut"):
        ingest_extract(v2, data_dir, today=TODAY)
    # the journal names the change (a hint the update checks), the store never saw it
    entries, _ = read_after(data_dir, 1)
    assert entries.column("record_id").to_pylist() == ["S2"]
    store = RecordStore(data_dir)
    assert store.read_source("status").equals(before)
    assert store.read_identities([("status", "S2")]).column("record_id").to_pylist() == ["S2"]
    assert MemoryRecords.load(data_dir).fetch([("status", "S2")])[0]["status_class"] == "LPR"
    # re-running the ingest completes it and tidies the torn file
    monkeypatch.setattr(merge, "copy_atomic", real)
    ingest_extract(v2, data_dir, today=TODAY)
    assert _classes(RecordStore(data_dir).read_source("status"))["S2"] == "ASYLEE"
    assert [p.name for p in segment_dir(data_dir, "status").iterdir()] == ["00000001.parquet"]
    assert position(data_dir) == 3


def test_a_fold_gives_the_same_rows_as_never_splitting(tmp_path: Path, data_dir: Path) -> None:
    _three_loads(tmp_path / "split", data_dir)
    split = RecordStore(data_dir).read_source("status")
    whole = tmp_path / "whole"  # the same final rows loaded at once: never split
    _load(
        tmp_path / "w",
        whole,
        [good("status", record_id=f"S{i}", status_class=c) for i, c in enumerate(WANT.values(), 1)],
    )
    con = duckdb.connect()
    assert merge.fold(con, data_dir, "status") == 2
    assert segment_files(data_dir, "status") == []
    folded = RecordStore(data_dir).read_source("status")
    assert folded.equals(split)
    never = RecordStore(whole).read_source("status")
    drop = ["extract_id", "line", "content_hash"]  # provenance differs by construction
    assert _classes(folded) == _classes(never) == WANT
    assert (
        folded.drop_columns(drop)
        .cast(never.drop_columns(drop).schema)
        .equals(never.drop_columns(drop))
    )
    assert merge.fold(con, data_dir, "status") == 0


def test_a_fold_interrupted_after_the_base_changes_nothing_read(
    tmp_path: Path, data_dir: Path
) -> None:
    """The new base holds each key's newest version; segments still present (the newest
    ones: they are removed oldest first) repeat it."""
    _three_loads(tmp_path, data_dir)
    want = RecordStore(data_dir).read_source("status")
    segments = segment_files(data_dir, "status")
    con = duckdb.connect()
    merge.copy_atomic(
        con,
        f"SELECT * FROM ({RecordStore(data_dir).rows_sql('status')}) ORDER BY record_id",
        source_file(data_dir, "status"),
    )
    assert RecordStore(data_dir).read_source("status").equals(want)
    segments[0].unlink()  # the oldest removed, then the power cut
    assert RecordStore(data_dir).read_source("status").equals(want)


def test_a_merge_folds_when_segments_pass_the_bound(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(merge, "MAX_SEGMENTS", 2)
    _three_loads(tmp_path, data_dir)
    assert len(segment_files(data_dir, "status")) == 2
    _load(tmp_path / "v4", data_dir, [good("status", record_id="S5")])
    assert segment_files(data_dir, "status") == []  # folded: one base again
    assert _classes(RecordStore(data_dir).read_source("status")) == {**WANT, "S5": "LPR"}


def test_a_read_that_listed_segments_a_fold_removed_reads_again(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Readers take no lock: a fold may remove segments a read has just listed. The read
    fails on the missing file, lists again and reads the new base (never a wrong row)."""
    from vetline.records import current

    _three_loads(tmp_path, data_dir)
    listed = segment_files(data_dir, "status")
    merge.fold(duckdb.connect(), data_dir, "status")
    stale = [listed]  # what a read listed just before the fold

    def listing(data: Path, source: str) -> list[Path]:
        return stale.pop() if stale else segment_files(data, source)

    monkeypatch.setattr(current, "segment_files", listing)
    store = RecordStore(data_dir)
    with pytest.raises(duckdb.IOException):  # what a read without the retry meets
        duckdb.sql(store.rows_sql("status")).fetchall()
    stale.append(listed)
    assert [r["status_class"] for r in store.fetch([("status", "S2")])] == ["ASYLEE"]
    assert stale == []  # the stale listing was used, then the read listed again
    for read in (store.counts, lambda: store.read_identities(), lambda: store.content_hashes()):
        stale.append(listed)
        assert read()
        assert stale == []
    assert _classes(store.read_source("status")) == WANT
