"""One extract file → its accepted rows in store form, and its rejects with reasons.

Pure with respect to the store: it reads one file and leaves the accepted rows in a DuckDB
temporary table (``ACCEPTED``) plus the rejects as an Arrow table; merging into the store
is ``merge.py``'s job. All row work is vectorised: pyarrow trims text and turns blanks into
nulls, DuckDB SQL checks and normalises every row in two queries, and names are
canonicalised in Python once per distinct value (``names.map_distinct``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from vetline.records.canonical import select_list
from vetline.records.checks import any_problem_sql, problems_sql, required_header
from vetline.records.contract import columns_of
from vetline.records.layout import NAME_COLUMNS
from vetline.records.names import (
    canonical_aliases,
    canonical_name,
    malformed_aliases,
    map_distinct,
)
from vetline.records.readers import LINE, FileRejected, read_file

#: The DuckDB temporary view of the accepted, normalised rows of the last file processed
#: (valid until ``release``).
ACCEPTED = "accepted_rows"
_STAGED = "staged"

#: Columns of a rejects table (and of the rejects CSV, after ``source``).
REJECT_SCHEMA = pa.schema(
    [
        ("line", pa.int64()),
        ("record_id", pa.string()),
        ("field", pa.string()),
        ("reason", pa.string()),
    ]
)


@dataclass
class FileResult:
    """What one file produced: accepted rows (in ``ACCEPTED``), rejects, and counts."""

    accepted_rows: int
    rejects: pa.Table
    rejected_rows: int
    ignored_columns: tuple[str, ...] = field(default=())


@dataclass
class NameCaches:
    """Canonical forms already computed in this ingest run, shared by all its files."""

    names: dict[str, str | None] = field(default_factory=dict)
    aliases: dict[str, str | None] = field(default_factory=dict)
    bad_aliases: dict[str, str | None] = field(default_factory=dict)


_NULL = pa.scalar(None, pa.string())


def _trimmed(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Whitespace trimmed; blank becomes null (the contract treats both as absent)."""
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.equal(trimmed, ""), _NULL, trimmed)


def _blank_to_null(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Blank as null but otherwise untouched: the original spelling of a name."""
    return pc.if_else(pc.equal(pc.utf8_trim_whitespace(column), ""), _NULL, column)


def prepare(
    table: pa.Table, source: str, caches: NameCaches | None = None
) -> tuple[pa.Table, tuple[str, ...]]:
    """Trimmed contract columns (missing optional ones as nulls) plus the name helpers.

    Raises ``FileRejected`` when a required column is missing from the header.
    """
    caches = caches or NameCaches()
    present = set(table.column_names)
    missing = [c for c in required_header(source) if c not in present]
    if missing:
        raise FileRejected(
            f"missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
            missing[0],
        )
    contract = columns_of(source)
    ignored = tuple(c for c in table.column_names if c not in contract and c != LINE)
    n = table.num_rows
    empty = pa.chunked_array([pa.nulls(n, pa.string())])
    data: dict[str, pa.Array | pa.ChunkedArray] = {}
    for col in contract:
        data[col] = _trimmed(table.column(col)) if col in present else empty
    for col in NAME_COLUMNS:
        raw = _blank_to_null(table.column(col)) if col in present else empty
        data[f"__o_{col}"] = raw
        if col == "aliases":
            data["__n_aliases"] = map_distinct(raw, canonical_aliases, caches.aliases)
            data["__alias_bad"] = map_distinct(raw, malformed_aliases, caches.bad_aliases)
        else:
            data[f"__n_{col}"] = map_distinct(raw, canonical_name, caches.names)
    data["__dup"] = _repeat_counts(data["record_id"])
    data["__line"] = table.column(LINE)
    return pa.table(data), ignored


def _repeat_counts(record_id: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Per row, how often its ``record_id`` occurs in the file when more than once, else null."""
    counts = pc.value_counts(record_id)
    values, n = counts.field("values"), counts.field("counts")
    repeated = pc.and_(pc.greater(n, 1), pc.is_valid(values))
    ids, times = pc.filter(values, repeated), pc.filter(n, repeated)
    return pc.take(times, pc.index_in(record_id, value_set=ids))


def process_file(
    con: duckdb.DuckDBPyConnection,
    source: str,
    path: Path,
    extract_id: str,
    today: date,
    caches: NameCaches | None = None,
) -> FileResult:
    """Read, check and normalise one file. Raises ``FileRejected`` for an unusable file."""
    raw = read_file(path)
    table, ignored = prepare(raw.table, source, caches)
    con.register("raw_in", table)
    try:
        # One scan: every check (as one boolean) and every canonical form, materialised once.
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_STAGED} AS SELECT {select_list(source, extract_id)}, "
            f"{any_problem_sql(source, today)} AS __bad FROM raw_in"
        )
        # The reasons, evaluated only for the (few) rows that broke a rule.
        rejects = con.sql(
            "SELECT __line AS line, record_id, p.field AS field, p.reason AS reason FROM "
            f"(SELECT __line, record_id, unnest({problems_sql(source, today)}) AS p FROM raw_in "
            f" WHERE __line IN (SELECT line FROM {_STAGED} WHERE __bad)) ORDER BY line, field"
        ).to_arrow_table()
    finally:
        con.unregister("raw_in")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {ACCEPTED} AS "
        f"SELECT * EXCLUDE (__bad) FROM {_STAGED} WHERE NOT __bad"
    )
    counts = dict(con.sql(f"SELECT __bad, count(*) FROM {_STAGED} GROUP BY __bad").fetchall())
    n_ok, n_bad = int(counts.get(False, 0)), int(counts.get(True, 0))
    parse = pa.table(
        {
            "line": pa.array([r.line for r in raw.rejects], pa.int64()),
            "record_id": pa.nulls(len(raw.rejects), pa.string()),
            "field": pa.array(["row"] * len(raw.rejects), pa.string()),
            "reason": pa.array([f"row: {r.reason}" for r in raw.rejects], pa.string()),
        }
    )
    all_rejects = pa.concat_tables([parse, rejects.cast(REJECT_SCHEMA)])
    return FileResult(n_ok, all_rejects, n_bad + len(raw.rejects), ignored)


def release(con: duckdb.DuckDBPyConnection) -> None:
    """Free the last file's staged rows (after they were merged into the store)."""
    con.execute(f"DROP VIEW IF EXISTS {ACCEPTED}")
    con.execute(f"DROP TABLE IF EXISTS {_STAGED}")


def file_reject(reason: str, field_name: str) -> pa.Table:
    """The rejects row for a file rejected as a whole (reported at the header, line 1)."""
    name = field_name or "file"
    return pa.table(
        {
            "line": pa.array([1], pa.int64()),
            "record_id": pa.nulls(1, pa.string()),
            "field": pa.array([name], pa.string()),
            "reason": pa.array([f"{name}: file rejected: {reason}"], pa.string()),
        }
    )
