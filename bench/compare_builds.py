"""Are two builds of the same data the same? Files equal value for value.

Run: ``.venv/bin/python bench/compare_builds.py BUILT_A BUILT_B`` (two data folders that
``vetline build`` filled from copies of one ingested folder, with one model). Checks
``persons/records.parquet``, ``persons.parquet`` (all but ``since``: the build's clock)
and ``links.parquet`` equal as Arrow tables (schema and values), every file of the saved
index byte-identical, and ``model/given_symbols.json`` identical. Exit 1 on any
difference. Used for the answer-preserving changes of the build (bench/README.md,
"Standardise, persons and index").
"""

from __future__ import annotations

import argparse
import filecmp
import sys
from pathlib import Path

import pyarrow.parquet as pq


def differences(a: Path, b: Path) -> list[str]:
    """What differs between the two built folders (empty: identical)."""
    found = []
    for name in ("records.parquet", "persons.parquet", "links.parquet"):
        left, right = pq.read_table(a / "persons" / name), pq.read_table(b / "persons" / name)
        if "since" in left.column_names:
            left, right = left.drop_columns(["since"]), right.drop_columns(["since"])
        same = left.schema == right.schema and left.equals(right)
        print(f"persons/{name}: {left.num_rows:,} rows, {'equal' if same else 'DIFFERENT'}")
        if not same:
            found.append(f"persons/{name}")
    names = sorted(p.name for p in (a / "index").iterdir())
    other = sorted(p.name for p in (b / "index").iterdir())
    found += [f"index/{n} (in one only)" for n in sorted(set(names) ^ set(other))]
    common = sorted(set(names) & set(other))
    unequal = [n for n in common if not filecmp.cmp(a / "index" / n, b / "index" / n, False)]
    print(f"index: {len(common)} files, {len(common) - len(unequal)} byte-identical")
    found += [f"index/{n}" for n in unequal]
    symbols = "model/given_symbols.json"
    if (a / symbols).read_bytes() != (b / symbols).read_bytes():
        found.append(symbols)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    args = parser.parse_args()
    found = differences(args.a, args.b)
    print("IDENTICAL" if not found else f"DIFFERENT: {', '.join(found)}")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
