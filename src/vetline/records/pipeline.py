"""One extract file → its accepted rows in store form, and its rejects with reasons.

Pure with respect to the store: it reads one file and leaves the accepted rows in a DuckDB
temporary table (``ACCEPTED``) plus the rejects as an Arrow table; merging into the store
is ``merge.py``'s job. All row work is vectorised: pyarrow trims text and turns blanks into
nulls, DuckDB SQL checks and normalises every row in two queries, and the identity fields
a query can carry (names, date of birth, sex, birth country, identifiers) are validated in
Python once per distinct value by the functions IAQ intake uses
(``vetline.records.identifiers``), so loader and intake cannot disagree.

A rejects table has one line per problem: ``action`` is ``record rejected`` (the row was
not loaded), ``field set aside`` (the row was loaded without that field) or ``file
rejected``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from vetline.records.canonical import select_list
from vetline.records.checks import (
    SET_ASIDE,
    any_problem_sql,
    problems_sql,
    required_header,
)
from vetline.records.contract import columns_of
from vetline.records.identifiers import (
    SUBJECT_FIELDS,
    canonical_a_number_list,
    canonical_aliases,
    canonical_dob,
)
from vetline.records.layout import NAME_COLUMNS
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
        ("action", pa.string()),
    ]
)

#: ``action`` values of a rejects line.
RECORD_REJECTED = "record rejected"
FIELD_SET_ASIDE = SET_ASIDE
FILE_REJECTED = "file rejected"

#: Columns checked in Python per distinct value (the rest are checked in SQL).
_LIST_FIELDS: dict[str, Callable[[str], tuple[str | None, str | None]]] = {
    "aliases": canonical_aliases,
    "parent_a_numbers": canonical_a_number_list,
}
#: Problems worded without the value for these columns (an SSN is not for a log file).
_HIDE_VALUE = frozenset({"ssn"})


@dataclass
class FileResult:
    """What one file produced: accepted rows (in ``ACCEPTED``), rejects, and counts."""

    accepted_rows: int
    rejects: pa.Table
    rejected_rows: int
    ignored_columns: tuple[str, ...] = field(default=())
    #: Field values set aside in accepted rows (each also a line of ``rejects``).
    set_aside: int = 0


Outcome = tuple[str | None, str | None]


@dataclass
class NameCaches:
    """Outcomes already computed in this ingest run (per validator), shared by its files.

    The same person's name, date of birth and identifiers recur in every source, so each
    distinct value is validated once per run.
    """

    outcomes: dict[str, dict[str, Outcome]] = field(default_factory=dict)

    def for_kind(self, kind: str) -> dict[str, Outcome]:
        """The cache of one validator (names share one: a surname may be a first name)."""
        return self.outcomes.setdefault(kind, {})


_NULL = pa.scalar(None, pa.string())


def _trimmed(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Whitespace trimmed; blank becomes null (the contract treats both as absent)."""
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.equal(trimmed, ""), _NULL, trimmed)


def _blank_to_null(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Blank as null but otherwise untouched: the original spelling of a name."""
    return pc.if_else(pc.equal(pc.utf8_trim_whitespace(column), ""), _NULL, column)


def _outcome(fn: Callable[[str], str | None], value: str, hide: bool) -> Outcome:
    """``(canonical, None)`` or ``(None, problem)``; the problem quotes the value (so the
    rejects file shows what was wrong) unless it already does or the value is hidden."""
    try:
        return fn(value), None
    except ValueError as exc:
        problem = str(exc)
        return None, problem if hide or value in problem else f"{problem}: {value}"


def validate_distinct(
    column: pa.Array | pa.ChunkedArray,
    fn: Callable[[str], Outcome],
    cache: dict[str, Outcome],
) -> tuple[pa.Array, pa.Array]:
    """``fn`` on each distinct non-null value, spread back: ``(canonical, problem)`` columns.

    Dictionary-encoding gives the distinct values and, per row, an index into them, so
    Python work is proportional to distinct values (shared across files by ``cache``).
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = pc.dictionary_encode(column)
    assert isinstance(encoded, pa.DictionaryArray)
    canon: list[str | None] = []
    problems: list[str | None] = []
    for value in encoded.dictionary.to_pylist():
        if value is None:
            out: Outcome = (None, None)
        elif (hit := cache.get(value)) is not None:
            out = hit
        else:
            out = cache[value] = fn(value)
        canon.append(out[0])
        problems.append(out[1])
    return (
        pa.array(canon, pa.string()).take(encoded.indices),
        pa.array(problems, pa.string()).take(encoded.indices),
    )


def _validator(col: str, today: date) -> tuple[str, Callable[[str], Outcome]] | None:
    """The cache kind and the per-value check of a column validated in Python, if any."""
    if col in _LIST_FIELDS:
        return col, _LIST_FIELDS[col]
    if col == "dob":
        return f"dob@{today.isoformat()}", lambda v: _outcome(
            lambda x: canonical_dob(x, today), v, False
        )
    if col in SUBJECT_FIELDS:
        fn, hide = SUBJECT_FIELDS[col], col in _HIDE_VALUE
        kind = "name" if col in NAME_COLUMNS else col
        return kind, lambda v: _outcome(fn, v, hide)
    return None


def prepare(
    table: pa.Table, source: str, caches: NameCaches | None, today: date
) -> tuple[pa.Table, tuple[str, ...]]:
    """Trimmed contract columns (missing optional ones as nulls) plus the checked columns.

    For every column validated in Python, ``__c_<col>`` holds the canonical value (null
    when absent or bad) and ``__e_<col>`` the problem (null when fine); ``today`` is the
    load date (the latest date of birth). Raises ``FileRejected`` when a required column
    is missing from the header.
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
        data[f"__o_{col}"] = _blank_to_null(table.column(col)) if col in present else empty
    for col in contract:
        check = _validator(col, today)
        if check is not None:
            kind, fn = check
            data[f"__c_{col}"], data[f"__e_{col}"] = validate_distinct(
                data[col], fn, caches.for_kind(kind)
            )
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
    table, ignored = prepare(raw.table, source, caches, today)
    con.register("raw_in", table)
    try:
        # One scan: every check (as two booleans: reject the row, set a field aside) and
        # every canonical form (set-aside fields already null), materialised once.
        columns = select_list(source, extract_id, today)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_STAGED} AS SELECT {columns}, "
            f"{any_problem_sql(source, today, set_aside=False)} AS __bad, "
            f"{any_problem_sql(source, today, set_aside=True)} AS __aside FROM raw_in"
        )
        # The reasons, evaluated only for the (few) rows with a problem: every problem of a
        # rejected row, the set-aside fields of a kept one.
        rejects = con.sql(
            "SELECT r.__line AS line, r.record_id, r.p.field AS field, "
            f"CASE WHEN s.__bad THEN r.p.reason ELSE r.p.aside_reason END AS reason, "
            f"CASE WHEN s.__bad THEN '{RECORD_REJECTED}' ELSE '{FIELD_SET_ASIDE}' END AS action "
            f"FROM (SELECT __line, record_id, unnest({problems_sql(source, today)}) AS p "
            f"      FROM raw_in WHERE __line IN "
            f"      (SELECT line FROM {_STAGED} WHERE __bad OR __aside)) r "
            f"JOIN {_STAGED} s ON s.line = r.__line "
            "WHERE s.__bad OR r.p.set_aside ORDER BY line, field"
        ).to_arrow_table()
    finally:
        con.unregister("raw_in")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {ACCEPTED} AS "
        f"SELECT * EXCLUDE (__bad, __aside) FROM {_STAGED} WHERE NOT __bad"
    )
    counts = dict(con.sql(f"SELECT __bad, count(*) FROM {_STAGED} GROUP BY __bad").fetchall())
    n_ok, n_bad = int(counts.get(False, 0)), int(counts.get(True, 0))
    parse = pa.table(
        {
            "line": pa.array([r.line for r in raw.rejects], pa.int64()),
            "record_id": pa.nulls(len(raw.rejects), pa.string()),
            "field": pa.array(["row"] * len(raw.rejects), pa.string()),
            "reason": pa.array([f"row: {r.reason}" for r in raw.rejects], pa.string()),
            "action": pa.array([RECORD_REJECTED] * len(raw.rejects), pa.string()),
        }
    )
    all_rejects = pa.concat_tables([parse, rejects.cast(REJECT_SCHEMA)])
    aside = pc.sum(pc.equal(rejects.column("action"), FIELD_SET_ASIDE)).as_py() or 0
    return FileResult(n_ok, all_rejects, n_bad + len(raw.rejects), ignored, int(aside))


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
            "action": pa.array([FILE_REJECTED], pa.string()),
        }
    )
