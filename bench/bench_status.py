"""Benchmark the status engine on a synthetic world with identities taken from ground truth.

    .venv/bin/python bench/bench_status.py --extract DIR [--limit N] [--markdown /tmp/status.md]
        [--basis BIOMETRIC|IDENTIFIER|BIOGRAPHIC] [--lookalikes]

Groups the extract's records by true person (``truth.csv``), builds each person's parents
from the ``parent_a_numbers`` on their status rows, assesses everyone as of
``world.json``'s ``as_of`` and prints: status agreement with ``person_facts.csv``, the
confusion matrix (true × predicted), U.S. citizens given an enforcement action (must be
0; the exit code is 1 otherwise), the actions, and µs per person for ``assess`` (wall
clock, which includes preemption on a shared machine, and the thread's CPU time).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from status_world import Evaluation, evaluate_extract  # bench/status_world.py
from vetline.status import load_policy
from vetline.vocab import IdentityBasis


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else 0.0


def _flag_lines(ev: Evaluation) -> list[str]:
    if not ev.flag_counts:
        return []
    out = [
        "Flags against the world's `expected_flags`:",
        "",
        "| flag | expected and raised | expected, not raised | raised, not expected |",
        "|---|---|---|---|",
    ]
    for flag, (both, missed, extra) in sorted(ev.flag_counts.items()):
        out.append(f"| {flag} | {both:,} | {missed:,} | {extra:,} |")
    return [*out, ""]


def report(ev: Evaluation, extract: Path) -> list[str]:
    """The results as a Markdown section (printed, and optionally written to a file)."""
    truths = sorted({t for t, _ in ev.confusion})
    preds = sorted({p for _, p in ev.confusion})
    agree = sum(n for (t, p), n in ev.confusion.items() if t == p)
    out = [
        "## Status engine (`bench/bench_status.py`)",
        "",
        f"World `{extract}` as of {ev.as_of}: {ev.persons:,} persons, {ev.records:,} records "
        f"({ev.rejected:,} rows rejected as bad input); identities from ground truth. "
        f"Load {ev.load_seconds:.1f} s, history build {ev.build_seconds:.1f} s.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| status code agreement | **{ev.agreement:.4f}** ({agree:,}/{ev.persons:,}) |",
        f"| U.S. citizens (us_citizen=Y) | {ev.citizens:,} |",
        f"| … flagged POSSIBLE_US_CITIZEN | {ev.citizens_flagged:,} |",
        f"| … given an enforcement action | **{len(ev.citizens_enforced)}** |",
        f"| assess, CPU µs/person p50 / p99 / max | {_pct(ev.cpu_us, 0.5):.0f} / "
        f"{_pct(ev.cpu_us, 0.99):.0f} / {max(ev.cpu_us, default=0):.0f} |",
        f"| assess, wall µs/person p50 / p99 | {_pct(ev.wall_us, 0.5):.0f} / "
        f"{_pct(ev.wall_us, 0.99):.0f} |",
        f"| history build µs/person (mean) | {ev.build_seconds / max(ev.persons, 1) * 1e6:.0f} |",
        "",
        "Actions: " + ", ".join(f"{a} {n:,}" for a, n in ev.actions.most_common()),
        "",
        *_flag_lines(ev),
        "Confusion matrix (rows: true status, columns: predicted):",
        "",
        "| true \\ predicted | " + " | ".join(p.replace("_", " ") for p in preds) + " |",
        "|---" * (len(preds) + 1) + "|",
    ]
    for t in truths:
        cells = []
        for p in preds:
            n = ev.confusion[(t, p)]
            cells.append(f"**{n:,}**" if t == p and n else (f"{n:,}" if n else "·"))
        out.append(f"| {t} | " + " | ".join(cells) + " |")
    if ev.citizens_enforced:
        out += ["", "Citizens given enforcement actions: " + ", ".join(ev.citizens_enforced[:20])]
    if ev.lookalike_persons:
        acts = ", ".join(f"{a} {n:,}" for a, n in ev.lookalike_actions.most_common())
        out += [
            "",
            f"Look-alike groups as possibly-same persons: {ev.lookalike_persons:,} persons, "
            f"{ev.lookalike_with_citizen:,} with a citizen in their group, of whom "
            f"**{len(ev.lookalike_enforced)}** given an enforcement action. Their actions: "
            f"{acts}.",
        ]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Status engine benchmark on a synthetic extract.")
    ap.add_argument("--extract", type=Path, required=True)
    ap.add_argument("--limit", type=int, default=None, help="only the first N persons")
    ap.add_argument("--markdown", type=Path, default=None, help="also write the section here")
    ap.add_argument(
        "--basis",
        choices=[b.value for b in IdentityBasis],
        default=None,
        help="take every identity to rest on this basis (default: ground truth, no basis)",
    )
    ap.add_argument(
        "--lookalikes",
        action="store_true",
        help="pass the other members of each person's lookalike_group as possibly-same persons",
    )
    args = ap.parse_args(argv)
    basis = IdentityBasis(args.basis) if args.basis else None
    ev = evaluate_extract(
        args.extract, load_policy(), args.limit, identity_basis=basis, lookalikes=args.lookalikes
    )
    text = "\n".join(report(ev, args.extract))
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 1 if ev.citizens_enforced else 0


if __name__ == "__main__":
    sys.exit(main())
