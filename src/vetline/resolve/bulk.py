"""The build's link step at scale: records as row numbers, pairs streamed, persons in NumPy.

Why: at 10M records the build's process grew past 23 GB before any stage finished
(issue 18). What held the memory was whole-world Python objects, not the work: every
scored pair came back to pandas with its two record keys as Python strings and twenty
weight columns, each partial person kept a dict of sets, and the record → cluster
frame was joined back by key. Here (same decisions, measured equal on the 1M world,
``bench/bench_build_scale.py --compare``):

* Splink predicts on the match table with ``unique_id`` replaced by the record's **row
  number** (the table is sorted by key, so row order *is* key order: Splink's
  ``l.unique_id < r.unique_id`` orients every pair as before, and every sort by key
  below sorts the same way), and only the columns Splink reads, handed to DuckDB as a
  Parquet file (``match_rows``);
* pairs are read back as Arrow batches, only those ≥ the cluster threshold, each batch
  classified (``cluster.classify``'s own code) down to a few numeric columns: two int32
  row numbers, weight, probability, three flags and the reason;
* persons are grown by the same guarded union-find (``union_find._Persons``) over row
  numbers, roots resolved by pointer jumping in NumPy; a cluster is named by its
  smallest row (= smallest key), and record keys appear again only for the links.

``engine.link`` (every pair in pandas) stays for Spark, the tests and ``bench_resolve``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from vetline.progress import ProgressFn, no_progress
from vetline.resolve import blocked, splink_model
from vetline.resolve.cluster import (
    LINK_COLUMNS,
    UNCORROBORATED,
    classify_unsorted,
    weight_columns,
)
from vetline.resolve.match_rows import match_rows_view
from vetline.resolve.model import MatchModel
from vetline.resolve.union_find import _Persons

Rows64 = npt.NDArray[np.int64]

#: Pairs per Arrow batch read back from the engine.
BATCH = 1_000_000
#: Reasons as small codes in the pair arrays (0: none).
_NO_REASON = 0


@dataclass(frozen=True)
class RowLinkage:
    """What the build needs from linking, by row of the (key-sorted) match table."""

    pair_count: int  # scored pairs ≥ the predict threshold
    cluster_row: npt.NDArray[np.int64]  # per row: the smallest row of its person
    links: pd.DataFrame  # cluster.LINK_COLUMNS, by record key (as ``engine.Linkage.links``)


def _reason_codes(reason: npt.NDArray[np.object_], names: list[str]) -> npt.NDArray[np.int8]:
    out = np.zeros(len(reason), dtype=np.int8)
    for value in pd.unique(reason):
        if value is None:
            continue
        if value not in names:
            names.append(value)
        out[reason == value] = names.index(value) + 1
    return out


def scored_batches(
    db_api: Any, table_name: str, threshold: float, model: MatchModel, names: list[str]
) -> list[pd.DataFrame]:
    """One predict table's pairs ≥ ``threshold``, classified, numeric (unsorted).

    Columns ``pos_l``, ``pos_r`` (int32 rows), ``match_weight``, ``match_probability``,
    ``id_agrees``, ``clean``, ``by_address``, ``reason`` (code into ``names``, which grows
    as new reasons appear, shared across calls).
    """
    columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    columns += weight_columns()
    # A little below the threshold in SQL (a literal's rounding is the engine's); the
    # exact test is classify's, in NumPy, as everywhere else.
    sql = (
        f"select {', '.join(columns)} from {table_name} "
        f"where match_probability >= {threshold - 1e-6!r}"
    )
    reader = db_api.duckdb_con.sql(sql).to_arrow_reader(BATCH)
    parts: list[pd.DataFrame] = []
    for batch in reader:
        pairs = pa.Table.from_batches([batch]).to_pandas()
        scored = classify_unsorted(pairs, threshold, model)
        parts.append(
            pd.DataFrame(
                {
                    "pos_l": scored["unique_id_l"].to_numpy(dtype=np.int32),
                    "pos_r": scored["unique_id_r"].to_numpy(dtype=np.int32),
                    "match_weight": scored["match_weight"].to_numpy(dtype=np.float64),
                    "match_probability": scored["match_probability"].to_numpy(dtype=np.float64),
                    "id_agrees": scored["id_agrees"].to_numpy(),
                    "clean": scored["clean"].to_numpy(),
                    "by_address": scored["by_address"].to_numpy(),
                    "reason": _reason_codes(scored["reason"].to_numpy(), names),
                }
            )
        )
        del pairs, scored
    return parts


def in_classify_order(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The classified pairs of every chunk as one frame in ``classify``'s order:
    identifier-agreeing first, strongest first, then by keys (= rows)."""
    if parts:
        rows = pd.concat(parts, ignore_index=True)
    else:
        rows = pd.DataFrame(
            {
                "pos_l": np.empty(0, np.int32),
                "pos_r": np.empty(0, np.int32),
                "match_weight": np.empty(0),
                "match_probability": np.empty(0),
                "id_agrees": np.empty(0, bool),
                "clean": np.empty(0, bool),
                "by_address": np.empty(0, bool),
                "reason": np.empty(0, np.int8),
            }
        )
    order = np.lexsort(
        (
            rows["pos_r"].to_numpy(),
            rows["pos_l"].to_numpy(),
            -rows["match_weight"].to_numpy(),
            ~rows["id_agrees"].to_numpy(),
        )
    )
    return rows.take(order).reset_index(drop=True)


def pair_slices(
    table: pd.DataFrame, slice_pairs: int, block_rows: int | None = None
) -> Iterator[tuple[Rows64, Rows64]]:
    """The candidate pairs as ``(left, right)`` int64 row arrays: by block of rows, then
    ≤ ``slice_pairs`` a slice.

    Why blocks of rows (stop 33): Splink scores a slice by joining its pairs with the
    records on each side, and DuckDB holds each side's records in a hash table. At 10M
    records either side of a slice held nearly every record, the join spilled past its
    memory limit and the scoring cost ≈ 39 µs a pair against ≈ 4 at 3M (bench/README.md
    "Scoring in blocks of rows"). With the rows cut into k ranges of at most
    ``block_rows``, a slice takes only the pairs of one range × range block: each side
    holds at most ``block_rows`` records, as at 3M. One block (the whole world, as
    before) while the world has at most ``block_rows`` records.

    Why slices: each predict materialises its pairs; a bound keeps one predict's spill
    bounded however the world grows. Why not chunks of records (stop 31's n left
    chunks, each against every record): every chunk re-ran every blocking join over the
    world (bench/README.md, "Candidate pairs in NumPy").
    """
    # all pairs first (int32 rows: 8 bytes a pair), so the rules' codes are freed before
    # DuckDB scores: at 10M records they held ≈ 2.5 GB beside the first predict
    lefts: list[npt.NDArray[np.int32]] = []
    rights: list[npt.NDArray[np.int32]] = []
    for left, right in blocked.candidate_pairs(table):
        lefts.append(left)
        rights.append(right)
    all_left = np.concatenate(lefts) if lefts else np.empty(0, np.int32)
    del lefts
    all_right = np.concatenate(rights) if rights else np.empty(0, np.int32)
    del rights
    for at, end in _block_bounds(all_left, all_right, len(table), block_rows, slice_pairs):
        yield all_left[at:end].astype(np.int64), all_right[at:end].astype(np.int64)


def _block_bounds(
    left: npt.NDArray[np.int32],
    right: npt.NDArray[np.int32],
    rows: int,
    block_rows: int | None,
    slice_pairs: int,
) -> list[tuple[int, int]]:
    """Reorder ``left``/``right`` in place by row block; the ``[at, end)`` of each slice.

    Scores do not depend on the order (``in_classify_order`` sorts every scored pair
    by a total order), so the blocks change only what DuckDB holds at once.
    """
    k = 1 if not block_rows or rows <= block_rows else -(-rows // block_rows)
    bounds: list[int] = [0]
    if k > 1 and len(left):
        width = -(-rows // k)
        kind = np.int16 if k * k < 2**15 else np.int32  # 16 bits: NumPy's radix sort
        code = (left // width).astype(kind) * k + (right // width).astype(kind)
        order = np.argsort(code, kind="stable")
        left[:] = left[order]
        right[:] = right[order]
        code = code[order]
        del order
        bounds += (np.flatnonzero(np.diff(code)) + 1).tolist()
    bounds.append(len(left))
    out: list[tuple[int, int]] = []
    for start, stop in itertools.pairwise(bounds):
        out += [(at, min(at + slice_pairs, stop)) for at in range(start, stop, slice_pairs)]
    return out


def roots_of(parent: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Every row's union-find root, by pointer jumping (no Python loop per row)."""
    roots = parent.copy()
    while True:
        up = roots[roots]
        if np.array_equal(up, roots):
            return roots
        roots = up


def cluster_rows(
    table: pd.DataFrame, scored: pd.DataFrame
) -> tuple[npt.NDArray[np.int64], dict[int, str]]:
    """Smallest row of each row's person, and the guard's reason per refused pair (by
    position in ``scored``): ``union_find.components`` over row numbers."""
    persons = _Persons(table)
    clean = np.flatnonzero(scored["clean"].to_numpy())
    left = scored["pos_l"].to_numpy()[clean].tolist()
    right = scored["pos_r"].to_numpy()[clean].tolist()
    agrees = scored["id_agrees"].to_numpy()[clean].tolist()
    address = scored["by_address"].to_numpy()[clean].tolist()
    refused: dict[int, str] = {}
    for k, a, b, agree, by_address in zip(
        clean.tolist(), left, right, agrees, address, strict=True
    ):
        why = persons.try_join(a, b, agree, by_address)
        if why is not None:
            refused[k] = why
    roots = roots_of(np.asarray(persons.parent, dtype=np.int64))
    smallest = np.full(len(roots), len(roots), dtype=np.int64)
    np.minimum.at(smallest, roots, np.arange(len(roots), dtype=np.int64))
    return smallest[roots], refused


def links_of(
    table: pd.DataFrame,
    scored: pd.DataFrame,
    names: list[str],
    cluster_row: npt.NDArray[np.int64],
    refused: dict[int, str],
) -> pd.DataFrame:
    """``cluster.possible_links`` over rows: the strongest pair between two persons."""
    pos_l = scored["pos_l"].to_numpy()
    pos_r = scored["pos_r"].to_numpy()
    left, right = cluster_row[pos_l], cluster_row[pos_r]
    apart = np.flatnonzero(left != right)
    codes = scored["reason"].to_numpy()[apart]
    reason = np.array([None, *names], dtype=object)[codes]
    for i, k in enumerate(apart.tolist()):
        if reason[i] is None:
            reason[i] = refused.get(k, UNCORROBORATED)
    cl, cr = left[apart], right[apart]
    ul, ur = pos_l[apart].astype(np.int64), pos_r[apart].astype(np.int64)
    swap = cl > cr
    cl, cr = np.where(swap, cr, cl), np.where(swap, cl, cr)
    ul, ur = np.where(swap, ur, ul), np.where(swap, ul, ur)
    weight = scored["match_weight"].to_numpy()[apart]
    found = pd.DataFrame(
        {
            "ul": ul,
            "ur": ur,
            "cl": cl,
            "cr": cr,
            "match_probability": scored["match_probability"].to_numpy()[apart],
            "match_weight": weight,
            "reason": reason,
        }
    )
    found = found.sort_values(
        ["match_weight", "ul", "ur"], ascending=[False, True, True]
    ).drop_duplicates(["cl", "cr"], keep="first")
    found = found.sort_values(["cl", "cr"])
    keys = table["unique_id"].to_numpy()
    out = pd.DataFrame(
        {
            "unique_id_l": keys[found["ul"].to_numpy()],
            "unique_id_r": keys[found["ur"].to_numpy()],
            "cluster_l": keys[found["cl"].to_numpy()].astype(str),
            "cluster_r": keys[found["cr"].to_numpy()].astype(str),
            "match_probability": found["match_probability"].to_numpy(),
            "match_weight": found["match_weight"].to_numpy(),
            "reason": found["reason"].to_numpy(),
        }
    )
    return out[list(LINK_COLUMNS)].reset_index(drop=True)


def link_rows(
    db_api: Any,
    table: pd.DataFrame,
    model: MatchModel,
    *,
    predict_threshold: float,
    cluster_threshold: float,
    slice_pairs: int,
    block_rows: int | None = None,
    work_dir: Path | None = None,
    progress: ProgressFn = no_progress,
) -> RowLinkage:
    """Find the candidate pairs in NumPy (``blocked.candidate_pairs``), have DuckDB's
    Splink score them by blocks of at most ``block_rows`` rows a side, in slices of at
    most ``slice_pairs`` (``pair_slices``), classify, cluster and link ``table`` (sorted
    by key). The records DuckDB reads are written under ``work_dir`` (a temporary folder
    if None) and removed once scored."""
    stage = "predict + cluster"
    progress(stage, 0, 5)  # pairs found, scored, ordered, clustered, linked
    count = 0
    names: list[str] = []
    parts: list[pd.DataFrame] = []
    with match_rows_view(db_api.duckdb_con, table, work_dir) as view:
        linker = splink_model.make_linker(db_api, view, model)
        for k, (left, right) in enumerate(pair_slices(table, slice_pairs, block_rows)):
            if k == 0:
                progress(stage, 1, 5)  # every pair found (pair_slices finds all first)
            registered = db_api.register(
                pa.table(
                    {
                        "match_key": pa.nulls(len(left), pa.string()),
                        "join_key_l": left,
                        "join_key_r": right,
                    }
                )
            )
            del left, right
            linker.table_management.register_blocked_pairs_for_predict(registered)
            predictions = linker.inference.predict(
                threshold_match_probability=predict_threshold, warning_mode="never"
            )
            try:
                name = predictions.physical_name
                count += db_api.duckdb_con.sql(f"select count(*) from {name}").fetchall()[0][0]
                parts += scored_batches(db_api, name, cluster_threshold, model, names)
            finally:
                predictions.drop_table_from_database_and_remove_from_cache()
                db_api.duckdb_con.unregister(registered.physical_name)  # the Arrow view
    return linkage_of(table, parts, names, count, progress)


def linkage_of(
    table: pd.DataFrame,
    parts: list[pd.DataFrame],
    names: list[str],
    count: int,
    progress: ProgressFn = no_progress,
) -> RowLinkage:
    """The scored slices (``scored_batches``; ``parts`` is emptied) ordered, clustered
    and linked: what every engine's row linking ends with (``spark_rows`` too)."""
    stage = "predict + cluster"
    progress(stage, 2, 5)
    scored = in_classify_order(parts)
    parts.clear()
    progress(stage, 3, 5)
    cluster_row, refused = cluster_rows(table, scored)
    progress(stage, 4, 5)
    links = links_of(table, scored, names, cluster_row, refused)
    progress(stage, 5, 5)
    return RowLinkage(int(count), cluster_row, links)
