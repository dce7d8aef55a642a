"""Importing a large batch result into leads: verify (SHA-256, schema, rows), divert,
create leads, draw the audit sample — one transaction, on SQLite (default) or a URL.

The result is synthetic in the docs/batch-results.md shape: ``--rows`` rows with a band mix like a
list run (STRONG 2 %, of which 70 % lead candidates; 0.3 % citizenship signs; REVIEW 3 %,
WEAK 5 %, NONE the rest) over ``--rows / 4`` distinct persons (so duplicates are met).
Prints one JSON line: rows, leads, timings, peak RSS. Also times reading the blind sample
and a job's precision (what the analysts' screens ask for).

    .venv/bin/python bench/bench_leads.py --rows 1000000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "leads"))
from leadhelpers import SCHEMA

import vetline.audit  # noqa: F401 - installs the audit event writer units of work use
from vetline.auth.roles import RowScope, ScopeKind
from vetline.db import Actor, Database, upgrade
from vetline.leads import LeadsService, load_leads_policy


def synthetic_result(folder: Path, rows: int, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    u = rng.random(rows)
    band = np.select(
        [u < 0.02, u < 0.05, u < 0.10, u < 0.999], ["STRONG", "REVIEW", "WEAK", "NONE"], "REJECTED"
    )
    person = np.char.add("P", rng.integers(0, max(1, rows // 4), rows).astype(str))
    has_person = band != "NONE"
    sign = (rng.random(rows) < 0.003) & has_person
    strong = band == "STRONG"
    candidate = strong & (rng.random(rows) < 0.7) & ~sign
    basis = np.where(candidate, "IDENTIFIER", np.where(has_person, "BIOGRAPHIC", "NONE"))
    table = pa.table(
        {
            "row_number": pa.array(np.arange(rows), pa.int64()),
            "list_ref": pa.array(np.char.add("L", np.arange(rows).astype(str))),
            "match_band": pa.array(band),
            "person_id": pa.array(np.where(has_person, person, np.array(None))),
            "probability": pa.array(np.where(has_person, rng.random(rows), np.nan)),
            "status_code": pa.array(np.where(candidate, "FINAL_ORDER", "UNKNOWN")),
            "removable": pa.array(candidate),
            "removability": pa.array(np.where(candidate, "INA 237(a)(1)(A)", "")),
            "flags": pa.array(np.where(sign, "POSSIBLE_US_CITIZEN", "")),
            "priority": pa.array(rng.integers(1, 5, rows), pa.int64()),
            "priority_reasons": pa.array(np.full(rows, "felony_conviction")),
            "reasons": pa.array(np.full(rows, "a_number exact;dob exact;name close")),
            "identity_basis": pa.array(basis),
            "lead_candidate": pa.array(candidate),
            "needs_review": pa.array(band == "REVIEW"),
            "citizenship_sign": pa.array(sign),
        },
        schema=SCHEMA,
    )
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, folder / "results.parquet")
    digest = hashlib.sha256((folder / "results.parquet").read_bytes()).hexdigest()
    values, counts = np.unique(band, return_counts=True)
    manifest = {
        "job_id": f"bench-{rows}",
        "purpose": "bench",
        "authority": "bench",
        "source_name": "bench",
        "source_version": "1",
        "retention_until": "2027-12-31",
        "requester": "bench",
        "input_sha256": "0" * 64,
        "input_rows": rows,
        "model_version": "bench",
        "thresholds": {},
        "engine": "duckdb",
        "started_at": "",
        "finished_at": "",
        "result_sha256": digest,
        "counts": {str(v): int(c) for v, c in zip(values, counts, strict=True)},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db-url", default=None, help="default: SQLite in a temporary folder")
    parser.add_argument("--postgres", action="store_true", help="on a throwaway PostgreSQL")
    args = parser.parse_args()
    server = None
    if args.postgres:
        from vetline.db.pgserver import PostgresServer, find_pg_bin

        bin_dir = find_pg_bin()
        if bin_dir is None:
            raise SystemExit("no PostgreSQL binaries (set VETLINE_PG_BIN)")
        server = PostgresServer(bin_dir)
        server.start()
        args.db_url = server.create_database("bench")
    try:
        run(args)
    finally:
        if server is not None:
            server.stop()


def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = synthetic_result(Path(tmp) / "result", args.rows, args.seed)
        database = Database.from_url(args.db_url or f"sqlite:///{tmp}/bench.db")
        upgrade(database.engine)
        service = LeadsService(database, None, policy=load_leads_policy())
        actor = Actor(user_id=None, username="bench", via="cli")
        cpu0, t0 = time.process_time(), time.perf_counter()
        summary = service.import_folder(folder, actor)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        t1 = time.perf_counter()
        job = service.job(summary["job_id"], actor)
        sample = service.sample(summary["job_id"], actor)
        first = service.leads(actor, RowScope(ScopeKind.ALL), limit=100)
        reads = time.perf_counter() - t1
        database.dispose()
    print(
        json.dumps(
            {
                "db": database.dialect,
                "rows": args.rows,
                "leads_created": summary["leads_created"],
                "citizenship_diverted": summary["citizenship_diverted"],
                "not_duplicated": summary["not_duplicated"],
                "sampled": sum(summary["sampled"].values()),
                "import_wall_s": round(wall, 2),
                "import_cpu_s": round(cpu, 2),
                "rows_per_s": round(args.rows / wall),
                "reads_s": round(reads, 3),
                "job_bands": len(job.precision),
                "sample_items": len(sample),
                "first_page": len(first),
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
