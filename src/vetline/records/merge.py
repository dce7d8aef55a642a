"""Merging accepted rows into the store: idempotent, latest-wins, crash-safe.

The key of a record is ``(source, record_id)``. For each incoming row:

* key not in the store → **new**, written;
* key in the store with the same ``content_hash`` → **duplicate** ("already loaded"), the
  stored row (and its provenance: first extract, line) is kept untouched;
* key in the store with a different ``content_hash`` → **updated**: the incoming version
  replaces the stored one, and the replaced version is kept in
  ``<data>/history/<source>/<extract_id>.parquet`` so a changed record can be explained.

Every merge that adds or updates records first writes an entry of the ingest journal
(``journal.py``: the keys and their new hashes), which ``vetline update`` reads instead of
scanning the store.

Where the rows go: a source's first load writes its *base* file; every later merge that
adds or updates records writes only those rows, as the source's next *segment*
(``layout.py``), and never rewrites the base — rewriting a 10M-record store's touched
sources whole cost ≈ 55 CPU s for a 50k-record delta (bench/README.md). Readers take each
key's newest version (``current.py``). When a source holds more than ``MAX_SEGMENTS``
segments, the merge *folds* them into the base (one rewrite, then the segments are
removed, oldest first), so reads never pay for an unbounded list. A full ``vetline build``
does not fold (it only reads the store).

Every write goes to a temporary file in the same folder, is flushed to disk, then renamed
to its final name, so a crash leaves either the old store or the new one, never a torn
file: a segment is acknowledged only once renamed and its folder flushed. A crash during a
fold is safe too: the new base holds each key's newest version, so any segments still
present repeat what the base says, and removing the oldest first never lets an older
version outrank a newer one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from vetline.records import journal
from vetline.records.current import current_rows_sql
from vetline.records.layout import (
    CONTENT_HASH,
    fsync,
    history_dir,
    publish,
    segment_dir,
    segment_file,
    segment_files,
    source_file,
)

#: Segments a source may hold before a merge folds them into its base. A daily delta
#: gives one segment per touched source a day, so a fold (a rewrite of the base, ≈ 5 CPU s
#: per million rows) happens about every two weeks; readers combine at most this many.
MAX_SEGMENTS = 16


@dataclass(frozen=True)
class MergeCounts:
    """Incoming rows by outcome."""

    new: int
    updated: int
    duplicate: int


def _q(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def copy_atomic(con: duckdb.DuckDBPyConnection, select_sql: str, target: Path) -> None:
    """Write a query's result to ``target`` as Parquet via a temporary file and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        con.execute(
            f"COPY ({select_sql}) TO {_q(tmp)} (FORMAT parquet, COMPRESSION snappy, "
            "ROW_GROUP_SIZE 16384)"
        )
        publish(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def remove_stale_temp(data_dir: Path) -> list[Path]:
    """Delete temporary files a crashed ingest left behind (call only under the ingest lock).

    They are never read (readers open the final names only), so this is tidiness, not repair.
    """
    removed = []
    patterns = (
        "store/.*.tmp-*",
        "store/segments/*/.*.tmp-*",
        "history/*/.*.tmp-*",
        "rejects/.*.tmp-*",
        "journal/.*.tmp-*",
    )
    for pattern in patterns:
        for path in data_dir.glob(pattern):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def merge_source(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    source: str,
    incoming: str,
    extract_id: str,
) -> MergeCounts:
    """Merge the DuckDB table ``incoming`` (store-form rows) into the store of ``source``."""
    target = source_file(data_dir, source)
    n_in = int(con.sql(f"SELECT count(*) FROM {incoming}").fetchall()[0][0])
    if not target.is_file():
        if n_in:
            journal.write(
                con,
                data_dir,
                source,
                f"SELECT record_id, {CONTENT_HASH}, 'new' AS kind FROM {incoming}",
            )
            copy_atomic(con, f"SELECT * FROM {incoming} ORDER BY record_id", target)
        return MergeCounts(n_in, 0, 0)
    # Each key's current version (base or newest segment): what the incoming row is
    # compared with, and what history keeps when it is replaced.
    old = f"({current_rows_sql(data_dir, source)})"
    hashes = f"({current_rows_sql(data_dir, source, ['record_id', CONTENT_HASH])})"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE outcome AS "
        f"SELECT i.record_id, CASE WHEN s.record_id IS NULL THEN 'new' "
        f"WHEN s.{CONTENT_HASH} = i.{CONTENT_HASH} THEN 'duplicate' ELSE 'updated' END AS kind "
        f"FROM {incoming} i LEFT JOIN {hashes} s USING (record_id)"
    )
    rows = con.execute("SELECT kind, count(*) FROM outcome GROUP BY kind").fetchall()
    by_kind = {str(k): int(n) for k, n in rows}
    counts = MergeCounts(
        by_kind.get("new", 0), by_kind.get("updated", 0), by_kind.get("duplicate", 0)
    )
    if counts.updated:
        copy_atomic(
            con,
            f"SELECT s.* FROM {old} s SEMI JOIN "
            "(SELECT record_id FROM outcome WHERE kind = 'updated') u USING (record_id) "
            "ORDER BY record_id",
            history_dir(data_dir, source) / f"{extract_id}.parquet",
        )
    if counts.new or counts.updated:
        journal.write(  # before the segment: an entry may name a change, never miss one
            con,
            data_dir,
            source,
            f"SELECT o.record_id, i.{CONTENT_HASH}, o.kind FROM outcome o "
            f"JOIN {incoming} i USING (record_id) WHERE o.kind <> 'duplicate'",
        )
        segments = segment_files(data_dir, source)
        number = int(segments[-1].stem) + 1 if segments else 1
        changed = "(SELECT record_id FROM outcome WHERE kind <> 'duplicate')"
        copy_atomic(
            con,
            f"SELECT * FROM {incoming} SEMI JOIN {changed} c USING (record_id) ORDER BY record_id",
            segment_file(data_dir, source, number),
        )
        if len(segments) + 1 > MAX_SEGMENTS:
            fold(con, data_dir, source)
    con.execute("DROP TABLE outcome")
    return counts


def fold(con: duckdb.DuckDBPyConnection, data_dir: Path, source: str) -> int:
    """Rewrite ``source``'s base with its current rows and remove its segments (oldest
    first: see the module's docstring); call under the ingest lock. Returns the number
    of segments folded. The rows read afterwards are the same, row for row."""
    segments = segment_files(data_dir, source)
    if not segments:
        return 0
    copy_atomic(
        con,
        f"SELECT * FROM ({current_rows_sql(data_dir, source)}) ORDER BY record_id",
        source_file(data_dir, source),
    )
    for path in segments:
        path.unlink()
        fsync(segment_dir(data_dir, source))
    return len(segments)
