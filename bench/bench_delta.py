"""Daily updates without a rebuild (issue 18 goal 4): a delta extract applied to a built
world by ``vetline ingest`` + ``vetline update``, against a full rebuild on all records.

Three steps, so the slow setup (the base build, the reference rebuild) runs once and the
measured step stays short on a shared machine:

``prepare``: split a synthetic extract into a *base* extract and a *delta* extract —
``--new`` records held out of the base (they arrive in the delta: new persons and new
records of known persons) and ``--changed`` records whose base version lacks its
identifiers (A-number, FIN, SSN) and whose delta version has them (a source completing a
record), so the delta exercises both paths::

    python bench/bench_delta.py prepare --world W --out /tmp/delta --new 45000 --changed 5000

then, once: ``vetline ingest OUT/base --data OUT/base-data && vetline build --data
OUT/base-data`` (the base world), and the reference: a copy of the base data folder with
the delta ingested and rebuilt in full (``OUT/full-data``).

``run``: copy the base data folder, ingest the delta, apply ``update_persons`` (timed by
stage, peak RSS), and compare the persons with the reference rebuild's: the share of
records whose person (as a set of records) is the same, and the differing ones listed::

    python bench/bench_delta.py run --out /tmp/delta

``run`` also compares the person files with ``OUT/main-delta-data`` when that folder
exists (the same delta applied by another version of the code, e.g. main's: ``run
--work main-delta-data`` with that code), record for record through the one reader
(``compare-files A B`` does it for any two folders): "persons identical to main's".

``grow``: a delta for a world already built from a whole extract (the 10M world, where
no base is split off and no reference rebuild is affordable): every record of a second,
independent synthetic extract (``--add``, e.g. ``vetline synth --persons 11250 --seed 77
--format parquet``) with its record ids prefixed so they are new to the store (new
persons), plus ``--changed`` records of the world's extract re-issued with the A-number
their person holds (``person_facts.csv``) where the record had none (a source completing
a record)::

    python bench/bench_delta.py grow --world W --add S77 --out OUT --changed 5000

Known flaw: synthetic worlds number their identifiers alike whatever the seed, so most
of the added world's FINs (9,028 of 10,197 biometric ones at 10M) and some A-numbers
already belong to persons of ``W``: the "new persons" share identifiers with old ones.
The added world's identifiers should be re-numbered (not done yet; bench/README.md).

``live``: the cost of one live ``Resolver.add_records`` per record (the old per-record
array copies) on the built base world, for ``--records`` records.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import time
from pathlib import Path
from typing import Any

import pandas as pd

SOURCES_SKIP = {"truth", "truth_noise", "person_facts"}
IDENTIFIERS = ("a_number", "fin", "ssn")


def prepare(world: Path, out: Path, new: int, changed: int, seed: int) -> None:
    rng = random.Random(seed)
    frames = {
        p.stem: pd.read_csv(p, dtype=str, keep_default_na=False)
        for p in sorted(world.glob("*.csv"))
        if p.stem not in SOURCES_SKIP
    }
    keys = [(s, i) for s, f in frames.items() for i in range(len(f))]
    picked = rng.sample(keys, new + changed)
    held = set(picked[:new])
    touched = set(picked[new:])
    (out / "base").mkdir(parents=True, exist_ok=True)
    (out / "delta").mkdir(parents=True, exist_ok=True)
    counts = {"new": 0, "changed": 0}
    for source, frame in frames.items():
        new_rows = [i for i in range(len(frame)) if (source, i) in held]
        changed_rows = [
            i
            for i in range(len(frame))
            if (source, i) in touched and any(frame.at[i, c] for c in IDENTIFIERS if c in frame)
        ]
        base = frame.drop(index=new_rows)
        for c in IDENTIFIERS:
            if c in base.columns:
                base.loc[base.index.isin(changed_rows), c] = ""
        base.to_csv(out / "base" / f"{source}.csv", index=False)
        delta = frame.loc[sorted(new_rows + changed_rows)]
        if len(delta):
            delta.to_csv(out / "delta" / f"{source}.csv", index=False)
        counts["new"] += len(new_rows)
        counts["changed"] += len(changed_rows)
    (out / "delta.json").write_text(json.dumps(counts))
    print(json.dumps(counts))


def grow(world: Path, add: Path, out: Path, changed: int, prefix: str, seed: int) -> None:
    """Write ``OUT/delta``: ``add``'s records (ids prefixed) and ``changed`` records of
    ``world`` given their person's A-number (see module). Only the ids and A-numbers of
    the world's records are read whole."""
    import pyarrow.compute as pc
    import pyarrow.csv as pv
    import pyarrow.parquet as pq

    truth = pv.read_csv(world / "truth.csv").to_pandas()
    facts = pv.read_csv(
        world / "person_facts.csv",
        convert_options=pv.ConvertOptions(
            include_columns=["person_id", "a_number"], column_types={"a_number": "string"}
        ),
    ).to_pandas()
    facts = facts[facts["a_number"].fillna("") != ""]
    a_number = facts.set_index("person_id")["a_number"]
    truth = truth[truth["person_id"].isin(a_number.index)]
    candidates: list[tuple[str, str, str]] = []
    for path in sorted(world.glob("*.parquet")):
        if "a_number" not in pq.read_schema(path).names:
            continue
        ids = pq.read_table(path, columns=["record_id", "a_number"])
        empty = pc.fill_null(pc.equal(ids.column("a_number"), ""), True)
        lacking = ids.filter(empty).column("record_id").to_pandas()
        mine = truth[(truth["source"] == path.stem) & truth["record_id"].isin(lacking)]
        candidates += list(zip(mine["source"], mine["record_id"], mine["person_id"], strict=True))
    picked = random.Random(seed).sample(sorted(candidates), min(changed, len(candidates)))
    (out / "delta").mkdir(parents=True, exist_ok=True)
    counts = {"new": 0, "changed": 0}
    for source in sorted({s for s, _, _ in picked} | {p.stem for p in add.glob("*.parquet")}):
        parts = []
        given = {r: p for s, r, p in picked if s == source}
        if given:
            table = pq.read_table(
                world / f"{source}.parquet", filters=[("record_id", "in", list(given))]
            )
            rows = table.to_pandas()
            rows["a_number"] = rows["record_id"].map(given).map(a_number)
            parts.append(rows)
            counts["changed"] += len(rows)
        if (add / f"{source}.parquet").exists():
            rows = pd.read_parquet(add / f"{source}.parquet")
            rows["record_id"] = prefix + rows["record_id"]
            parts.append(rows)
            counts["new"] += len(rows)
        pd.concat(parts, ignore_index=True).to_parquet(out / "delta" / f"{source}.parquet")
    (out / "delta.json").write_text(json.dumps(counts))
    print(json.dumps(counts))


def _persons(data: Path) -> pd.Series:
    from vetline.resolve.layout import read_person_records

    frame = read_person_records(data, ["unique_id", "person_id"]).to_pandas()
    return pd.Series(frame["person_id"].to_numpy(), index=frame["unique_id"].to_numpy())


def compare_files(a: Path, b: Path) -> dict[str, object]:
    """Whether two updated folders hold the same person files, read through the one
    reader (a build's base alone, or base + an update's parts): records (key, person,
    version), persons (every column but ``since``, the time a new person was made: its
    differences counted) and links, row for row."""
    from vetline.resolve.layout import read_person_links, read_person_records, read_persons

    out: dict[str, object] = {}
    for name, read in (("records", read_person_records), ("persons", read_persons)):
        left, right = read(a).to_pandas(), read(b).to_pandas()
        cols = [c for c in left.columns if c != "since"]
        same = left[cols].reset_index(drop=True).equals(right[cols].reset_index(drop=True))
        out[name] = {"rows": [len(left), len(right)], "identical": bool(same)}
        if name == "persons" and same:  # new persons are stamped when each update ran
            differ = left["since"].to_numpy() != right["since"].to_numpy()
            out["persons_since_differing"] = int(differ.sum())
    la, lb = read_person_links(a), read_person_links(b)
    same_links = la is not None and lb is not None and la.to_pandas().equals(lb.to_pandas())
    out["links"] = {
        "rows": [la.num_rows if la else 0, lb.num_rows if lb else 0],
        "identical": bool(same_links),
    }
    ra, rb = (pd.read_parquet(f / "persons" / "retired.parquet") for f in (a, b))
    out["retired"] = {"rows": [len(ra), len(rb)], "identical": ra.drop(columns="at").equals(
        rb.drop(columns="at"))}  # fmt: skip
    return out


def compare_index(a: Path, b: Path) -> dict[str, object]:
    """Whether two data folders' saved indexes answer alike, loaded as a server loads
    them: every coded column's codes and vocabulary, number column, the rows grouped by
    person, the term frequencies, and each key table's (key, row) entries as a set — a
    key table saved as main arrays plus a tail (``saved.py``) holds the entries one
    merged table holds; the order of a key's rows is never read (``KeyTable``)."""
    import numpy as np
    from numpy.typing import NDArray

    from vetline.resolve import layout
    from vetline.resolve.index import RecordIndex
    from vetline.resolve.saved import _vocab_arrow

    left, right = (RecordIndex.load(layout.index_dir(f)) for f in (a, b))
    out: dict[str, object] = {"rows": [len(left), len(right)]}
    differ = [
        c
        for c in left.coded
        if not np.array_equal(left.coded[c].codes, right.coded[c].codes)
        or not _vocab_arrow(left.coded[c].vocab).equals(_vocab_arrow(right.coded[c].vocab))
    ]
    differ += [c for c in left.ints if not np.array_equal(left.ints[c], right.ints[c], True)]
    differ += [c for c in left.tf if not np.array_equal(left.tf[c], right.tf[c], True)]
    out["columns_differing"] = differ

    def entries(table: Any) -> tuple[NDArray[Any], NDArray[Any]]:
        keys = np.concatenate([table.keys, table.tail_keys])
        rows = np.concatenate([table.rows, table.tail_rows])
        order = np.lexsort((rows, keys))
        return keys[order], rows[order]

    same_keys = []
    for lt, rt in zip(left.keys, right.keys, strict=True):
        (lk, lr), (rk, rr) = entries(lt), entries(rt)
        same_keys.append(bool(np.array_equal(lk, rk) and np.array_equal(lr, rr)))
    out["key_tables_identical"] = f"{sum(same_keys)} of {len(same_keys)}"
    out["key_tails"] = [len(t.tail_keys) for t in left.keys], [len(t.tail_keys) for t in right.keys]
    lp, rp = left._by_person, right._by_person
    out["by_person_identical"] = bool(
        np.array_equal(lp.order, rp.order) and np.array_equal(lp.starts, rp.starts)
    )
    out["symbols_identical"] = left.symbols == right.symbols
    out["identical"] = not differ and all(same_keys) and out["by_person_identical"] and out[
        "symbols_identical"]  # fmt: skip
    return out


def reload_answers(data: Path, delta: Path, every: int, answers: Path) -> dict[str, object]:
    """What a running server's reload does after the update (``PersonLookup.open``, warm:
    the index, the records), then the reloaded resolver asked about every ``every``-th
    delta record (its name, birth date, identifiers as an officer would give them): the
    answers (level, person, probability) written to ``answers`` to compare between two
    folders, and how many name the person the person files give the record."""
    from vetline.person import PersonLookup
    from vetline.resolve.layout import read_person_records
    from vetline.resolve.resolver import Resolver, Subject

    fields = {f for f in Subject.__dataclass_fields__}
    asked: list[tuple[str, dict[str, str]]] = []
    for path in sorted(delta.iterdir()):
        if path.suffix not in (".csv", ".parquet"):
            continue
        frame = (
            pd.read_csv(path, dtype=str, keep_default_na=False)
            if path.suffix == ".csv"
            else pd.read_parquet(path)
        )
        for row in frame.iloc[::every].to_dict("records"):
            subject = {
                str(k): str(v) for k, v in row.items() if k in fields and v not in (None, "")
            }
            subject = {k: v for k, v in subject.items() if v.lower() not in ("nan", "none")}
            asked.append((f"{path.stem}|{row['record_id']}", subject))
    recs = read_person_records(data, ["unique_id", "person_id"], keys=[k for k, _ in asked])
    want = dict(
        zip(recs.column("unique_id").to_pylist(), recs.column("person_id").to_pylist(), strict=True)
    )
    t, c = time.perf_counter(), time.process_time()
    lookup = PersonLookup.open(data, warm=True)
    out: dict[str, object] = {
        "reload_wall_s": round(time.perf_counter() - t, 2),
        "reload_cpu_s": round(time.process_time() - c, 2),
    }
    assert isinstance(lookup.resolver, Resolver)  # PersonLookup.open loads vetline's own
    index = lookup.resolver.index
    held = index.coded["person_id"].values(index.rows_of_keys([k for k, _ in asked]))
    out["index_person_as_files"] = sum(
        want.get(k) == p for (k, _), p in zip(asked, held, strict=True)
    )
    lines, found = [], 0
    t, c = time.perf_counter(), time.process_time()
    for key, subject in asked:
        ans = lookup.resolver.resolve(subject)
        found += ans.person_id == want.get(key)
        lines.append(f"{key}\t{ans.level.name}\t{ans.person_id}\t{ans.probability:.12g}\n")
    out["resolve_cpu_s"] = round(time.process_time() - c, 2)
    answers.write_text("".join(lines))
    out.update({"asked": len(asked), "answered_with_the_record_person": found})
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def agreement(a: pd.Series, b: pd.Series) -> tuple[float, list[str]]:
    """Share of records whose person holds the same records in ``a`` and ``b``."""
    common = a.index.intersection(b.index)
    a, b = a.loc[common], b.loc[common]
    members_a = pd.Series(a.index, index=a.to_numpy()).groupby(level=0).agg(frozenset)
    members_b = pd.Series(b.index, index=b.to_numpy()).groupby(level=0).agg(frozenset)
    same_a = a.map(members_a)
    same_b = b.map(members_b)
    equal = same_a.to_numpy() == same_b.to_numpy()
    differ = [str(k) for k, ok in zip(common, equal, strict=True) if not ok]
    return float(equal.mean()), differ


def _copy_linking(src: str, dst: str) -> object:
    """Hard-link the big files that ingest and update only ever replace by rename or
    leave alone (the store's base files, the index's columns, the desk's mapped rows in
    ``store/.served``), copy the rest: a 10M-record data folder (9 GB, 13 with the mapped
    rows) is ready in seconds and the base is never written through the link."""
    path = Path(src)
    if (
        (path.parent.name == "store" and path.suffix == ".parquet")
        or (path.parent.name == "index" and path.suffix in (".npy", ".arrow"))
        or path.parent.name == ".served"
    ):
        Path(dst).hardlink_to(path)
        return dst
    return shutil.copy2(src, dst)


def run(
    out: Path, work_name: str = "delta-data", link: bool = False, unfiltered: bool = False
) -> None:
    from vetline.records import ingest_extract
    from vetline.resolve import delta
    from vetline.resolve.delta import update_persons

    if unfiltered:  # every pair sharing a key scored, not only the build's (before)
        delta.FILTER_BLOCKS = False

    work = out / work_name
    shutil.rmtree(work, ignore_errors=True)
    copy = _copy_linking if link else shutil.copy2
    shutil.copytree(out / "base-data", work, copy_function=copy)
    adopt = _adopt(work)
    t0, c0 = time.perf_counter(), time.process_time()
    ingest = ingest_extract(out / "delta", work)
    t1, c1 = time.perf_counter(), time.process_time()
    report = update_persons(work)
    t2, c2 = time.perf_counter(), time.process_time()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "ingest_s": round(t1 - t0, 2),
        "update_s": round(t2 - t1, 2),
        "ingest_cpu_s": round(c1 - c0, 2),
        "update_cpu_s": round(c2 - c1, 2),
        "update_stages": report.seconds,
        "update_cpu_stages": report.cpu_seconds,
        "records_new": report.records_new,
        "records_changed": report.records_changed,
        "persons_created": report.created,
        "persons_merged": report.merged,
        "persons_split": report.split,
        "changes": len(report.changes),
        "peak_rss_mb": round(rss),
        "accepted": sum(c.accepted for c in ingest.sources.values()),
        "adopt_cpu_s": adopt,
    }
    result.update(compare(out, work_name))
    if (out / "main-delta-data").exists() and work_name != "main-delta-data":
        result["vs_main_update"] = compare_files(out / "main-delta-data", work)
    print(json.dumps(result, indent=1))


def _adopt(work: Path) -> float | None:
    """A base built before the ingest journal (main's build): one update with nothing
    pending compares the store whole once and records the journal position, as the first
    ``vetline update`` on such a folder does; the measured update then reads the
    journal. Its CPU seconds are returned (None: nothing to adopt)."""
    from vetline.resolve import layout

    if not hasattr(layout, "Manifest") or layout.Manifest.read(work) is not None:
        return None
    from vetline.resolve.delta import update_persons

    c = time.process_time()
    report = update_persons(work)
    assert report.records_new == report.records_changed == 0, "the base has pending records"
    return round(time.process_time() - c, 2)


def compare(out: Path, work_name: str = "delta-data") -> dict[str, object]:
    """Agreement of the updated persons with the reference rebuild's (when it is built
    over the same records: a half-finished reference still holds the base's persons)."""
    work, full = out / work_name, out / "full-data"
    if not (full / "persons" / "records.parquet").exists():
        return {"agreement": "no reference rebuild"}
    mine, theirs = _persons(work), _persons(full)
    if len(mine) != len(theirs):
        return {"agreement": f"reference holds {len(theirs):,} records, update {len(mine):,}"}
    share, differ = agreement(mine, theirs)
    build = json.loads((full / "model" / "build.json").read_text())
    (out / "differing.json").write_text(json.dumps(differ[:2000]))
    return {
        "full_rebuild_s": round(sum(build["seconds"].values()), 1),
        "agreement": round(share, 6),
        "records_differing": len(differ),
    }


def live(out: Path, records: int) -> None:
    from vetline.records import RecordStore
    from vetline.resolve import Resolver

    data = out / "base-data"
    store = RecordStore(data)
    rows = store.read_identities().slice(0, records).to_pylist()
    store.close()
    resolver = Resolver.load(data)
    for row in rows:
        row["record_id"] = f"LIVE{row['record_id']}"
    t = time.perf_counter()
    resolver.add_records(rows)
    per = (time.perf_counter() - t) / len(rows)
    print(json.dumps({"records": len(rows), "ms_per_record": round(per * 1000, 2)}))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--world", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--new", type=int, default=45_000)
    p.add_argument("--changed", type=int, default=5_000)
    p.add_argument("--seed", type=int, default=18)
    r = sub.add_parser("run")
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--work", default="delta-data", help="folder under --out updated")
    r.add_argument("--link", action="store_true", help="hard-link the big files (10M)")
    r.add_argument("--unfiltered", action="store_true", help="no BLOCKING_FILTERS (before)")
    cf = sub.add_parser("compare-files")
    cf.add_argument("a", type=Path)
    cf.add_argument("b", type=Path)
    ci = sub.add_parser("compare-index")
    ci.add_argument("a", type=Path)
    ci.add_argument("b", type=Path)
    rl = sub.add_parser("reload")
    rl.add_argument("--data", type=Path, required=True)
    rl.add_argument("--delta", type=Path, required=True)
    rl.add_argument("--every", type=int, default=100)
    rl.add_argument("--answers", type=Path, required=True)
    c = sub.add_parser("compare")
    c.add_argument("--out", type=Path, required=True)
    g = sub.add_parser("grow")
    g.add_argument("--world", type=Path, required=True)
    g.add_argument("--add", type=Path, required=True)
    g.add_argument("--out", type=Path, required=True)
    g.add_argument("--changed", type=int, default=5_000)
    g.add_argument("--prefix", default="D77")
    g.add_argument("--seed", type=int, default=32)
    lv = sub.add_parser("live")
    lv.add_argument("--out", type=Path, required=True)
    lv.add_argument("--records", type=int, default=200)
    args = parser.parse_args(argv)
    if args.cmd == "prepare":
        prepare(args.world, args.out, args.new, args.changed, args.seed)
    elif args.cmd == "run":
        run(args.out, args.work, args.link, args.unfiltered)
    elif args.cmd == "compare-files":
        print(json.dumps(compare_files(args.a, args.b), indent=1))
    elif args.cmd == "compare-index":
        print(json.dumps(compare_index(args.a, args.b), indent=1))
    elif args.cmd == "reload":
        print(json.dumps(reload_answers(args.data, args.delta, args.every, args.answers)))
    elif args.cmd == "grow":
        grow(args.world, args.add, args.out, args.changed, args.prefix, args.seed)
    elif args.cmd == "compare":
        print(json.dumps(compare(args.out), indent=1))
    else:
        live(args.out, args.records)


if __name__ == "__main__":
    main()
