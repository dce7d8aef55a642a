"""Loader throughput: ingest an extract of ~1M records and print a table.

    .venv/bin/python bench/bench_ingest.py                     # 1M records, simple generator
    .venv/bin/python bench/bench_ingest.py --records 200000
    .venv/bin/python bench/bench_ingest.py --generator synth --persons 300000
    .venv/bin/python bench/bench_ingest.py --extract DIR       # an extract you already have

The extract comes from ``vetline.synth.generate_extract`` (``--generator synth``) or from a
fast vectorised generator in this file (default: exact record counts, realistic name
cardinality with diacritics, ~0.5% bad rows). Each ingest runs in a child process so the
peak RSS reported is the loader's own. A second ingest of the same extract measures the
idempotent re-load (everything "already loaded").
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

SHARES = {
    "status": 0.25,
    "entry_exit": 0.20,
    "encounters": 0.08,
    "court": 0.05,
    "criminal": 0.20,
    "custody": 0.10,
    "biometric": 0.07,
    "interpol": 0.02,
    "warrants": 0.03,
}
SYLLABLES = [
    "gar",
    "ci",
    "lo",
    "pez",
    "ngu",
    "yen",
    "al",
    "has",
    "san",
    "mar",
    "tin",
    "ro",
    "dri",
    "guez",
    "her",
    "nan",
    "dez",
    "kim",
    "park",
    "lee",
    "o'bri",
    "en",
    "smi",
    "th",
    "jo",
    "han",
    "sen",
    "mül",
    "ler",
    "gon",
    "za",
    "lez",
    "pé",
    "rez",
    "sán",
    "chez",
    "çe",
    "lik",
    "wó",
    "jcik",
    "ra",
    "mí",
    "rez",
    "flo",
    "res",
    "tor",
    "res",
    "ri",
    "ve",
    "ra",
    "cruz",
    "mo",
    "ra",
    "les",
    "or",
    "tiz",
    "gu",
    "tiér",
    "rez",
    "cas",
    "ti",
    "llo",
]
FIRST = [
    "Juan",
    "María",
    "José",
    "Luis",
    "Ana",
    "Carlos",
    "Sofía",
    "Miguel",
    "Thi",
    "Minh",
    "Wei",
    "Fatima",
    "Ahmed",
    "Olga",
    "Iván",
    "Chloé",
    "Zoë",
    "Łukasz",
    "Jürgen",
    "Seán",
    "Nguyen",
    "Mohammed",
    "Aisha",
    "Pedro",
    "Lucía",
    "Jorge",
    "Elena",
    "Diego",
]


def _names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Surnames from two syllables (~6,000 distinct), 20% compound; upper or title case."""
    syl = np.array(SYLLABLES)
    last = np.char.add(syl[rng.integers(0, len(syl), n)], syl[rng.integers(0, len(syl), n)])
    compound = rng.random(n) < 0.2
    second = np.char.add(syl[rng.integers(0, len(syl), n)], syl[rng.integers(0, len(syl), n)])
    last = np.where(compound, np.char.add(np.char.add(last, " "), second), last)
    upper = rng.random(n) < 0.5
    last = np.where(upper, np.char.upper(last), np.char.title(last))
    first = np.array(FIRST)[rng.integers(0, len(FIRST), n)]
    return last, first


def _dates(rng: np.random.Generator, n: int, lo: int, hi: int) -> list[str | None]:
    days = rng.integers(lo, hi, n).astype("datetime64[D]")
    out = np.datetime_as_string(days).astype(object)
    partial = rng.random(n)
    out[partial < 0.03] = [s[:7] for s in out[partial < 0.03]]
    out[partial > 0.99] = [s[:4] for s in out[partial > 0.99]]
    return list(out)


def _event(source: str, rng: np.random.Generator, n: int) -> dict[str, list[str | None]]:
    from vetline.records.contract import SOURCES
    from vetline.status import load_policy

    cols: dict[str, list[str | None]] = {}
    for col in SOURCES[source]:
        if col.name == "charge_code":  # the loader takes 4-digit NCIC codes only
            codes = np.array(sorted(load_policy().charges.rows))
            cols[col.name] = codes[rng.integers(0, len(codes), n)].tolist()
        elif col.kind == "date":
            cols[col.name] = _dates(rng, n, 10_000, 20_000)
        elif col.kind in ("enum", "yn"):
            allowed = sorted(col.allowed) if col.kind == "enum" else ["Y", "N"]
            cols[col.name] = np.array(allowed)[rng.integers(0, len(allowed), n)].tolist()
        elif col.kind == "int":
            cols[col.name] = [str(v) for v in rng.integers(0, 2000, n)]
        elif col.kind == "a_number_list":
            cols[col.name] = [None] * n
        else:
            cols[col.name] = [f"{col.name[:3].upper()}{v}" for v in rng.integers(0, 99_999, n)]
    return cols


def simple_extract(out: Path, records: int, seed: int = 1) -> None:
    """Write ``records`` rows across all sources as CSV (vectorised, ~10 s per million)."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    persons = max(records // 3, 1)  # each person appears in ~3 records, as in real extracts
    p_last, p_first = _names(rng, persons)
    p_dob = np.array(_dates(rng, persons, -20_000, 19_000), dtype=object)
    p_a = rng.integers(10_000_000, 999_999_999, persons)
    p_has_a = rng.random(persons) < 0.6
    for source, share in SHARES.items():
        n = int(records * share)
        who = rng.integers(0, persons, n)
        cols: dict[str, list[str | None]] = {
            "record_id": [f"{source[:3].upper()}{i:08d}" for i in range(n)],
            "last_name": p_last[who].tolist(),
            "first_name": p_first[who].tolist(),
            "dob": p_dob[who].tolist(),
            "sex": np.array(["M", "F", "m", ""])[rng.integers(0, 4, n)].tolist(),
            "birth_country": np.array(["MX", "SV", "GT", "US", "VN", "IN"])[
                rng.integers(0, 6, n)
            ].tolist(),
            "a_number": [f"A{p_a[w]}" if p_has_a[w] else None for w in who.tolist()],
            "ssn": [None] * n,
            "state": np.array(["CA", "TX", "NY", "FL", "IL"])[rng.integers(0, 5, n)].tolist(),
            "zip": [f"{v:05d}" for v in rng.integers(501, 99_950, n)],
        }
        if source == "biometric":
            cols["fin"] = [str(v) for v in rng.integers(10**9, 10**10, n)]
        cols.update(_event(source, rng, n))
        bad = rng.random(n) < 0.005  # ~0.5% bad rows: impossible dates
        cols["dob"] = [("1985-02-30" if b else d) for d, b in zip(cols["dob"], bad, strict=True)]
        table = pa.table({k: pa.array(v, pa.string()) for k, v in cols.items()})
        pacsv.write_csv(table, out / f"{source}.csv")


def _child(extract: Path, data: Path) -> None:
    from vetline.records import ingest_extract

    started = time.perf_counter()
    report = ingest_extract(extract, data)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    per_source = {
        s: {
            "accepted": c.accepted,
            "rejected": c.rejected,
            "duplicate": c.duplicate,
            "seconds": c.seconds,
        }
        for s, c in report.sources.items()
    }
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb, "sources": per_source}))


def _run(extract: Path, data: Path) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--child", str(extract), str(data)]
    done = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"ingest failed:\n{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _table(label: str, result: dict[str, object]) -> None:
    sources = result["sources"]
    assert isinstance(sources, dict)
    total = sum(
        int(c["accepted"]) + int(c["rejected"]) + int(c["duplicate"]) for c in sources.values()
    )
    seconds = float(str(result["seconds"]))
    print(f"\n{label}")
    print(f"{'source':<12}{'accepted':>12}{'rejected':>10}{'already':>12}{'seconds':>10}")
    for source, c in sources.items():
        print(
            f"{source:<12}{c['accepted']:>12,}{c['rejected']:>10,}{c['duplicate']:>12,}"
            f"{c['seconds']:>10.2f}"
        )
    print(
        f"{'records':<12}{total:>12,}   seconds {seconds:.2f}   records/s {total / seconds:,.0f}"
        f"   CPU {float(str(result['cpu'])):.1f} s"
        f"   peak RSS {float(str(result['peak_mb'])):,.0f} MiB"
    )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--extract", type=Path, help="use this extract instead of generating one")
    parser.add_argument("--generator", choices=("simple", "synth"), default="simple")
    parser.add_argument(
        "--persons",
        type=int,
        default=250_000,
        help="persons for --generator synth (~4 records each)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vetline-bench-ingest-"))
    try:
        extract = args.extract
        if extract is None:
            extract = work / "extract"
            started = time.perf_counter()
            if args.generator == "synth":
                from vetline.synth import NoiseConfig, generate_extract

                generate_extract(extract, persons=args.persons, seed=1, noise=NoiseConfig())
            else:
                simple_extract(extract, args.records)
            print(
                f"generated {extract} ({args.generator}) in {time.perf_counter() - started:.1f} s"
            )
        size = sum(p.stat().st_size for p in extract.iterdir() if p.is_file())
        print(f"extract size {size / 2**20:,.0f} MiB")
        data = work / "data"
        _table("first ingest (empty store)", _run(extract, data))
        _table("second ingest of the same extract (idempotent)", _run(extract, data))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
