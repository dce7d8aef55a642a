"""A gauge of the host's CPU speed, printed beside a bench's figures.

Why: this virtual machine's CPU speed moves by a third within minutes with nothing else
running (bench/README.md, "The desk at stop 36": the same loop written at module level took
1.34 s at one time and 2.23 s at another; this function's, on local names, takes about half),
and CPU per request or per row moves with it. A bench that prints this
gauge before and after its run lets a reader tell a change in the code from a change in
the host: compare figures only between runs whose gauges agree.
"""

from __future__ import annotations

import time

LOOP = 20_000_000


def host_gauge() -> float:
    """CPU seconds of a fixed pure-Python loop (lower is a faster host at that moment)."""
    started = time.process_time()
    total = 0
    for i in range(LOOP):
        total += i
    return time.process_time() - started


def gauge_line(before: float, after: float) -> str:
    """The line a bench prints under its table."""
    return (f"host speed gauge (a fixed Python loop, CPU s; lower is faster): "
            f"before {before:.2f}, after {after:.2f}")  # fmt: skip
