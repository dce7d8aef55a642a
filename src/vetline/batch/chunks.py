"""The prepared list and the result chunks as Parquet, with fixed schemas.

``prepared.parquet`` holds the validated rows with one row group per chunk, so a worker
(a local process or a Spark task) reads exactly its chunk; a result chunk is written
whole under a temporary name and renamed (``layout.publish``): its existence is the
durable "done" mark that resume trusts.

A question asked again (same identity fields, same booking date) is answered once per
job: ``prepare`` marks each later row ``same_as`` the first row that asked it, the
chunk writes a placeholder for it, and the assembly (``finish``) gives it that row's
answer under its own row number, line and reference. The person core's answer depends
only on the question and the job's records (fixed while it runs), so this is the answer
a second walk would give (the in-process memo, ``Scorer``, relied on it already); what it
adds is that forked workers and Spark tasks no longer each answer a repeat that fell in
another's chunk. The first occurrences are remembered for ``SAME_AS_WINDOW`` questions
(oldest forgotten first), so memory stays bounded on a 5M-row list.
"""

from __future__ import annotations

import csv
import json
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from vetline.batch import layout
from vetline.batch.bands import EXTRA_COLUMNS, RESULT_COLUMNS
from vetline.batch.listfile import ListRow, Reject, read_list

PREPARED_SCHEMA = pa.schema(
    [
        ("row_number", pa.int64()),
        ("line", pa.int64()),
        ("list_ref", pa.string()),
        ("subject", pa.string()),
        ("booking_date", pa.string()),
        ("facility_ori", pa.string()),
        ("rejected", pa.bool_()),
        ("same_as", pa.int64()),
    ]
)
#: Distinct questions whose first row ``prepare`` remembers (about 200 bytes each).
SAME_AS_WINDOW = 500_000

_TYPES: dict[str, pa.DataType] = {
    "row_number": pa.int64(),
    "probability": pa.float64(),
    "removable": pa.bool_(),
    "priority": pa.int64(),
    "lead_candidate": pa.bool_(),
    "needs_review": pa.bool_(),
    "citizenship_sign": pa.bool_(),
    "line": pa.int64(),
}
#: A chunk's columns: the result's, and ``same_as`` (a placeholder's first row, else null).
RESULT_SCHEMA = pa.schema(
    [(c, _TYPES.get(c, pa.string())) for c in (*RESULT_COLUMNS, *EXTRA_COLUMNS)]
    + [("same_as", pa.int64())]
)
REJECT_HEADER = ("row_number", "line", "field", "value", "reason", "action")


def _subject_json(row: ListRow) -> str:
    """A row's subject as the prepared file stores it (and ``prepare`` keys questions by)."""
    return json.dumps(row.subject, sort_keys=True)


def _prepared_table(rows: list[ListRow], subjects: list[str] | None = None) -> pa.Table:
    """``subjects``: each row's ``_subject_json`` when the caller has it already."""
    return pa.table(
        {
            "row_number": [r.row_number for r in rows],
            "line": [r.line for r in rows],
            "list_ref": [r.list_ref for r in rows],
            "subject": subjects if subjects is not None else [_subject_json(r) for r in rows],
            "booking_date": [r.booking_date for r in rows],
            "facility_ori": [r.facility_ori for r in rows],
            "rejected": [r.rejected for r in rows],
            "same_as": [r.same_as for r in rows],
        },
        schema=PREPARED_SCHEMA,
    )


def prepare(
    source: Iterator[tuple[ListRow, list[Reject]]],
    out: Path,
    chunk_rows: int,
    on_rows: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Validate the list into ``prepared.parquet`` and ``rejects.csv``; (rows, rejected).

    ``on_rows`` is told the rows read so far after each chunk written: reading a long
    list takes a while (≈ 20 s a million rows) and its progress should move."""
    prepared, rejects = out / layout.PREPARED, out / layout.REJECTS
    tmp_p, tmp_r = layout.temporary(prepared), layout.temporary(rejects)
    total = rejected = 0
    with (
        pq.ParquetWriter(tmp_p, PREPARED_SCHEMA) as writer,
        tmp_r.open("w", newline="", encoding="utf-8") as handle,
    ):
        out_csv = csv.writer(handle)
        out_csv.writerow(REJECT_HEADER)
        batch: list[ListRow] = []
        subjects: list[str] = []  # each batch row's subject JSON, written once
        # question → its first row; ``OrderedDict``: the oldest forgotten in O(1)
        first: OrderedDict[tuple[str, str | None], int] = OrderedDict()
        for row, problems in source:
            subject = _subject_json(row)
            if not row.rejected:
                question = (subject, row.booking_date)
                earlier = first.get(question)
                if earlier is not None:
                    row = replace(row, same_as=earlier)
                else:
                    if len(first) >= SAME_AS_WINDOW:
                        first.popitem(last=False)  # the oldest: insertion order
                    first[question] = row.row_number
            batch.append(row)
            subjects.append(subject)
            total += 1
            rejected += row.rejected
            for p in problems:
                out_csv.writerow((p.row_number, p.line, p.field, p.value, p.reason, p.action))
            if len(batch) == chunk_rows:
                writer.write_table(_prepared_table(batch, subjects), row_group_size=chunk_rows)
                batch, subjects = [], []
                if on_rows is not None:
                    on_rows(total)
        if batch or total == 0:
            writer.write_table(_prepared_table(batch, subjects), row_group_size=chunk_rows)
    layout.publish(tmp_r, rejects)
    layout.publish(tmp_p, prepared)
    return total, rejected


def prepare_file(
    path: Path,
    ref_column: str | None,
    as_of: date,
    out: Path,
    chunk_rows: int,
    on_rows: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    return prepare(read_list(path, ref_column, as_of), out, chunk_rows, on_rows)


def chunk_sizes(out: Path) -> list[int]:
    """Rows per chunk (the prepared file's row groups; an empty list has none)."""
    meta = pq.ParquetFile(out / layout.PREPARED).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    return [n for n in sizes if n]


def _prepared_metadata(path: Path) -> pq.FileMetaData:
    """``path``'s Parquet footer, parsed once per process and version of the file.

    Why: the prepared list has one row group per chunk, and its footer grows with them
    (8 MB at 10,000 chunks); opening the file for every chunk parsed it again each time,
    which made a job quadratic in its chunks (54 ms a chunk at 10,000: ≈ 545 CPU s of a
    5M-row job, bench/README.md). The parent reads it before its workers fork (the
    warm-up reads a chunk), so they share it. Keyed by inode, size and modification time:
    a republished file (a new file renamed into place) is parsed again.
    """
    stat = path.stat()
    key = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    meta = _METADATA.get(key)
    if meta is None:
        _METADATA.clear()  # one prepared list at a time per process
        meta = _METADATA[key] = pq.read_metadata(path)
    return meta


#: ``_prepared_metadata``'s one entry: (path, inode, size, mtime) → the parsed footer.
_METADATA: dict[tuple[str, int, int, int], pq.FileMetaData] = {}


def read_chunk(out: Path, chunk: int) -> list[ListRow]:
    path = out / layout.PREPARED
    table = pq.ParquetFile(path, metadata=_prepared_metadata(path)).read_row_group(chunk)
    rows = []
    for r in table.to_pylist():
        r["subject"] = json.loads(r["subject"])
        rows.append(ListRow.from_json(r))
    return rows


def write_chunk(out: Path, chunk: int, results: list[dict[str, Any]]) -> None:
    """Write one chunk's result rows durably (temporary name, fsync, rename)."""
    final = layout.chunk_file(out, chunk)
    final.parent.mkdir(exist_ok=True)
    tmp = layout.temporary(final)
    columns = {c: [r.get(c) for r in results] for c in RESULT_SCHEMA.names}
    pq.write_table(pa.table(columns, schema=RESULT_SCHEMA), tmp)
    layout.publish(tmp, final)
