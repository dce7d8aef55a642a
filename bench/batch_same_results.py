"""Are two batch results the same, every column of every row? (``results.parquet`` of one
job run at two commits: a speed-up must not move a single value.)

Run: ``.venv/bin/python bench/batch_same_results.py BEFORE.parquet AFTER.parquet``; prints
``IDENTICAL`` (exit 0) or, per differing column, how many rows differ and the first few
(exit 1). Values are compared with their types (``1`` is not ``1.0``, ``None`` is not ``""``)
and floats exactly (the probability to the last bit).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.parquet as pq


def _same(u: object, v: object) -> bool:
    """Equal and of one type (two NaNs are the same value)."""
    if type(u) is not type(v):
        return False
    return u == v or (isinstance(u, float) and u != u and v != v)


def differences(before: Path, after: Path) -> list[str]:
    """What differs between the two result files (empty: identical)."""
    a, b = pq.read_table(before), pq.read_table(after)
    if a.schema != b.schema:
        return [f"schemas differ: {a.schema} vs {b.schema}"]
    if a.num_rows != b.num_rows:
        return [f"{a.num_rows} rows vs {b.num_rows}"]
    out = []
    for name in a.column_names:
        x, y = a.column(name).to_pylist(), b.column(name).to_pylist()
        rows = [i for i, (u, v) in enumerate(zip(x, y, strict=True)) if not _same(u, v)]
        if rows:
            first = [(i, x[i], y[i]) for i in rows[:3]]
            out.append(f"{name}: {len(rows)} rows differ, first {first}")
    return out


def main() -> None:
    before, after = Path(sys.argv[1]), Path(sys.argv[2])
    found = differences(before, after)
    rows = pq.read_metadata(before).num_rows
    for line in found:
        print(line)
    print(f"{rows:,} rows, {len(pq.read_schema(before))} columns: "
          + ("IDENTICAL" if not found else "DIFFERENT"))  # fmt: skip
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
