"""The store's current rows of a source: its base file and its segments, newest version first.

Why one function: since a daily ingest appends its new and changed rows as a *segment*
(``merge.py``) instead of rewriting the source's whole file (≈ 55 CPU s for a 50k-record
delta at 10M records, bench/README.md), a key may be held by the base and by several
segments. Its current version is the one of the highest-numbered segment holding it, else
the base's. Every reader of the store — ``RecordStore``, the build, the desk's in-memory
rows, the batch presets — reads through ``current_rows_sql`` so none can forget a segment
or take a replaced version.

Edit here: how base and segments combine. The layout (file names) is ``layout.py``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from vetline.errors import BadInput
from vetline.records.contract import SOURCE_NAMES
from vetline.records.layout import segment_files, source_file, store_dir


def quote(path: Path) -> str:
    """A path as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def files_sql(paths: Sequence[Path]) -> str:
    """A DuckDB list literal of paths (what ``read_parquet`` takes for several files)."""
    return "[" + ", ".join(quote(p) for p in paths) + "]"


def store_files(data_dir: Path, source: str) -> list[Path]:
    """The base file then every segment of ``source``, oldest first; ``BadInput`` when the
    source has no records (an unknown source, or none loaded)."""
    if source not in SOURCE_NAMES:
        raise BadInput("source", f"unknown source {source!r}; known: {', '.join(SOURCE_NAMES)}")
    base = source_file(data_dir, source)
    if not base.is_file():
        raise BadInput("source", f"no records of {source!r} in {store_dir(data_dir)}")
    return [base, *segment_files(data_dir, source)]


def newest_segments_sql(segments: Sequence[Path], columns: str) -> str:
    """``columns`` (SQL, must hold ``record_id``) of each key's newest version among
    ``segments`` (oldest first; names sort as their numbers)."""
    if len(segments) == 1:
        return f"SELECT {columns} FROM read_parquet({quote(segments[0])})"
    ranked = (
        "SELECT *, row_number() OVER (PARTITION BY record_id ORDER BY filename DESC) AS _k "
        f"FROM read_parquet({files_sql(segments)}, filename = true)"
    )
    # ``* EXCLUDE`` keeps the files' own column order when every column is asked.
    picked = "* EXCLUDE (filename, _k)" if columns == "*" else columns
    return f"SELECT {picked} FROM ({ranked}) WHERE _k = 1"


def current_rows_sql(data_dir: Path, source: str, columns: Sequence[str] | None = None) -> str:
    """A DuckDB query of ``source``'s current rows (one per key, its newest version), in
    no particular order. ``columns``: only these (default: every column, base order).

    Without segments it is the base file as it is (what every reader read before).
    """
    return files_rows_sql(store_files(data_dir, source), columns)


def files_rows_sql(files: Sequence[Path], columns: Sequence[str] | None = None) -> str:
    """``current_rows_sql`` over ``files`` as ``store_files`` lists them (a reader that
    was handed the list, so that it reads the very files it named its cache after)."""
    base, *segments = files
    wanted = "*" if columns is None else ", ".join(columns)
    if not segments:
        return f"SELECT {wanted} FROM read_parquet({quote(base)})"
    inner = "*" if columns is None else ", ".join(dict.fromkeys(["record_id", *columns]))
    replaced = f"SELECT record_id FROM read_parquet({files_sql(segments)})"
    kept = (
        f"SELECT {inner} FROM read_parquet({quote(base)}) ANTI JOIN ({replaced}) USING (record_id)"
    )
    newer = newest_segments_sql(segments, inner)
    return f"SELECT {wanted} FROM ({kept} UNION ALL BY NAME {newer})"
