"""CPU per ``Resolver.resolve`` on a built world, by kind of query (in process, no HTTP).

Run: ``flock /tmp/vetline-heavy.lock .venv/bin/python bench/bench_resolve_cpu.py
--data /tmp/desk1m/data [--extract /tmp/desk1m/extract] [--per-kind 600]``.

The desk calls ``resolve`` once per IAQ plus once per parent A-number, so its CPU per
call is a slice of the desk's CPU per IAQ. Queries are built from the world's
``person_facts.csv`` and source extracts, as the desk and ``bench_resolve_world.py`` build
them: name + DOB (+ sex, birth country, middle name), name + DOB + A-number, one typo
(name, DOB, swapped names, A-number), SSN only, A-number only, whole extract records
(every identity field), partial DOBs, FIN only, unknown names. Each query is resolved
once to warm caches, then timed with ``time.process_time_ns``. Prints p50 / p99 / mean
CPU per kind and the level mix.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from vetline.resolve import Resolver

SOURCES = ("criminal", "status", "encounters", "biometric", "custody", "court")
FIELDS = ("last_name", "first_name", "middle_name", "dob", "sex", "birth_country", "a_number",
          "fin", "fbi_number", "ssn", "passport_number", "sid", "address", "city", "state",
          "zip")  # fmt: skip
Query = dict[str, str | None]


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value else None


def _typo(rng: random.Random, text: str, alphabet: str) -> str:
    """One wrong, missing or extra character, or two adjacent ones swapped."""
    if len(text) < 2:
        return text
    i, op = rng.randrange(len(text) - 1), rng.randrange(4)
    if op == 0:
        return text[:i] + rng.choice(alphabet) + text[i + 1 :]
    if op == 1:
        return text[:i] + text[i + 1 :]
    if op == 2:
        return text[:i] + rng.choice(alphabet) + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _sample(frame: pd.DataFrame, n: int, seed: int) -> list[dict[str, Any]]:
    rows = frame.sample(n=min(len(frame), n), random_state=seed).to_dict("records")
    return [{str(k): v for k, v in row.items()} for row in rows]


def _only(column: str, value: str) -> Query:
    return {column: value}


def _queries(extract: Path, per_kind: int, seed: int) -> list[tuple[str, Query]]:
    rng = random.Random(seed)
    facts = pd.read_csv(extract / "person_facts.csv", dtype=str, keep_default_na=False)
    people = _sample(facts, 5 * per_kind, seed)
    records: list[dict[str, Any]] = []
    for source in SOURCES:
        frame = pd.read_csv(extract / f"{source}.csv", dtype=str, keep_default_na=False,
                            nrows=20 * per_kind)  # fmt: skip
        records += _sample(frame, per_kind, seed)
    rng.shuffle(records)

    def person(p: dict[str, Any]) -> Query:
        return {"last_name": _text(p["true_last_name"]), "first_name": _text(p["true_first_name"]),
                "dob": _text(p["true_dob"]), "sex": _text(p["sex"])}  # fmt: skip

    out: list[tuple[str, Query]] = []
    for p in people[:per_kind]:
        q = person(p)
        if rng.random() < 0.5:
            q["birth_country"] = _text(p["birth_country"])
        if rng.random() < 0.2:
            q["middle_name"] = _text(p["true_middle_name"])
        out.append(("name+DOB", q))
    with_a = [p for p in people if p["a_number"]]
    out += [("name+DOB+A-number", {**person(p), "a_number": p["a_number"]})
            for p in with_a[:per_kind]]  # fmt: skip
    for p in people[per_kind : 2 * per_kind]:
        q, what = person(p), rng.randrange(4)
        if what == 0 and q["last_name"]:
            q["last_name"] = _typo(rng, q["last_name"], "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        elif what == 1 and q["dob"]:  # one wrong digit, the format kept
            i = rng.choice([i for i, ch in enumerate(q["dob"]) if ch.isdigit()])
            q["dob"] = q["dob"][:i] + rng.choice("0123456789") + q["dob"][i + 1 :]
        elif what == 2:
            q["last_name"], q["first_name"] = q["first_name"], q["last_name"]
        elif p["a_number"]:
            q["a_number"] = _typo(rng, p["a_number"], "0123456789")
        out.append(("one typo", q))
    out += [("SSN only", _only("ssn", r["ssn"])) for r in records if r["ssn"]][:per_kind]
    out += [("A-number only", _only("a_number", p["a_number"])) for p in with_a[-per_kind:]]
    out += [("extract record", {k: _text(r.get(k)) for k in FIELDS}) for r in records[:per_kind]]
    for p in people[2 * per_kind : 2 * per_kind + per_kind // 2]:
        q = person(p)
        q["dob"] = q["dob"][:7] if q["dob"] else None
        out.append(("partial DOB", q))
    out += [("FIN only", _only("fin", r["fin"])) for r in records if r["fin"]][: per_kind // 4]
    out += [("unknown name", {"last_name": f"ZQX{n}QZ", "first_name": "NOBODY",
                              "dob": f"{1950 + n % 50}-01-01"})
            for n in range(per_kind // 4)]  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--extract", type=Path, help="default: <data>/../extract")
    parser.add_argument("--per-kind", type=int, default=600)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    extract: Path = args.extract or args.data.parent / "extract"
    queries = _queries(extract, args.per_kind, args.seed)
    t = time.perf_counter()
    resolver = Resolver.load(args.data)
    load_s = time.perf_counter() - t
    for _, q in queries:  # warm: lazy vocabularies, name symbols, caches
        resolver.resolve(q)
    gc.collect()
    gc.freeze()  # as the desk does after loading the index
    cpu: dict[str, list[int]] = {}
    levels: dict[str, Counter[str]] = {}
    for kind, q in queries:
        t0 = time.process_time_ns()
        result = resolver.resolve(q)
        cpu.setdefault(kind, []).append(time.process_time_ns() - t0)
        levels.setdefault(kind, Counter())[str(result.level)] += 1
    table = Table(title=f"Resolver.resolve CPU: {args.data} ({len(resolver.index):,} records, "
                        f"load {load_s:.1f} s)")  # fmt: skip
    for col in ("queries", "n", "p50 ms", "p99 ms", "mean ms", "levels"):
        table.add_column(col, justify="left" if col in ("queries", "levels") else "right")
    everything: list[int] = []
    for kind, ns in cpu.items():
        everything += ns
        ms = np.array(ns) / 1e6
        mix = ", ".join(f"{k} {v}" for k, v in levels[kind].most_common())
        table.add_row(kind, str(len(ns)), f"{np.percentile(ms, 50):.3f}",
                      f"{np.percentile(ms, 99):.3f}", f"{ms.mean():.3f}", mix)  # fmt: skip
    ms = np.array(everything) / 1e6
    table.add_row("all", str(len(ms)), f"{np.percentile(ms, 50):.3f}",
                  f"{np.percentile(ms, 99):.3f}", f"{ms.mean():.3f}", "")  # fmt: skip
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
