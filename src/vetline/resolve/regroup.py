"""The persons an incremental update touches, regrouped with the build's own guards.

Pure over plain frames (``delta.py`` does the reading and writing). Three steps:

1. **pairs** (``score_pairs``): each new or changed record is scored against the records
   sharing a blocking key with it — the build's blocking rules, on the index, with the
   trained model's arithmetic (``realtime.SubjectScorer``: bit-for-bit ``scorer.score``,
   itself checked against Splink's predictions) and the term frequencies of all records;
   pairs at or above ``cluster_threshold`` are kept, in Splink's ``mw_*`` shape, so the
   build's ``cluster.classify`` reads them unchanged.
2. **regroup** (``regroup``): a person that lost a record (its record changed) is
   re-clustered from scratch on the pairs among its remaining records (it may split); then
   every touched person is *seeded* as it stands (``union_find._Persons.seed``) and only the
   new records' edges are applied, strongest first, by ``union_find.components`` — the same
   ``try_join`` and so the same guards as a full build (different identifiers keep people
   apart, no citizen look-alike joined on biographic agreement alone, the citizenship
   guard on birth countries, dates of birth, middle names).
3. **ids** (``assign_ids``): existing persons keep their ids; a merge keeps the *older*
   id (``since``) and retires the other; the larger part of a split keeps the id and each
   other part gets a new one (``ids.fresh_id``, as a build would name it).

Where it can differ from a full rebuild: a full build orders *all* edges by strength,
old and new together; the update applies the new edges after the old persons are formed.
When a new record's edge would, in a full build, have come before an old edge whose join
a guard then refuses (or the reverse), the two disagree; ``bench/bench_delta.py`` counts
it (``bench/README.md``).

Edit here: which persons are touched (``touched_persons``), the id rule (``assign_ids``).
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from vetline.resolve.chunk import candidates_of_rows, score_rows
from vetline.resolve.cluster import classify, possible_links, weight_columns
from vetline.resolve.comparisons import COMPARISONS
from vetline.resolve.ids import fresh_id
from vetline.resolve.index import IndexI32, RecordIndex
from vetline.resolve.model import MatchModel
from vetline.resolve.standardise import LIST_COLUMNS
from vetline.resolve.union_find import components

#: Splink's blocking has no block-size limit, so neither has the update's pair search.
NO_LIMIT = 1 << 31
_POSITION = {c.name: i for i, c in enumerate(COMPARISONS)}
_MW = [(name, _POSITION[name.removeprefix("mw_")]) for name in weight_columns()]


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.integer):
        return int(value)
    return value


def match_rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Standardised frame rows as the real-time scorer reads a subject (nulls as None)."""
    rows = table.to_dict("records")
    return [{str(k): _plain(v) for k, v in row.items()} for row in rows]


#: Delta records scored together per NumPy pass (bounds the pairs held at once).
SCORE_CHUNK = 2_048


def score_pairs(
    model: MatchModel,
    index: RecordIndex,
    rows: IndexI32,
    threshold: float,
    *,
    within: Mapping[str, str] | None = None,
    filtered: bool = True,
) -> pd.DataFrame:
    """Pairs (``unique_id_l`` < ``unique_id_r``) of the index's ``rows`` with the index's
    records at or above ``threshold``, with ``match_weight``, ``match_probability`` and
    ``mw_*``.

    ``within``: record → group; only pairs inside one group are kept (a person's own
    records, when a person that lost a record is re-clustered).

    ``filtered``: the blocking rules' ``BLOCKING_FILTERS`` conditions apply, as in the
    build's predict (``chunk.candidates_of_rows``): the pairs a rebuild would score.

    The records are the index's own (an update writes the delta into the index first),
    so their keys and values are read from it, vectorised (``chunk.candidates_of_rows``,
    ``chunk.score_rows``: the NumPy reference scorer, equal bit for bit to the real-time
    one), a chunk of rows at a time: no Python row per record, no key per row and rule
    (bench/README.md).
    """
    uid_col = index.coded["unique_id"]
    rows = np.asarray(rows, dtype=np.int32)
    group = None
    if within is not None:  # each row's group as a number (−1: in none), by row
        names: dict[str, int] = {}
        held = [names.setdefault(g, len(names)) for g in within.values()]
        group = np.full(len(index), -1, dtype=np.int64)
        at = index.rows_of_keys(list(within))
        group[at[at >= 0]] = np.asarray(held, dtype=np.int64)[at >= 0]
    frames: list[pd.DataFrame] = []
    for start in range(0, len(rows), SCORE_CHUNK):
        part = rows[start : start + SCORE_CHUNK]
        owner, cands = candidates_of_rows(index, part, NO_LIMIT, filtered=filtered)
        if not len(cands):
            continue
        keep = cands != part[owner]
        if group is not None:
            mine = group[part[owner]]
            keep &= (mine >= 0) & (group[cands] == mine)
        if not keep.any():
            continue
        owner, cands = owner[keep], cands[keep]
        scores = score_rows(model, index, part[owner], cands)
        strong = np.flatnonzero(scores.probability >= threshold)
        if not len(strong):
            continue
        me = uid_col.values(part[owner[strong]])
        other = uid_col.values(cands[strong])
        left = np.where(me < other, me, other)
        frame = pd.DataFrame(
            {
                "unique_id_l": left,
                "unique_id_r": np.where(me < other, other, me),
                "match_weight": scores.match_weight[strong],
                "match_probability": scores.probability[strong],
            }
        )
        for name, pos in _MW:
            frame[name] = scores.weights[strong, pos]
        frames.append(frame)
    columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    if not frames:
        return pd.DataFrame(columns=columns + [n for n, _ in _MW])
    frame = pd.concat(frames, ignore_index=True)
    return frame.drop_duplicates(["unique_id_l", "unique_id_r"]).reset_index(drop=True)


@dataclass
class Regrouped:
    """Touched records → cluster (smallest member key), and the links left between them."""

    clusters: pd.Series  # unique_id → cluster id
    links: pd.DataFrame  # cluster.LINK_COLUMNS
    scored: int  # pairs ≥ the threshold considered
    refused: dict[tuple[str, str], str] = field(default_factory=dict)


def regroup(
    table: pd.DataFrame,
    before: Mapping[str, str],
    delta: set[str],
    dirty: set[str],
    new_pairs: pd.DataFrame,
    inner_pairs: pd.DataFrame,
    model: MatchModel,
    threshold: float,
) -> Regrouped:
    """Cluster the touched records of ``table`` (standardised, one row per record).

    ``before``: record → person of the last build/update (old records only); ``delta``:
    new and changed records (start alone); ``dirty``: persons that lost a changed record,
    re-clustered from ``inner_pairs`` (pairs among their remaining records); every other
    person is seeded whole. ``new_pairs``: the delta's pairs, applied by the guards.
    """
    table = table.sort_values("unique_id", kind="stable").reset_index(drop=True)
    uids = table["unique_id"].astype(str).tolist()
    refused: dict[tuple[str, str], str] = {}
    inner = classify(inner_pairs, threshold, model)
    remaining = [u for u in uids if u not in delta and before.get(u) in dirty]
    sub: dict[str, str] = {}
    if remaining:
        part = table[table["unique_id"].isin(remaining)].reset_index(drop=True)
        ids = components(part, inner[inner["clean"]], refused)
        sub = dict(zip(part["unique_id"], ids.astype(str), strict=True))
    labels = np.array(
        [f"+{u}" if u in delta else (f"~{sub[u]}" if u in sub else f"={before[u]}") for u in uids],
        dtype=object,
    )
    scored = classify(new_pairs, threshold, model)
    clusters = components(table, scored[scored["clean"]], refused, seed=labels)
    by_record = pd.Series(clusters.to_numpy(), index=table["unique_id"].to_numpy())
    both = pd.concat([scored, inner], ignore_index=True) if len(inner) else scored
    links = possible_links(both, by_record, refused)
    return Regrouped(by_record, links, len(both), refused)


def assign_ids(
    clusters: pd.Series,
    before: Mapping[str, str],
    since: Mapping[str, str],
    taken: Container[str],
) -> tuple[dict[str, str], dict[str, str]]:
    """Cluster → person id, and retired id → the id it was merged into.

    Each cluster takes, among the previous persons it holds records of, the oldest
    (``since``; unknown counts as oldest), then the one it holds most of; each previous
    id goes to one cluster. A cluster left without one (new records only, or the smaller
    part of a split) gets ``fresh_id`` of its earliest record. A previous id no cluster
    took is retired into the cluster holding most of its records.
    """
    frame = pd.DataFrame({"unique_id": clusters.index, "cluster": clusters.to_numpy()})
    frame["previous"] = frame["unique_id"].map(before)
    overlap = (
        frame.dropna(subset=["previous"])
        .groupby(["cluster", "previous"], sort=False)
        .size()
        .rename("n")
        .reset_index()
    )
    overlap["since"] = overlap["previous"].map(since).fillna("")
    overlap = overlap.sort_values(
        ["since", "n", "previous", "cluster"], ascending=[True, False, True, True]
    )
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for cluster, prev in zip(overlap["cluster"], overlap["previous"], strict=True):
        if cluster in chosen or prev in used:
            continue
        chosen[str(cluster)] = str(prev)
        used.add(str(prev))
    earliest = frame.sort_values("unique_id").drop_duplicates("cluster")
    names: set[str] = set()  # given here, beside ``taken``
    for cluster, key in zip(earliest["cluster"], earliest["unique_id"], strict=True):
        if cluster in chosen:
            continue
        candidate, n = fresh_id(str(key)), 1
        while candidate in names or candidate in taken:
            n += 1
            candidate = fresh_id(f"{key}#{n}")
        chosen[str(cluster)] = candidate
        names.add(candidate)
    retired: dict[str, str] = {}
    most = overlap.sort_values(["n", "cluster"], ascending=[False, True]).drop_duplicates(
        "previous"
    )
    for prev, cluster in zip(most["previous"], most["cluster"], strict=True):
        if prev not in used:
            retired[str(prev)] = chosen[str(cluster)]
    return chosen, retired


def list_columns_as_lists(table: pd.DataFrame) -> pd.DataFrame:
    """List columns as Python lists (the index's encoder turns lists into tuples)."""
    out = table.copy()
    for c in LIST_COLUMNS:
        if c in out.columns:
            out[c] = [list(v) if isinstance(v, list | tuple | np.ndarray) else v for v in out[c]]
    return out
