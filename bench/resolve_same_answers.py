"""Every ``Resolver.resolve`` answer of a built world written exactly, to compare two codes.

Run: ``PYTHONPATH=<other code>/src .venv/bin/python bench/resolve_same_answers.py --data D
--extract E --out before.jsonl`` with each code, then ``cmp before.jsonl after.jsonl``.

Why: a change to the resolver's hot path must not move one answer by one bit (a false
match can jail a citizen). The queries are ``bench_resolve_cpu.py``'s kinds for two seeds
(5 and 11) plus large-block queries — persons of the 25 commonest surnames, with partial
and year-only dates of birth, no first name, some A-numbers and birth countries, as
serve32's check built them — whose candidate blocks reach thousands of records at 10M.
Each line holds the query and the answer: level, person, ``repr`` of probability and
match weight, candidates with ``repr`` probabilities, records, reasons, possible persons,
links, other fingerprints, explanation (``Resolution.to_json``).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

import pandas as pd

from bench_resolve_cpu import Query, _queries
from vetline.resolve import Resolver


def _large_blocks(extract: Path, n: int, seed: int) -> list[tuple[str, Query]]:
    """Persons of the commonest surnames, with less than a whole date of birth."""
    facts = pd.read_csv(extract / "person_facts.csv", dtype=str, keep_default_na=False,
                        nrows=400_000)  # fmt: skip
    top = facts["true_last_name"].value_counts().index[:25]
    pool = facts[facts["true_last_name"].isin(top)].sample(n=n, random_state=seed)
    rng = random.Random(seed)
    out: list[tuple[str, Query]] = []
    for p in pool.to_dict("records"):
        q: Query = {"last_name": p["true_last_name"], "first_name": p["true_first_name"],
                    "dob": p["true_dob"] or None, "sex": p["sex"] or None}  # fmt: skip
        r, dob = rng.random(), q["dob"]
        if dob and r < 0.4:
            q["dob"] = dob[:7]
        elif dob and r < 0.55:
            q["dob"] = dob[:4]
        elif r < 0.7:
            q["first_name"] = None
        if rng.random() < 0.3 and p["a_number"]:
            q["a_number"] = p["a_number"]
        if rng.random() < 0.3:
            q["birth_country"] = p["birth_country"] or None
        out.append(("large block", q))
    return out


def _answer(resolver: Resolver, query: Query) -> dict[str, Any]:
    a = resolver.resolve(query)
    j: dict[str, Any] = a.to_json()
    j["probability"] = repr(a.probability)
    j["match_weight"] = repr(a.match_weight)
    j["candidates"] = [(p, repr(x)) for p, x in a.candidates]
    j["other_fingerprints"] = a.other_fingerprints
    j["links"] = [repr(link) for link in a.links]
    return j


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--extract", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--large", type=int, default=500, help="large-block queries")
    args = parser.parse_args()
    queries = (
        _queries(args.extract, args.per_kind, 5)
        + _queries(args.extract, args.per_kind, 11)
        + _large_blocks(args.extract, args.large, 3)
    )
    resolver = Resolver.load(args.data)
    with args.out.open("w") as fh:
        for kind, q in queries:
            line = {"kind": kind, "q": q, "a": _answer(resolver, q)}
            fh.write(json.dumps(line, sort_keys=True) + "\n")
    print(f"wrote {len(queries)} answers to {args.out}")


if __name__ == "__main__":
    main()
