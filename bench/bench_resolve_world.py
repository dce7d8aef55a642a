"""Identity resolution on the synthetic world: build time, accuracy, latency, memory.

Run: ``.venv/bin/python bench/bench_resolve_world.py --persons 250000
[--queries 3000] [--splink-baseline] [--noise noise.toml] [--absent 2000]``.
Synthesises (or reuses) a world under ``--work``, ingests it, runs ``build_persons`` and
queries the resolver. Truth (``truth.csv``, ``person_facts.csv``) is read here, for
evaluation only.

Prints: build stage times; pairwise precision/recall of the persons; for subjects given
as true name + DOB (+ sex, birth country): top-1 recall, precision of POSITIVE, level mix;
the look-alike check (a U.S. citizen never POSITIVE to a different, removable person);
resolver p50/p99 latency; index memory (RSS growth on load). Then (issue 11):
subjects given as true name + DOB + sex + one of their own identifiers (POSITIVE
precision, level mix); citizens of look-alike groups queried with their own identifier
(POSITIVE to another person); people absent from every system (a second world, seed
``--seed + 7919``, none of whose people is loaded) — the share answered NO_RECORD; and the
share of answers sent to an analyst (``needs_review``).

Held-out evaluation: thresholds are chosen on seed 11 with the default noise; report also
a fresh seed (``--seed 2027``) and other noise (``--noise`` a TOML of
``vetline.synth.NoiseConfig`` rates; the work directory then carries the file's stem).
"""

from __future__ import annotations

import argparse
import gc
import resource
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vetline.records import ingest_extract
from vetline.resolve import Resolver, Subject, build_persons
from vetline.vocab import MatchLevel

#: (source, record_id) → the person the world made that record of (evaluation only)
TruthOf = dict[tuple[str, ...], str]


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pairwise(records: pd.DataFrame) -> tuple[float, float]:
    """Pairwise precision/recall of person_id vs truth, counted per group sizes."""

    def n_pairs(counts: pd.Series) -> int:
        return int((counts * (counts - 1) // 2).sum())

    both = records.groupby(["person_id", "truth"]).size()
    tp = n_pairs(both)
    predicted = n_pairs(records.groupby("person_id").size())
    true = n_pairs(records.groupby("truth").size())
    return tp / max(predicted, 1), tp / max(true, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/vetline-bench-world"))
    parser.add_argument("--fresh", action="store_true", help="re-synthesise and re-ingest")
    parser.add_argument("--skip-build", action="store_true", help="query the existing build")
    parser.add_argument(
        "--splink-baseline", action="store_true", help="also time plain Splink on the same rows"
    )
    parser.add_argument("--noise", type=Path, help="NoiseConfig TOML (default: defaults)")
    parser.add_argument("--absent", type=int, default=2_000, help="absent people queried")
    args = parser.parse_args()
    tag = f"-{args.noise.stem}" if args.noise else ""
    work: Path = args.work / f"p{args.persons}-s{args.seed}{tag}"
    extract, data = work / "extract", work / "data"
    if args.fresh:
        shutil.rmtree(work, ignore_errors=True)
    if not (extract / "truth.csv").exists():
        from vetline.synth import NoiseConfig, generate_extract

        t = time.perf_counter()
        noise = NoiseConfig.from_toml(args.noise) if args.noise else NoiseConfig()
        generate_extract(extract, persons=args.persons, seed=args.seed, noise=noise)
        print(f"synth: {time.perf_counter() - t:.1f} s")
    if not (data / "store").exists():
        t = time.perf_counter()
        ingest_extract(extract, data)
        print(f"ingest: {time.perf_counter() - t:.1f} s")
    if not args.skip_build:
        for stale in ("persons", "index", "model"):
            shutil.rmtree(data / stale, ignore_errors=True)
        t = time.perf_counter()
        report = build_persons(data)
        print(
            f"build: {time.perf_counter() - t:.1f} s for {report.records:,} records → "
            f"{report.persons:,} persons; stages {report.seconds}"
        )
    truth = pd.read_csv(extract / "truth.csv", dtype=str)
    from vetline.resolve.layout import read_person_records

    records = read_person_records(data).to_pandas()
    records = records.merge(
        truth.rename(columns={"person_id": "truth"}), on=["source", "record_id"]
    )
    p, r = pairwise(records)
    print(f"persons pairwise: precision {p:.5f} recall {r:.5f}")

    gc.collect()
    before = rss_mb()
    t = time.perf_counter()
    resolver = Resolver.load(data)
    load_s = time.perf_counter() - t
    index_mb = rss_mb() - before
    print(
        f"resolver load: {load_s:.2f} s, RSS +{index_mb:.0f} MB for {len(resolver.index):,} records"
    )

    facts = pd.read_csv(extract / "person_facts.csv", dtype=str)
    truth_of: TruthOf = dict(
        zip(
            zip(records["source"], records["record_id"], strict=False),
            records["truth"],
            strict=False,
        )
    )
    sample = facts.sample(n=min(args.queries, len(facts)), random_state=5)
    resolver.resolve(Subject(last_name="WARMUP", first_name="QUERY"))
    lat, levels, top1, pos, pos_ok, review = [], [], 0, 0, 0, 0
    row: Any  # itertuples(): a field per column
    for row in sample.itertuples():
        subject = Subject(
            last_name=row.true_last_name, first_name=row.true_first_name,
            middle_name=None if pd.isna(row.true_middle_name) else row.true_middle_name,
            dob=row.true_dob, sex=row.sex,
            birth_country=None if pd.isna(row.birth_country) else row.birth_country,
        )  # fmt: skip
        t = time.perf_counter()
        res = resolver.resolve(subject)
        lat.append(time.perf_counter() - t)
        levels.append(str(res.level))
        review += bool(getattr(res, "needs_review", False))
        best = res.candidates[0][0] if res.candidates else None
        owner = majority_truth(resolver, best, truth_of) if best else None
        top1 += owner == row.person_id
        if res.level is MatchLevel.POSITIVE:
            pos += 1
            pos_ok += majority_truth(resolver, res.person_id, truth_of) == row.person_id
    ms = np.array(lat) * 1000
    print(
        f"name+DOB subjects: {len(sample)}; top-1 recall {top1 / len(sample):.4f}; "
        f"POSITIVE {pos} precision {pos_ok / max(pos, 1):.5f}; "
        f"levels {pd.Series(levels).value_counts().to_dict()}; needs_review {review}"
    )
    print(f"latency: p50 {np.percentile(ms, 50):.2f} ms, p99 {np.percentile(ms, 99):.2f} ms")
    lookalikes(resolver, facts, truth_of)
    ids = identifiers_of(resolver, truth_of)
    with_identifier(resolver, sample, ids, truth_of, lat)
    biometric(resolver, sample, truth_of)
    lookalikes_with_identifier(resolver, facts, ids, truth_of)
    absent(resolver, args, work, lat)
    ms = np.array(lat) * 1000
    print(
        f"latency, all {len(ms)} timed queries: p50 {np.percentile(ms, 50):.2f} ms, "
        f"p99 {np.percentile(ms, 99):.2f} ms"
    )
    if args.splink_baseline:
        plain_splink(data)


def majority_truth(resolver: Resolver, person_id: str | None, truth_of: TruthOf) -> str | None:
    if person_id is None:
        return None
    rows = resolver.index.rows_of_person(person_id)
    uids = resolver.index.coded["unique_id"].values(rows)
    owners = [truth_of.get(tuple(u.split("|", 1))) for u in uids]
    # sorted: ties broken the same way in every process (set order follows str hashing)
    return max(sorted(set(owners), key=str), key=owners.count) if owners else None


def lookalikes(resolver: Resolver, facts: pd.DataFrame, truth_of: TruthOf) -> None:
    """Citizens in look-alike groups, queried by name + DOB: any POSITIVE to another
    person who is removable is the failure this product must never make."""
    groups = facts.dropna(subset=["lookalike_group"])
    removable = set(facts.loc[facts["removable"] == "Y", "person_id"])
    citizens = groups[groups["us_citizen"] == "Y"]
    row: Any  # itertuples(): a field per column
    for with_pob in (False, True):
        bad = positive = 0
        for row in citizens.itertuples():
            subject = Subject(
                last_name=row.true_last_name,
                first_name=row.true_first_name,
                dob=row.true_dob,
                sex=row.sex,
                birth_country=row.birth_country if with_pob else None,
            )
            res = resolver.resolve(subject)
            if res.level is MatchLevel.POSITIVE:
                positive += 1
                owner = majority_truth(resolver, res.person_id, truth_of)
                bad += owner != row.person_id and owner in removable
        print(
            f"look-alikes ({'name+DOB+sex+POB' if with_pob else 'name+DOB+sex'}): "
            f"{len(groups)} persons in {groups['lookalike_group'].nunique()} groups; "
            f"{len(citizens)} citizens queried; POSITIVE {positive}; "
            f"POSITIVE to a different removable person: {bad}"
        )


ID_COLUMNS = ("fbi_number", "a_number", "ssn", "sid", "passport_number")


def identifiers_of(resolver: Resolver, truth_of: TruthOf) -> dict[str, dict[str, str]]:
    """True person → identifier type → the value most of its records carry (from the
    index's standardised columns; evaluation only)."""
    uids = resolver.index.coded["unique_id"].values(np.arange(len(resolver.index)))
    owners = [truth_of.get(tuple(u.split("|", 1))) for u in uids]
    frame = pd.DataFrame({"owner": owners})
    for column in ID_COLUMNS:
        frame[column] = resolver.index.coded[column].values(np.arange(len(resolver.index)))
    out: dict[str, dict[str, str]] = {}
    for column in ID_COLUMNS:
        known = frame.dropna(subset=[column, "owner"])
        best = known.groupby(["owner", column]).size().reset_index(name="n")
        best = best.sort_values(["n", column], ascending=[False, True], kind="stable")
        best = best.drop_duplicates("owner")
        for owner, value in zip(best["owner"], best[column], strict=True):
            out.setdefault(owner, {})[column] = value
    return out


def with_identifier(
    resolver: Resolver,
    sample: pd.DataFrame,
    ids: dict[str, dict[str, str]],
    truth_of: TruthOf,
    lat: list[float],
) -> None:
    """Name + DOB + sex + one of the person's own identifiers (the first it has of
    ``ID_COLUMNS``): what an officer with a rap sheet sends."""
    levels, pos, ok, n, silent_wrong = [], 0, 0, 0, 0
    row: Any  # itertuples(): a field per column
    for row in sample.itertuples():
        mine = ids.get(row.person_id, {})
        column = next((c for c in ID_COLUMNS if c in mine), None)
        if column is None:
            continue
        n += 1
        subject = Subject(
            last_name=row.true_last_name, first_name=row.true_first_name,
            dob=row.true_dob, sex=row.sex, **{column: mine[column]},
        )  # fmt: skip
        t = time.perf_counter()
        res = resolver.resolve(subject)
        lat.append(time.perf_counter() - t)
        levels.append(str(res.level))
        if res.level is MatchLevel.POSITIVE:
            pos += 1
            right = majority_truth(resolver, res.person_id, truth_of) == row.person_id
            ok += right
            silent_wrong += not right and not getattr(res, "needs_review", False)
    print(
        f"name+DOB+identifier subjects: {n}; POSITIVE {pos} precision {ok / max(pos, 1):.5f}; "
        f"wrong POSITIVE without needs_review {silent_wrong}; "
        f"levels {pd.Series(levels).value_counts().to_dict()}"
    )


def biometric(resolver: Resolver, sample: pd.DataFrame, truth_of: TruthOf) -> None:
    """Name + DOB + sex + the person's FIN (a fingerprint hit): POSITIVE, and how many
    of those an analyst must still see (``needs_review``) — the automation that the
    possible-same-person review costs biometric queries."""
    fins: dict[str, str] = {}
    rows = np.arange(len(resolver.index))
    uids = resolver.index.coded["unique_id"].values(rows)
    for uid, fin in zip(uids, resolver.index.coded["fin"].values(rows), strict=True):
        owner = truth_of.get(tuple(uid.split("|", 1)))
        if fin is not None and owner is not None:
            fins.setdefault(owner, fin)
    n = pos = ok = review = 0
    row: Any  # itertuples(): a field per column
    for row in sample.itertuples():
        fin = fins.get(row.person_id)
        if fin is None:
            continue
        n += 1
        res = resolver.resolve(
            Subject(
                last_name=row.true_last_name,
                first_name=row.true_first_name,
                dob=row.true_dob,
                sex=row.sex,
                fin=fin,
            )
        )
        if res.level is MatchLevel.POSITIVE:
            pos += 1
            ok += majority_truth(resolver, res.person_id, truth_of) == row.person_id
            review += bool(getattr(res, "needs_review", False))
    print(
        f"name+DOB+FIN subjects: {n}; POSITIVE {pos} precision {ok / max(pos, 1):.5f}; "
        f"POSITIVE without needs_review {pos - review}"
    )


def lookalikes_with_identifier(
    resolver: Resolver, facts: pd.DataFrame, ids: dict[str, dict[str, str]], truth_of: TruthOf
) -> None:
    """Look-alike citizens queried with their own identifier (the Gonzalez case: a
    citizen's FBI number must never carry him to a stranger)."""
    groups = facts.dropna(subset=["lookalike_group"])
    citizens = groups[groups["us_citizen"] == "Y"]
    n = positive = wrong = silent = 0
    row: Any  # itertuples(): a field per column
    for row in citizens.itertuples():
        mine = ids.get(row.person_id, {})
        for column, value in mine.items():
            n += 1
            res = resolver.resolve(
                Subject(
                    last_name=row.true_last_name,
                    first_name=row.true_first_name,
                    dob=row.true_dob,
                    sex=row.sex,
                    **{column: value},
                )
            )
            if res.level is MatchLevel.POSITIVE:
                positive += 1
                bad = majority_truth(resolver, res.person_id, truth_of) != row.person_id
                wrong += bad
                silent += bad and not getattr(res, "needs_review", False)
    print(
        f"look-alike citizens with their own identifier: {n} queries; POSITIVE {positive}; "
        f"POSITIVE to a different person: {wrong} (without needs_review: {silent})"
    )


def absent(resolver: Resolver, args: argparse.Namespace, work: Path, lat: list[float]) -> None:
    """People in no loaded system: a second world's people (another seed), queried by
    name + DOB + sex + birth country. Every answer but NO_RECORD sends an officer after
    a record that is not theirs."""
    if args.absent <= 0:
        return
    from vetline.synth import NoiseConfig, generate_extract

    other = work / f"absent-s{args.seed + 7919}"
    if not (other / "person_facts.csv").exists():
        generate_extract(other, persons=args.absent, seed=args.seed + 7919, noise=NoiseConfig())
    facts = pd.read_csv(other / "person_facts.csv", dtype=str).head(args.absent)
    levels = []
    row: Any  # itertuples(): a field per column
    for row in facts.itertuples():
        subject = Subject(
            last_name=row.true_last_name, first_name=row.true_first_name,
            dob=row.true_dob, sex=row.sex,
            birth_country=None if pd.isna(row.birth_country) else row.birth_country,
        )  # fmt: skip
        t = time.perf_counter()
        levels.append(str(resolver.resolve(subject).level))
        lat.append(time.perf_counter() - t)
    mix = pd.Series(levels).value_counts()
    print(
        f"absent people: {len(facts)}; NO_RECORD share "
        f"{mix.get('NO_RECORD', 0) / max(len(facts), 1):.4f}; levels {mix.to_dict()}"
    )


def plain_splink(data: Path) -> None:
    """Plain Splink 5 dedupe (train + predict + cluster), Splink's documented style of
    configuration, on the same store rows: the yardstick for vetline's build time."""
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from vetline.records import RecordStore

    store = RecordStore(data)
    rows = store.read_identities().to_pandas()
    store.close()
    rows["unique_id"] = rows["source"] + "|" + rows["record_id"]
    cols = ["unique_id", "first_name", "last_name", "dob", "sex", "birth_country",
            "a_number", "fin", "ssn", "zip"]  # fmt: skip
    frame = rows[cols]
    t = time.perf_counter()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("dob", [1, 2]),
            cl.ExactMatch("sex"),
            cl.ExactMatch("birth_country"),
            cl.ExactMatch("a_number"),
            cl.ExactMatch("fin"),
            cl.ExactMatch("ssn"),
            cl.ExactMatch("zip"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("a_number"),
            block_on("fin"),
            block_on("ssn"),
            block_on("dob", "substr(last_name, 1, 2)"),
            block_on("first_name", "last_name"),
        ],
    )
    db = DuckDBAPI()
    linker = Linker(db.register(frame), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("a_number"), block_on("first_name", "last_name", "dob")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "last_name")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.999)
    print(f"plain Splink 5 dedupe (train + predict + cluster): {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
