"""Compare the response bytes of two ``bench_desk.py --dump`` runs (before / after a change).

Run: ``.venv/bin/python bench/compare_iar_bytes.py BEFORE AFTER``. Each line of a dump is
one query's status code and response body, in query order. What differs from run to run
by design is replaced first — the random ids (UUIDs, lower case in the JSON and upper
case in the Nlets text) and the time stamps (``received_at``, ``responded_at``, the same
in the text) — and every other byte must be equal: key order, number formatting, the
Nlets text, the status codes. Prints the count of equal lines and the first difference.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

UUID = re.compile(rb"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def normalised(line: bytes) -> bytes:
    """``line`` with its ids and time stamps replaced by placeholders."""
    return STAMP.sub(b"<time>", UUID.sub(b"<id>", line))


def main() -> None:
    before, after = (Path(p).read_bytes().splitlines() for p in sys.argv[1:3])
    if len(before) != len(after):
        sys.exit(f"different numbers of responses: {len(before)} and {len(after)}")
    same = 0
    first: int | None = None
    for n, (one, other) in enumerate(zip(before, after, strict=True)):
        if normalised(one) == normalised(other):
            same += 1
        elif first is None:
            first = n
    print(f"{same} of {len(before)} responses byte-identical (ids and time stamps aside)")
    if first is not None:
        print(f"first difference, response {first}:")
        print(normalised(before[first])[:2000].decode(errors="replace"))
        print(normalised(after[first])[:2000].decode(errors="replace"))
        sys.exit(1)


if __name__ == "__main__":
    main()
