"""The ingest journal: the record keys each ingest added or changed, in order.

Why: ``vetline update`` applies what ingests added or changed since the persons were
last resolved. Without a journal it compared every content hash of the store with every
hash the build resolved — a scan of the whole store per update (2.6 CPU s at 1M records,
≈ 25 s at 10M: bench/README.md, issue 18 goal 4). With it, the update reads the entries
written after the position it last consumed (kept in the persons' manifest) and
compares only those keys.

Each merge that adds or updates records of a source writes one entry,
``<data>/journal/<n>-<source>.parquet`` (``source``, ``record_id``, ``content_hash``,
``kind``: ``new`` or ``updated``), numbered in order under the ingest lock, *before* the
store file is replaced: a crash in between leaves an entry for a change that never
landed, which the update drops when it finds the store unchanged (it always checks an
entry against the store and the built persons; an entry is a hint of where to look,
never the version applied). Entries are small (a key and a hash per changed record)
and kept; the build and the update record the last one they reflect.

Edit here: what an entry holds (``write``), how entries are read (``read_after``).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from vetline.records.layout import CONTENT_HASH, publish

JOURNAL_DIR = "journal"
SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("record_id", pa.string()),
        (CONTENT_HASH, pa.string()),
        ("kind", pa.string()),
    ]
)


def journal_dir(data_dir: Path) -> Path:
    return data_dir / JOURNAL_DIR


def _entries(data_dir: Path) -> list[tuple[int, Path]]:
    folder = journal_dir(data_dir)
    if not folder.is_dir():
        return []
    out = []
    for path in folder.iterdir():
        head = path.name.split("-", 1)[0]
        if path.suffix == ".parquet" and head.isdigit():
            out.append((int(head), path))
    return sorted(out)


def position(data_dir: Path) -> int:
    """The number of the last entry written (0: none yet)."""
    entries = _entries(data_dir)
    return entries[-1][0] if entries else 0


def write(con: duckdb.DuckDBPyConnection, data_dir: Path, source: str, select_sql: str) -> Path:
    """One entry from ``select_sql`` (``record_id``, ``content_hash``, ``kind``); call
    under the ingest lock (the number is the last one plus one)."""
    folder = journal_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{position(data_dir) + 1:08d}-{source}.parquet"
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    literal = "'" + source.replace("'", "''") + "'"
    try:
        con.execute(
            f"COPY (SELECT {literal} AS source, record_id, {CONTENT_HASH}, kind "
            f"FROM ({select_sql})) TO '{str(tmp).replace(chr(39), chr(39) * 2)}' "
            "(FORMAT parquet)"
        )
        # On disk before the store file it names is replaced: after a power cut a landed
        # change must still have its entry (an entry without a change is harmless).
        publish(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_after(data_dir: Path, after: int) -> tuple[pa.Table, int]:
    """Entries numbered above ``after``, oldest first, and the last number read
    (``after`` when there is none)."""
    entries = [(n, p) for n, p in _entries(data_dir) if n > after]
    if not entries:
        return SCHEMA.empty_table(), after
    tables = [pq.read_table(p).select(SCHEMA.names).cast(SCHEMA) for _, p in entries]
    return pa.concat_tables(tables), entries[-1][0]
