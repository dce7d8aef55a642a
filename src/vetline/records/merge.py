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
scanning the store. A source file is rewritten only when something is new or updated.
Every write goes to a temporary file in the same folder, is flushed to disk, then renamed
over the old file, so a crash leaves either the old store or the new one, never a torn file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from vetline.records import journal
from vetline.records.layout import CONTENT_HASH, fsync, history_dir, source_file


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
        fsync(tmp)
        os.replace(tmp, target)
        fsync(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def remove_stale_temp(data_dir: Path) -> list[Path]:
    """Delete temporary files a crashed ingest left behind (call only under the ingest lock).

    They are never read (readers open the final names only), so this is tidiness, not repair.
    """
    removed = []
    for pattern in ("store/.*.tmp-*", "history/*/.*.tmp-*", "rejects/.*.tmp-*", "journal/.*.tmp-*"):
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
    old = f"read_parquet({_q(target)})"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE outcome AS "
        f"SELECT i.record_id, CASE WHEN s.record_id IS NULL THEN 'new' "
        f"WHEN s.{CONTENT_HASH} = i.{CONTENT_HASH} THEN 'duplicate' ELSE 'updated' END AS kind "
        f"FROM {incoming} i LEFT JOIN (SELECT record_id, {CONTENT_HASH} FROM {old}) s "
        "USING (record_id)"
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
        journal.write(  # before the store file: an entry may name a change, never miss one
            con,
            data_dir,
            source,
            f"SELECT o.record_id, i.{CONTENT_HASH}, o.kind FROM outcome o "
            f"JOIN {incoming} i USING (record_id) WHERE o.kind <> 'duplicate'",
        )
        changed = "(SELECT record_id FROM outcome WHERE kind <> 'duplicate')"
        copy_atomic(
            con,
            f"SELECT * FROM {old} ANTI JOIN {changed} c USING (record_id) "
            f"UNION ALL BY NAME SELECT * FROM {incoming} SEMI JOIN {changed} c USING (record_id) "
            "ORDER BY record_id",
            target,
        )
    con.execute("DROP TABLE outcome")
    return counts
