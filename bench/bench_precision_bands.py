"""Measured precision per match-probability band: the table the web app shows beside a
candidate's probability (``src/vetline/data/precision_bands.csv``).

Run (from the repository root)::

    .venv/bin/python bench/bench_precision_bands.py --persons 4000 --seed 2027 --write

A ``vetline.synth`` world (a seed the model was never tuned on) is generated, ingested and
built. Every person in the records is then asked about twice, the desk's way through the
resolver: once with their true name, date of birth, sex and birth country, once with the
values one of their own records holds (typos, swapped dates, identifiers as recorded: what
an officer copies from a document). The top person's probability picks the band; the
answer is correct when that person's records belong, by majority, to the true person
(``truth.csv``). Precision = correct / answers in the band. Truth is read only to score.

``--write`` writes the table with its source (world, seed, persons, date) in each row.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from vetline.person.records import MemoryRecords
from vetline.records import ingest_extract
from vetline.resolve import Resolver, Subject, build_persons
from vetline.resolve.layout import read_person_records
from vetline.synth import NoiseConfig, generate_extract

BANDS = ((0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 0.99), (0.99, 0.999),
         (0.999, 0.9999), (0.9999, 1.0))  # fmt: skip
OUT = Path(__file__).resolve().parents[1] / "src" / "vetline" / "data" / "precision_bands.csv"
FIELDS = ("last_name", "first_name", "middle_name", "dob", "sex", "birth_country",
          "a_number", "fin", "fbi_number", "ssn", "passport_number", "sid")  # fmt: skip


def _clean(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def band_of(p: float) -> int:
    for i, (low, high) in enumerate(BANDS):
        if low <= p < high or (high >= 1.0 and p >= 1.0):
            return i
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--work", type=Path, default=Path("/tmp/vetline-bench-bands"))
    parser.add_argument("--write", action="store_true", help=f"write {OUT.name}")
    args = parser.parse_args()
    root = args.work / f"synth-p{args.persons}-s{args.seed}"
    extract, data = root / "extract", root / "data"
    started = time.perf_counter()
    if not (extract / "truth.csv").exists():
        shutil.rmtree(root, ignore_errors=True)
        generate_extract(extract, persons=args.persons, seed=args.seed, noise=NoiseConfig())
    if not (data / "store").exists():
        ingest_extract(extract, data)
    if not (data / "persons" / "records.parquet").exists():
        build_persons(data)
    print(f"world ready in {time.perf_counter() - started:.1f} s", flush=True)
    truth = pd.read_csv(extract / "truth.csv", dtype=str)
    facts = pd.read_csv(extract / "person_facts.csv", dtype=str).set_index("person_id")
    built = read_person_records(data, ["source", "record_id", "person_id"]).to_pandas()
    built = built.merge(truth.rename(columns={"person_id": "truth"}), on=["source", "record_id"])
    owner = built.groupby("person_id")["truth"].agg(lambda s: s.value_counts().index[0])
    resolver, records = Resolver.load(data), MemoryRecords.load(data)
    rng = random.Random(args.seed)
    seen, right = Counter[int](), Counter[int]()
    by_truth = truth.groupby("person_id")
    asked = 0
    for person_id, group in by_truth:
        if person_id not in facts.index:
            continue
        fact = facts.loc[person_id]
        true_subject = {
            "last_name": fact.get("true_last_name"),
            "first_name": fact.get("true_first_name"),
            "dob": fact.get("true_dob"),
            "sex": fact.get("sex"),
            "birth_country": fact.get("birth_country"),
        }
        key = group.sample(1, random_state=rng.randrange(2**31)).iloc[0]
        row = records.fetch([(key["source"], key["record_id"])])
        as_recorded = {f: row[0].get(f) for f in FIELDS} if row else {}
        for subject in (true_subject, as_recorded):
            given = {k: v for k, v in ((k, _clean(v)) for k, v in subject.items()) if v}
            if not given.get("last_name") and not given.get("first_name"):
                continue
            result = resolver.resolve(Subject(**given))
            asked += 1
            if result.person_id is None or not result.candidates:
                continue
            band = band_of(float(result.probability))
            seen[band] += 1
            right[band] += owner.get(result.person_id) == person_id
    elapsed = time.perf_counter() - started
    source = (f"bench/bench_precision_bands.py, synth world seed {args.seed}, "
              f"{args.persons} persons, {date.today().isoformat()}")  # fmt: skip
    rows = []
    for i, (low, high) in enumerate(BANDS):
        n, ok = seen[i], right[i]
        rows.append({"low": low, "high": high, "pairs": n, "correct": ok,
                     "precision": f"{ok / n:.4f}" if n else "", "source": source})  # fmt: skip
    print(f"{asked} queries in {elapsed:.1f} s")
    print("| band | answers | correct | precision |\n|---|---|---|---|")
    for r in rows:
        shown = r["precision"] or "—"
        print(f"| {r['low']}–{r['high']} | {r['pairs']} | {r['correct']} | {shown} |")
    if args.write:
        with OUT.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
