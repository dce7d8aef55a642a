"""Helpers for the records tests: write small, self-contained extracts from row dicts."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from vetline.records.contract import SOURCES

#: The load date every records test uses, so tests never depend on the clock.
TODAY = date(2026, 11, 24)

#: The smallest valid row of each source (its required columns filled).
GOOD: dict[str, dict[str, str]] = {
    source: {"record_id": "R1", "last_name": "GARCIA", "first_name": "JUAN", "dob": "1985-03-02"}
    for source in SOURCES
}
GOOD["status"]["status_class"] = "LPR"
GOOD["entry_exit"]["event"] = "ARRIVAL"
GOOD["biometric"]["fin"] = "1234567890"

Row = dict[str, str | None]
WriteFn = Callable[..., Path]


def write_rows(folder: Path, source: str, rows: list[Row], fmt: str = "csv") -> Path:
    """Write ``rows`` as ``<folder>/<source>.<fmt>``; the header is the union of the keys."""
    folder.mkdir(parents=True, exist_ok=True)
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    path = folder / f"{source}.{fmt}"
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        return path
    table = pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in columns})
    if fmt == "csv":
        pacsv.write_csv(table, path)
    else:
        pq.write_table(table, path)
    return path


def good(source: str, **overrides: str | None) -> Row:
    """A valid row of ``source`` with some fields replaced."""
    row: Row = dict(GOOD[source])
    row.update(overrides)
    return row
