"""Stable person ids across rebuilds.

Splink names a cluster after its smallest record id, so the name shifts when records
arrive; downstream cases, audits and referrals need ids that do not. The rule:

1. a cluster inherits the previous person id it shares the most records with (ties: the
   smaller id), and each previous id goes to at most one cluster — the one with the
   largest overlap — so a person that grows keeps its id and a split keeps it on the
   larger part;
2. a cluster with no inheritable id gets ``P`` + a hash of its earliest record key, so a
   rebuild from scratch over the same data gives the same ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import pandas as pd


def fresh_id(record_key: str) -> str:
    """A person id derived from a record key (deterministic, 12 hex digits)."""
    return "P" + hashlib.blake2b(record_key.encode(), digest_size=6).hexdigest().upper()


def smallest_per_group(frame: pd.DataFrame, group: str, value: str) -> pd.Series:
    """Smallest ``value`` of each ``group`` (index: the group), by sorting once.

    ``groupby(...).min()`` on strings falls back to a Python loop per group: 30 s for
    the ~270,000 persons of a 1M-record build, against ~1 s for one sort.
    """
    first = frame.sort_values(value, kind="stable").drop_duplicates(group)
    smallest: pd.Series = first.set_index(group)[value]
    return smallest


def assign_person_ids(clusters: pd.DataFrame, previous: Mapping[str, str]) -> pd.Series:
    """``clusters`` (``unique_id``, ``cluster_id``) → person id per row (same index)."""
    frame = clusters[["unique_id", "cluster_id"]].copy()
    frame["cluster_id"] = frame["cluster_id"].astype(str)
    frame["previous"] = frame["unique_id"].map(previous)
    overlap = (
        frame.dropna(subset=["previous"])
        .groupby(["cluster_id", "previous"], sort=False)
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["n", "previous", "cluster_id"], ascending=[False, True, True])
    )
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for cluster, prev in zip(overlap["cluster_id"], overlap["previous"], strict=True):
        if cluster in chosen or prev in taken:
            continue
        chosen[cluster] = prev
        taken.add(prev)
    earliest = smallest_per_group(frame, "cluster_id", "unique_id").sort_index()
    used = set(previous.values()) | taken
    for cluster, key in earliest.items():
        if cluster in chosen:
            continue
        candidate, n = fresh_id(str(key)), 1
        while candidate in used:
            n += 1
            candidate = fresh_id(f"{key}#{n}")
        chosen[str(cluster)] = candidate
        used.add(candidate)
    return frame["cluster_id"].map(chosen)
