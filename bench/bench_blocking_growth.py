"""How the build's blocked pairs grow with the world, rule by rule (issue 18 goals 2–3).

Predict is the build stage that grows beyond linear (bench/README.md, "Which stage first
needs a cluster"): a record's candidates are the records sharing a blocking key with it,
and blocks such as ``forename + zip`` hold more people as the world grows. This bench
says which rules do it, from ingested stores of several sizes (no build needed):

* **pairs per rule** (exact): record pairs agreeing, non-null, on every column of the
  rule, counted from the group sizes of the standardised match table (what Splink's
  join would produce for that rule alone);
* **to be scored** (Splink's ``count_comparisons_from_blocking_rules``, exact by
  default; ``--sample P`` estimates it from a share of the records on each side, which
  Splink warns is unstable below 1,000 sampled pairs a rule): each rule's *new* pairs,
  those no earlier rule produced — what predict actually scores, rule by rule;
* the growth exponent between consecutive sizes, ``log(p2 / p1) / log(n2 / n1)``: 1 is
  linear in the records, 2 is every block growing with the world.

Run: ``.venv/bin/python bench/bench_blocking_growth.py --data D1 --data D2 [--data D3]
[--sample 1.0]`` (each ``D`` a data folder after ``vetline ingest``; read only).
"""

from __future__ import annotations

import argparse
import itertools
import math
import resource
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from vetline.resolve.comparisons import BLOCKING_RULES
from vetline.resolve.engine import open_engine
from vetline.resolve.match_table import _read_identities, _standardise_store
from vetline.resolve.splink_model import blocked_pairs, prediction_rules

console = Console(width=220)  # a table of several worlds side by side


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(data: Path, sample: float) -> dict[str, object]:
    """Records, standardise CPU, exact pairs per rule, Splink's marginal count per rule."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    cpu = _cpu()
    identities = _read_identities(data)
    table = _standardise_store(identities)
    del identities
    standardise_cpu = _cpu() - cpu
    cpu = _cpu()
    exact = {rule: blocked_pairs(table, rule) for rule in BLOCKING_RULES}
    exact_cpu = _cpu() - cpu
    db_api = open_engine("duckdb")
    frame = db_api.register(table)
    t = time.perf_counter()
    records = count_comparisons_from_blocking_rules(
        frame,
        blocking_rules=prediction_rules(),
        link_type="dedupe_only",
        record_sample_proportion=sample,
    )
    marginal = {
        rule: int(r["marginal_comparison_count"])
        for rule, r in zip(BLOCKING_RULES, records, strict=True)
    }
    return {
        "records": len(table),
        "standardise_cpu": standardise_cpu,
        "exact_cpu": exact_cpu,
        "splink_s": time.perf_counter() - t,
        "exact": exact,
        "marginal": marginal,
        "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
    }


def exponent(p1: float, p2: float, n1: float, n2: float) -> str:
    if p1 <= 0 or p2 <= 0:
        return "–"
    return f"{math.log(p2 / p1) / math.log(n2 / n1):.2f}"


def report(runs: list[dict[str, object]], sample: float) -> None:
    sizes = [int(str(r["records"])) for r in runs]
    table = Table(
        title=f"blocked pairs per rule (to be scored: Splink's count, {sample:.0%} sample)"
    )
    table.add_column("rule")
    for n in sizes:
        table.add_column(f"{n:,} records: pairs / to be scored", justify="right")
    for a, b in itertools.pairwise(sizes):
        table.add_column(
            f"exponent {a / 1e6:.2g}M→{b / 1e6:.2g}M (pairs / scored)", justify="right"
        )
    totals = [0.0] * len(runs)
    for rule in BLOCKING_RULES:
        exact = [float(r["exact"][rule]) for r in runs]  # type: ignore[index]
        scored = [float(r["marginal"][rule]) for r in runs]  # type: ignore[index]
        totals = [t + s for t, s in zip(totals, scored, strict=True)]
        cells = [f"{e:,.0f} / {s:,.0f}" for e, s in zip(exact, scored, strict=True)]
        for i in range(len(runs) - 1):
            cells.append(
                f"{exponent(exact[i], exact[i + 1], sizes[i], sizes[i + 1])} / "
                f"{exponent(scored[i], scored[i + 1], sizes[i], sizes[i + 1])}"
            )
        table.add_row(" + ".join(rule), *cells)
    cells = [f"{t:,.0f} ({t / n:.1f} a record)" for t, n in zip(totals, sizes, strict=True)]
    for i in range(len(runs) - 1):
        cells.append(exponent(totals[i], totals[i + 1], sizes[i], sizes[i + 1]))
    table.add_row("[b]to be scored, all rules[/b]", *cells)
    console.print(table)
    for r in runs:
        records, cpu = int(str(r["records"])), float(str(r["standardise_cpu"]))
        console.print(
            f"{records:,} records: standardise {cpu:.1f} CPU s,"
            f" exact counts {float(str(r['exact_cpu'])):.1f} CPU s,"
            f" Splink's count {float(str(r['splink_s'])):.1f} s,"
            f" peak RSS of the process so far {float(str(r['peak_gb'])):.2f} GB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", required=True)
    parser.add_argument("--sample", type=float, default=1.0)
    args = parser.parse_args()
    runs = []
    for data in args.data:
        console.print(f"measuring {data} …")
        runs.append(measure(data, args.sample))
    runs.sort(key=lambda r: int(str(r["records"])))
    report(runs, args.sample)


if __name__ == "__main__":
    main()
