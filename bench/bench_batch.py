"""Batch vetting: rows per second end to end (DuckDB engine, optionally Spark) beside a
plain Splink ``link_only`` prediction of the same list against the same records with the
same trained model, and accuracy per band against the generator's truth.

Run: ``.venv/bin/python bench/bench_batch.py [--persons 8000] [--rows 20000]
[--workers 2] [--spark] [--seed 2031] [--noise bench/noise_heldout.toml]
[--keep-result FILE]`` (``--noise``: a held-out world, other noise rates and another
seed, for the thresholds' check; ``--keep-result``: keep the job's ``results.parquet``
to compare two commits' results with ``bench/batch_same_results.py``).

The world (synth → ingest → build) is cached under ``/tmp/vetline-bench-batch/``. The
list: ``--rows`` rows drawn with replacement from the world's persons (their true names
and dates of birth; every other one with its A-number when it has one) plus one row in
five from a second world (another seed) that is not loaded: those must not match
anyone. Truth per row: the list person's true person id, or none. A resolved person is
the true person that holds most of its records (``truth.csv``).

Printed: seconds and rows/s of the batch job and of Splink link_only (its prediction
materialised; no person core, no status, no guard: the floor the issue compares with),
the batch job on Spark local mode (``--spark``) with its results compared row by row;
precision per band, recall of listed world persons in STRONG + REVIEW, U.S. citizens
among lead candidates.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from gauge import gauge_line, host_gauge

CACHE = Path("/tmp/vetline-bench-batch")
AS_OF = date(2026, 11, 1)


def _vetline(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "vetline.cli", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def world(persons: int, seed: int, *, build: bool = True, noise: Path | None = None) -> Path:
    tag = f"-{noise.stem}" if noise else ""
    folder = CACHE / f"synth-p{persons}-s{seed}{tag}"
    done = folder / ("built" if build else "made")
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        extra = ["--noise", str(noise)] if noise else []
        _vetline("synth", "--persons", str(persons), "--seed", str(seed),
                 "--out", str(folder / "extract"), *extra)  # fmt: skip
        if build:
            _vetline("ingest", str(folder / "extract"), "--data", str(folder / "data"))
            _vetline("build", "--data", str(folder / "data"))
        done.write_text("ok")
    return folder


def make_list(
    base: Path, other: Path, rows: int, seed: int, out: Path
) -> list[tuple[str | None, str]]:
    """The list file and, per row, (true person id or None, us_citizen Y/N)."""
    rng = random.Random(seed)

    def facts(folder: Path) -> list[dict[str, str]]:
        with (folder / "extract" / "person_facts.csv").open(encoding="utf-8") as handle:
            return [f for f in csv.DictReader(handle) if f["true_last_name"]]

    mine, strangers = facts(base), facts(other)
    truth: list[tuple[str | None, str]] = []
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["list_ref", "last_name", "first_name", "dob", "sex", "a_number"])
        for n in range(rows):
            outsider = n % 5 == 4
            f = rng.choice(strangers if outsider else mine)
            a = f["a_number"] if n % 2 == 0 and not outsider else ""
            writer.writerow([f"R{n}", f["true_last_name"], f["true_first_name"], f["true_dob"],
                             f["sex"], a])  # fmt: skip
            truth.append((None if outsider else f["person_id"], f["us_citizen"]))
    return truth


def resolved_to_true(data: Path, extract: Path) -> dict[str, str]:
    import duckdb

    from vetline.resolve.layout import read_person_records

    persons_ = read_person_records(data, ["source", "record_id", "person_id"])  # noqa: F841
    sql = f"""
    WITH r AS (SELECT source, record_id, person_id FROM persons_),
         t AS (SELECT source, record_id, person_id AS true_id FROM read_csv(
                 '{extract}/truth.csv', all_varchar = true)),
         c AS (SELECT r.person_id, t.true_id, count(*) n FROM r JOIN t USING (source, record_id)
               GROUP BY 1, 2)
    SELECT person_id, arg_max(true_id, n) FROM c GROUP BY 1"""
    relation = duckdb.sql(sql)
    assert relation is not None  # a SELECT: duckdb.sql gives None only for other statements
    return dict(relation.fetchall())


def splink_link_only(data: Path, listed: Path) -> tuple[float, int]:
    """Seconds and pairs of a plain Splink link_only predict of the list vs the records."""
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from vetline.resolve.comparisons import BLOCKING_RULES, COMPARISONS
    from vetline.resolve.config import ResolveSettings
    from vetline.resolve.layout import model_file
    from vetline.resolve.match_table import _read_records, build_match_table
    from vetline.resolve.model import MatchModel
    from vetline.resolve.splink_model import splink_comparison
    from vetline.resolve.standardise import standardise_frame

    model = MatchModel.load(model_file(data))
    records = build_match_table(_read_records(data))
    frame = pd.read_csv(listed, dtype=str, keep_default_na=False).replace("", None)
    frame.insert(0, "source", "list")
    frame.insert(1, "record_id", frame["list_ref"])
    started = time.perf_counter()
    queries = standardise_frame(frame)
    settings = SettingsCreator(
        link_type="link_only", unique_id_column_name="unique_id",
        comparisons=[splink_comparison(c, model) for c in COMPARISONS],
        blocking_rules_to_generate_predictions=[block_on(*r) for r in BLOCKING_RULES],
        probability_two_random_records_match=model.prior, retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )  # fmt: skip
    api = DuckDBAPI()
    linker = Linker([api.register(records), api.register(queries)], settings)
    threshold = ResolveSettings.load(data).predict_threshold
    # splink's SplinkDataFrame.as_pandas_dataframe has no annotations
    pairs = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()  # type: ignore[no-untyped-call]
    return time.perf_counter() - started, len(pairs)


def _cpu() -> float:
    """User + system CPU seconds of this process and its finished children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _load() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=8000)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2031)
    parser.add_argument("--spark", action="store_true")
    parser.add_argument("--chunk-rows", type=int, default=500)
    parser.add_argument("--noise", type=Path, help="held-out noise TOML for the world")
    parser.add_argument(
        "--keep-result", type=Path,
        help="copy the DuckDB job's results.parquet here (compare two commits' results "
        "with bench/batch_same_results.py)",
    )  # fmt: skip
    args = parser.parse_args()
    console = Console()
    base = world(args.persons, args.seed, noise=args.noise)
    other = world(max(1000, args.persons // 4), args.seed + 1, build=False)
    data = base / "data"
    work = Path(tempfile.mkdtemp(prefix="vetline-bench-batch-"))
    listed = work / "list.csv"
    truth = make_list(base, other, args.rows, args.seed, listed)

    from vetline.batch import JobRequest, load_batch_policy, run_job

    base_policy = load_batch_policy()
    policy = base_policy.model_copy(
        update={"job": base_policy.job.model_copy(update={"chunk_rows": args.chunk_rows})}
    )
    request = JobRequest(
        list_path=listed, purpose="benchmark", authority="bench", requester="bench",
        data_dir=data, workers=args.workers, as_of=AS_OF,
    )  # fmt: skip
    from vetline.batch.engines import scorer_for
    from vetline.resolve.given_names import given_symbols

    cpu0, started = _cpu(), time.perf_counter()
    scorer_for(data, policy.model_dump_json(), AS_OF.isoformat())  # the load, timed apart
    # The given-name library (rigour's data, ~5 s CPU once per process): the list's
    # strangers carry names the index never saw, so the job loads it once before its
    # workers fork. Loaded here, in the load row, so neither the batch nor the Splink
    # run below (same process, same standardisation) is charged with it.
    given_symbols("BENCHWARMUPNAME")
    load_s, load_cpu = time.perf_counter() - started, _cpu() - cpu0
    gauge_before = host_gauge()
    cpu0, started = _cpu(), time.perf_counter()
    run_job(request, work / "duck", policy)
    duck_s, duck_cpu = time.perf_counter() - started, _cpu() - cpu0
    cpu0, started = _cpu(), time.perf_counter()
    splink_s, pairs = splink_link_only(data, listed)
    splink_cpu = _cpu() - cpu0
    gauge_after = host_gauge()
    title = f"batch: {args.rows:,} rows vs the {args.persons:,}-person world ({_load()})"
    table = Table(title=title)
    for column in ("run", "wall s", "rows/s (wall)", "CPU s", "rows per CPU s"):
        table.add_column(column)
    table.add_row("load person index + records + name library (once per job)", f"{load_s:.1f}", "",
                  f"{load_cpu:.1f}", "")  # fmt: skip
    table.add_row(f"vetline batch (duckdb, {args.workers} workers)", f"{duck_s:.1f}",
                  f"{args.rows / duck_s:,.0f}", f"{duck_cpu:.1f}",
                  f"{args.rows / duck_cpu:,.0f}")  # fmt: skip
    table.add_row(f"Splink link_only predict ({pairs:,} pairs)", f"{splink_s:.1f}",
                  f"{args.rows / splink_s:,.0f}", f"{splink_cpu:.1f}",
                  f"{args.rows / splink_cpu:,.0f}")  # fmt: skip
    results = pd.read_parquet(work / "duck" / "results.parquet")
    if args.keep_result is not None:
        shutil.copyfile(work / "duck" / "results.parquet", args.keep_result)
    if args.spark:
        from dataclasses import replace

        started = time.perf_counter()
        run_job(replace(request, engine="spark", spark_master=f"local[{args.workers}]"),
                work / "spark", policy)  # fmt: skip
        spark_s = time.perf_counter() - started
        same = results.equals(pd.read_parquet(work / "spark" / "results.parquet"))
        table.add_row(f"vetline batch (spark local[{args.workers}]), identical: {same}",
                      f"{spark_s:.1f}", f"{args.rows / spark_s:,.0f}", "", "")  # fmt: skip
    console.print(table)
    console.print(gauge_line(gauge_before, gauge_after))

    to_true = resolved_to_true(data, base / "extract")
    bands: dict[str, Counter[str]] = {}
    found_world = listed_world = citizens_as_leads = leads = wrong_leads = 0
    row: Any  # itertuples(): a field per column
    for row, (true_id, citizen) in zip(results.itertuples(), truth, strict=True):
        got = to_true.get(row.person_id) if row.person_id else None
        verdict = "right" if got is not None and got == true_id else "wrong"
        if row.person_id is None:
            verdict = "missed" if true_id else "right"
        bands.setdefault(row.match_band, Counter())[verdict] += 1
        if true_id is not None:
            listed_world += 1
            found_world += row.match_band in ("STRONG", "REVIEW") and got == true_id
        leads += bool(row.lead_candidate)
        wrong_leads += bool(row.lead_candidate) and verdict != "right"
        citizens_as_leads += bool(row.lead_candidate) and citizen == "Y"
    acc = Table(title="accuracy per band (truth: the generator's person ids)")
    for column in ("band", "rows", "right person", "wrong person", "no person", "precision"):
        acc.add_column(column)
    for band in ("STRONG", "REVIEW", "WEAK", "NONE", "REJECTED"):
        c = bands.get(band, Counter())
        matched = c["right"] + c["wrong"]
        precision = f"{c['right'] / matched:.4f}" if matched and band != "NONE" else "-"
        acc.add_row(band, str(sum(c.values())), str(c["right"]), str(c["wrong"]),
                    str(c["missed"]), precision)  # fmt: skip
    console.print(acc)
    console.print(
        f"recall of listed world persons in STRONG + REVIEW: "
        f"{found_world / max(listed_world, 1):.4f} ({found_world}/{listed_world}); "
        f"lead candidates {leads}, wrong person among them {wrong_leads}, "
        f"U.S. citizens among them {citizens_as_leads}"
    )
    print(json.dumps({"rows": args.rows, "batch_s": round(duck_s, 1),
                      "splink_s": round(splink_s, 1)}))  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
