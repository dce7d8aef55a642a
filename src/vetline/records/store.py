"""The read side of the record store: what identity resolution and the status engine use.

Other packages never open the store's files by path; they go through ``RecordStore`` (or,
for a query of their own, ``current.current_rows_sql``) so the layout can change in one
place: a source is a base file plus the segments later ingests appended, a key's newest
version winning (``current.py``). Reads use a private in-memory DuckDB connection over the
Parquet files (no server, no lock), so any number of readers can share a data folder while
an ingest adds segments atomically underneath them.
"""

from __future__ import annotations

import functools
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from vetline.records.contract import SOURCE_NAMES
from vetline.records.current import (
    current_rows_sql,
    newest_segments_sql,
    quote,
    store_files,
)
from vetline.records.layout import (
    CONTENT_HASH,
    IDENTITY_STORE_COLUMNS,
    INT16_COLUMNS,
    INT64_COLUMNS,
    source_file,
    store_dir,
)
from vetline.records.sqlparts import connect, lit


def identity_schema() -> pa.Schema:
    """Arrow schema of ``RecordStore.read_identities`` (also used for an empty store)."""
    fields = []
    for name in IDENTITY_STORE_COLUMNS:
        if name in INT16_COLUMNS:
            fields.append(pa.field(name, pa.int16()))
        elif name in INT64_COLUMNS:
            fields.append(pa.field(name, pa.int64()))
        else:
            fields.append(pa.field(name, pa.string()))
    return pa.schema(fields)


P = ParamSpec("P")
R = TypeVar("R")


def _once_more_after_a_fold(
    read: Callable[Concatenate[RecordStore, P], R],
) -> Callable[Concatenate[RecordStore, P], R]:
    """Run ``read`` again, once, when a file it listed is gone.

    Why: readers take no lock; a fold (``merge.fold``, under the ingest lock) removes a
    source's segments after writing the new base, so a read that listed them a moment
    before finds one missing. Its query fails (never a wrong version); listed again, the
    files are the new base, which holds every row the segments held.
    """

    def again(store: RecordStore, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return read(store, *args, **kwargs)
        except (duckdb.IOException, FileNotFoundError):
            return read(store, *args, **kwargs)

    functools.update_wrapper(again, read)  # the name and docstring of ``read``
    return again


class RecordStore:
    """Read access to the normalised records of a data folder.

    Rows are plain: every value is a ``str``, an ``int`` or ``None``. The key of a record is
    ``(source, record_id)``; a store holds exactly one current version per key (its newest:
    the base's or a segment's, ``current.py``).
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._con = connect()
        self._lock = threading.Lock()

    # -- paths -------------------------------------------------------------------------

    @property
    def store_dir(self) -> Path:
        """The folder that holds one Parquet file per source (and its segments)."""
        return store_dir(self.data_dir)

    def sources(self) -> list[str]:
        """Sources that have data, in contract order."""
        return [s for s in SOURCE_NAMES if source_file(self.data_dir, s).is_file()]

    def rows_sql(self, source: str, columns: Sequence[str] | None = None) -> str:
        """A DuckDB query of ``source``'s current rows (``current.current_rows_sql``): what
        a caller with a query of its own reads instead of the files."""
        return current_rows_sql(self.data_dir, source, columns)

    # -- reads -------------------------------------------------------------------------

    def _query(self, sql: str, tables: dict[str, pa.Table] | None = None) -> pa.Table:
        # One cursor per call: DuckDB connections are not shared across threads.
        with self._lock:
            cur = self._con.cursor()
        try:
            for name, table in (tables or {}).items():
                cur.register(name, table)
            rel = cur.sql(sql)
            assert rel is not None
            return rel.to_arrow_table()
        finally:
            cur.close()

    @_once_more_after_a_fold
    def read_source(self, source: str) -> pa.Table:
        """Every current record of ``source``, all store columns, sorted by ``record_id``."""
        segments = store_files(self.data_dir, source)[1:]
        order = " ORDER BY record_id" if segments else ""  # the base alone is sorted
        return self._query(self.rows_sql(source) + order)

    @_once_more_after_a_fold
    def read_columns(self, source: str, columns: Sequence[str]) -> pa.Table:
        """The current rows of ``source``, only those of ``columns`` the store holds (a
        column of ``columns`` the files lack is left out), in no particular order.

        Without segments the base is read by pyarrow as it is (the build's read of a
        10M-record store: no DuckDB copy); with segments through ``rows_sql``.
        """
        base, *segments = store_files(self.data_dir, source)
        present = set(pq.read_schema(base).names)
        chosen = [c for c in columns if c in present]
        if not segments:
            return pq.read_table(base, columns=chosen)
        return self._query(self.rows_sql(source, chosen))

    def _keyed(self, source: str, columns: str, ids: list[str]) -> pa.Table:
        """``columns`` of the current rows of ``ids`` (distinct) of one source, sorted by
        ``record_id``: the segments first, the base only for the ids no segment holds.

        Why: an update asks for the rows the last ingests added or changed, which the
        newest segments hold; the base (the whole source) is not read for them.
        """
        base, *segments = store_files(self.data_dir, source)
        wanted = pa.table({"record_id": pa.array(sorted(set(ids)), pa.string())})
        found: list[pa.Table] = []
        missing = wanted
        if segments:
            newer = self._query(
                f"SELECT * FROM ({newest_segments_sql(segments, columns)}) "
                "SEMI JOIN wanted USING (record_id)",
                {"wanted": wanted},
            )
            found.append(newer)
            missing = self._query(
                "SELECT record_id FROM wanted ANTI JOIN newer USING (record_id)",
                {"wanted": wanted, "newer": newer.select(["record_id"])},
            )
        if missing.num_rows:
            # A literal IN-list (not a join) lets DuckDB skip row groups by their min/max
            # statistics: the base is sorted by record_id, so a few keys read a few groups.
            in_list = (
                ", ".join(lit(i) for i in missing.column("record_id").to_pylist())
                if missing.num_rows <= 1000
                else "SELECT record_id FROM missing"
            )
            found.append(
                self._query(
                    f"SELECT {columns} FROM read_parquet({quote(base)}) "
                    f"WHERE record_id IN ({in_list})",
                    {"missing": missing},
                )
            )
        if len(found) == 1:
            return found[0].sort_by("record_id")
        schema = found[1].schema
        return pa.concat_tables([t.select(schema.names).cast(schema) for t in found]).sort_by(
            "record_id"
        )

    @_once_more_after_a_fold
    def read_identities(
        self, keys: Iterable[tuple[str, str]] | None = None, *, with_hash: bool = False
    ) -> pa.Table:
        """Identity and provenance columns of every record of every source, as one table.

        ``keys``: only these ``(source, record_id)`` records (an incremental update reads
        the records it re-examines, not the store), per source sorted by ``record_id``.
        ``with_hash``: add ``content_hash``, read in the same query as the row, so a build
        records the version it resolved.
        """
        columns = [*IDENTITY_STORE_COLUMNS, *([CONTENT_HASH] if with_hash else [])]
        schema = identity_schema()
        if with_hash:
            schema = schema.append(pa.field(CONTENT_HASH, pa.string()))
        if keys is None:
            parts = [self.rows_sql(s, columns) for s in self.sources()]
            if not parts:
                return schema.empty_table()
            return self._query(" UNION ALL ".join(parts)).cast(schema)
        by_source: dict[str, list[str]] = defaultdict(list)
        for source, record_id in keys:
            by_source[source].append(record_id)
        tables = [
            self._keyed(s, ", ".join(columns), by_source[s]).cast(schema)
            for s in self.sources()
            if by_source.get(s)
        ]
        return pa.concat_tables(tables) if tables else schema.empty_table()

    @_once_more_after_a_fold
    def content_hashes(self) -> pa.Table:
        """``source``, ``record_id``, ``content_hash`` of every current record: what an
        incremental update compares with the versions the persons were built from."""
        columns = ["source", "record_id", CONTENT_HASH]
        parts = [self.rows_sql(s, columns) for s in self.sources()]
        schema = pa.schema(
            [("source", pa.string()), ("record_id", pa.string()), (CONTENT_HASH, pa.string())]
        )
        if not parts:
            return schema.empty_table()
        return self._query(" UNION ALL ".join(parts)).cast(schema)

    @_once_more_after_a_fold
    def fetch(self, keys: Iterable[tuple[str, str]]) -> list[dict[str, object]]:
        """Full rows for ``(source, record_id)`` keys, in the order asked; unknown keys skipped.

        A key asked twice is returned twice, so callers can zip answers with their own list.
        """
        wanted = list(keys)
        by_source: dict[str, list[str]] = defaultdict(list)
        for source, record_id in wanted:
            by_source[source].append(record_id)
        found: dict[tuple[str, str], dict[str, object]] = {}
        for source, ids in by_source.items():
            if source not in SOURCE_NAMES or not source_file(self.data_dir, source).is_file():
                continue
            for row in self._keyed(source, "*", ids).to_pylist():
                found[(source, str(row["record_id"]))] = row
        return [found[key] for key in wanted if key in found]

    @_once_more_after_a_fold
    def counts(self) -> dict[str, int]:
        """Number of current records per source that has data."""
        out: dict[str, int] = {}
        for source in self.sources():
            table = self._query(
                f"SELECT count(*) AS n FROM ({self.rows_sql(source, ['record_id'])})"
            )
            out[source] = int(table.column("n")[0].as_py())
        return out

    def close(self) -> None:
        """Release the DuckDB connection."""
        self._con.close()

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
