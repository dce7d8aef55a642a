"""``vetline build``: records → standardised → model → pairs → persons → index.

Stages (each reports progress): read the record store, standardise, train the model
(only when none exists or ``retrain``: a rebuild over grown data keeps the parameters,
so ids and levels do not drift with every load), predict and cluster on the chosen
engine, assign stable person ids against the previous build, write persons, the
"possible same person" links (``links.py``: pairs ≥ ``cluster_threshold`` the guarded
clustering kept apart, strongest pair per two persons, with the reason; always written,
empty too, so a reader never sees a previous build's links beside new persons) and the
real-time index. Files are written to temporary names and swapped in at the end, so
a failed build leaves the previous one in place.

Reading and standardising the store into the match table is ``match_table.py``'s.
"""

from __future__ import annotations

import functools
import json
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vetline.progress import ProgressFn, no_progress
from vetline.records import journal
from vetline.records.layout import fsync, sync_tree
from vetline.resolve import bulk, layout, spark_rows, splink_model, symbol_cache
from vetline.resolve import engine as engines
from vetline.resolve.comparisons import COMPARISONS
from vetline.resolve.config import ResolveSettings
from vetline.resolve.engine import DEFAULT_SPARK_MASTER
from vetline.resolve.ids import assign_person_ids, smallest_per_group
from vetline.resolve.index import RecordIndex
from vetline.resolve.links import LINK_SCHEMA
from vetline.resolve.match_table import _read_identities, _standardise_store
from vetline.resolve.model import MatchModel
from vetline.resolve.standardise import clean_name
from vetline.resolve.symbol_cache import SymbolWorker


@dataclass
class BuildReport:
    """What a build did, for the CLI table and ``<data>/model/build.json``."""

    engine: str
    records: int
    persons: int
    pairs: int
    trained: bool
    persons_kept: int
    persons_new: int
    seconds: dict[str, float] = field(default_factory=dict)
    #: "possible same person" links written to ``persons/links.parquet``.
    links: int = 0

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def _previous_ids(data_dir: Path) -> dict[str, str]:
    if not layout.has_persons(data_dir):
        return {}
    prev = layout.read_person_records(data_dir, ["unique_id", "person_id"])
    return dict(
        zip(prev.column("unique_id").to_pylist(), prev.column("person_id").to_pylist(), strict=True)
    )


def content_hashes(records: pd.DataFrame) -> pd.Series:
    """``content_hash`` by record key (``source|record_id``, the match table's ``unique_id``)."""
    keys = records["source"].astype(str) + "|" + records["record_id"].astype(str)
    return pd.Series(records["content_hash"].to_numpy(), index=keys.to_numpy())


def previous_since(data_dir: Path, ids: Iterable[str] | None = None) -> dict[str, str]:
    """When each person id of the last build or update was first made (``since``);
    ``ids``: only these persons (an update's touched ones)."""
    if not layout.persons_file(data_dir).exists():
        return {}
    table = layout.read_persons(data_dir, ["person_id", "since"], ids=ids)
    if "since" not in table.column_names:
        return {}
    return dict(
        zip(table.column("person_id").to_pylist(), table.column("since").to_pylist(), strict=True)
    )


def fits_comparisons(model: MatchModel) -> bool:
    """Whether ``model`` was trained for the current comparisons (same levels, in order).

    A model saved before a comparison gained a level would otherwise lend its weights to
    the wrong levels; a stale model is retrained instead.
    """
    return all(
        [p.label for p in model.comparisons.get(c.name, [])] == [lv.label for lv in c.levels]
        for c in COMPARISONS
    )


def link_table(
    table: pd.DataFrame,
    data_dir: Path,
    *,
    engine: str = "duckdb",
    retrain: bool = False,
    settings: ResolveSettings | None = None,
    progress: ProgressFn = no_progress,
    by_row: bool = False,
    spark_master: str = DEFAULT_SPARK_MASTER,
) -> tuple[MatchModel, engines.Linkage | bulk.RowLinkage, bool, dict[str, float]]:
    """Train (if needed) and link a match table; the model lives in ``data_dir``.

    ``by_row`` (DuckDB; the build's way): link over row numbers (``bulk.py``) and return
    a ``bulk.RowLinkage`` — no pair frame, which at 10M records does not fit.
    """
    work_dir = layout.model_file(data_dir).parent
    try:
        return _train_and_link(
            table, data_dir, engine, retrain, settings, progress, by_row, spark_master
        )
    finally:  # a failed predict (a full disk at 10M) must not leave its spill behind
        engines.remove_spill(work_dir)


def _train_and_link(
    table: pd.DataFrame,
    data_dir: Path,
    engine: str,
    retrain: bool,
    settings: ResolveSettings | None,
    progress: ProgressFn,
    by_row: bool,
    spark_master: str,
) -> tuple[MatchModel, engines.Linkage | bulk.RowLinkage, bool, dict[str, float]]:
    s = settings or ResolveSettings.load(data_dir)
    seconds: dict[str, float] = {}
    work_dir = layout.model_file(data_dir).parent
    db_api = engines.open_engine(engine, spark_master, work_dir=work_dir)
    model_path = layout.model_file(data_dir)
    model: MatchModel | None = None
    if not retrain and model_path.exists():
        model = MatchModel.load(model_path)
        if not fits_comparisons(model):
            model = None  # trained for another version of the comparisons: retrain
    trained = model is None
    t = time.perf_counter()
    if model is None:
        model = splink_model.train(
            db_api, table, seed=s.seed, max_pairs=s.em_max_pairs, progress=progress
        )
        model.trained_on = {"records": len(table), "engine": engine}
        model.save(model_path)
    else:
        progress("train model", 1, 1)  # reused: nothing to train
    seconds["train"] = time.perf_counter() - t
    t = time.perf_counter()
    link: Callable[..., engines.Linkage | bulk.RowLinkage] = engines.link
    if by_row and engine == "duckdb":
        # A fresh connection: nothing training cached stays in memory beside the pairs.
        engines.close(db_api, work_dir)
        db_api = engines.open_engine(engine, work_dir=work_dir, to_parquet=True)
        link = functools.partial(
            bulk.link_rows,
            slice_pairs=s.predict_slice_pairs,
            block_rows=s.predict_block_rows,
            work_dir=work_dir,
        )
    elif by_row:  # Spark scores the same NumPy candidate pairs (spark_rows.py)
        link = functools.partial(
            spark_rows.link_rows,
            slice_pairs=s.predict_slice_pairs,
            block_rows=s.predict_block_rows,
            work_dir=work_dir,
        )
    linkage = link(
        db_api,
        table,
        model,
        predict_threshold=s.predict_threshold,
        cluster_threshold=s.cluster_threshold,
        progress=progress,
    )
    engines.close(db_api, work_dir)
    seconds["predict_cluster"] = time.perf_counter() - t
    return model, linkage, trained, seconds


def build_persons(
    data_dir: Path,
    engine: str = "duckdb",
    progress: ProgressFn | None = None,
    *,
    retrain: bool = False,
    settings: ResolveSettings | None = None,
    names: SymbolWorker | None = None,
    spark_master: str = DEFAULT_SPARK_MASTER,
) -> BuildReport:
    """Resolve every record in the store into persons and build the real-time index.

    ``spark_master`` (``engine="spark"``): ``local[N]`` here, or a cluster's master URL;
    on a cluster the data folder must be on storage every executor sees (README).

    ``names``: a running :class:`SymbolWorker` computes given-name symbols the folder's
    cache lacks in its own process (``symbol_cache.py``); without one they are computed
    here.
    """
    engine = engines.check_engine(engine)
    progress = progress or no_progress
    s = settings or ResolveSettings.load(data_dir)
    t0 = time.perf_counter()
    progress("read records", 0, 1)
    # Before the store is read: ingests after this entry are applied again by the next
    # update, which finds those already resolved unchanged (records/journal.py).
    journal_at = journal.position(data_dir)
    identities = _read_identities(data_dir)
    hashes = identities["content_hash"]  # Arrow, in the table's (key) order
    identities = identities.drop_columns(["content_hash"])
    progress("read records", 1, 1)
    if "first_name" in identities.column_names:
        given = pc.unique(identities["first_name"]).drop_null().to_pylist()
        symbol_cache.prime(data_dir, (clean_name(g) or "" for g in given), names, progress)
    table = _standardise_store(identities, progress)
    del identities  # the match table holds what the rest needs
    seconds = {"read_standardise": time.perf_counter() - t0}
    _, linkage, trained, link_seconds = link_table(
        table,
        data_dir,
        engine=engine,
        retrain=retrain,
        settings=s,
        progress=progress,
        by_row=True,
        spark_master=spark_master,
    )
    seconds.update(link_seconds)
    t = time.perf_counter()
    progress("persons + index", 0, 2)
    keys = table["unique_id"]
    if isinstance(linkage, bulk.RowLinkage):
        cluster_ids = keys.to_numpy()[linkage.cluster_row]
        pair_count = linkage.pair_count
    else:
        found = keys.to_frame().merge(linkage.clusters, on="unique_id", how="left")
        cluster_ids = found["cluster_id"].fillna(found["unique_id"]).to_numpy()
        pair_count = len(linkage.pairs)
    clusters = pd.DataFrame({"unique_id": keys.to_numpy(), "cluster_id": cluster_ids})
    del cluster_ids
    previous = _previous_ids(data_dir)
    person_ids = assign_person_ids(clusters, previous)
    del clusters
    links = person_links(linkage.links, table, person_ids)
    since = previous_since(data_dir)
    _write_persons(data_dir, table, person_ids, links, hashes.to_numpy(zero_copy_only=False), since)
    layout.write_base(data_dir, journal_at, (len(table), int(person_ids.nunique()), links.num_rows))
    del hashes
    progress("persons + index", 1, 2)
    index = RecordIndex.from_match_table(table, person_ids.tolist())
    symbol_cache.save(data_dir, index.symbols)
    tmp = layout.index_dir(data_dir).with_name("index.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    index.save(tmp)
    # On disk before the rename publishes them (a server reloads on the new index).
    sync_tree(layout.persons_dir(data_dir), layout.model_file(data_dir).parent, tmp)
    shutil.rmtree(layout.index_dir(data_dir), ignore_errors=True)
    tmp.rename(layout.index_dir(data_dir))
    fsync(data_dir)  # the rename itself
    progress("persons + index", 2, 2)
    seconds["persons_index"] = time.perf_counter() - t
    kept = set(person_ids) & set(previous.values())
    report = BuildReport(
        engine=engine,
        records=len(table),
        persons=int(person_ids.nunique()),
        pairs=pair_count,
        trained=trained,
        persons_kept=len(kept),
        persons_new=int(person_ids.nunique()) - len(kept),
        seconds={k: round(v, 3) for k, v in seconds.items()},
        links=links.num_rows,
    )
    layout.build_report_file(data_dir).write_text(json.dumps(asdict(report), indent=1))
    return report


def person_links(links: pd.DataFrame, table: pd.DataFrame, person_ids: pd.Series) -> pa.Table:
    """``Linkage.links`` (by cluster) → ``LINK_SCHEMA`` rows by person id.

    Clusters map one-to-one onto persons, but person ids sort differently from cluster
    ids, so each link is re-oriented (``person_id_l < person_id_r``, its records with it)
    and the strongest pair per two persons kept.
    """
    person_of = pd.Series(person_ids.to_numpy(), index=table["unique_id"].to_numpy())
    out = pd.DataFrame(
        {
            "person_id_l": links["unique_id_l"].map(person_of),
            "person_id_r": links["unique_id_r"].map(person_of),
            "unique_id_l": links["unique_id_l"],
            "unique_id_r": links["unique_id_r"],
            "match_probability": links["match_probability"].astype(float),
            "match_weight": links["match_weight"].astype(float),
            "reason": links["reason"],
        }
    )
    out = out[out["person_id_l"].notna() & (out["person_id_l"] != out["person_id_r"])]
    swap = (out["person_id_l"] > out["person_id_r"]).to_numpy()
    for a, b in (("person_id_l", "person_id_r"), ("unique_id_l", "unique_id_r")):
        out.loc[swap, [a, b]] = out.loc[swap, [b, a]].to_numpy()
    out = (
        out.sort_values(
            ["match_weight", "unique_id_l", "unique_id_r"], ascending=[False, True, True]
        )
        .drop_duplicates(["person_id_l", "person_id_r"], keep="first")
        .sort_values(["person_id_l", "person_id_r"])
    )
    return pa.Table.from_pandas(out, schema=LINK_SCHEMA, preserve_index=False)


def _write_persons(
    data_dir: Path,
    table: pd.DataFrame,
    person_ids: pd.Series,
    links: pa.Table,
    hashes: pd.Series | npt.NDArray[np.object_] | None = None,
    since: dict[str, str] | None = None,
) -> None:
    """``records.parquet`` (with each record's ``content_hash``: the version resolved, so
    ``vetline update`` knows what changed since), ``persons.parquet`` (with ``since``:
    when the id was first made — a merge keeps the older id) and the links."""
    directory = layout.persons_dir(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    records = pd.DataFrame(
        {
            "source": table["source"],
            "record_id": table["record_id"],
            "unique_id": table["unique_id"],
            "person_id": person_ids.to_numpy(),
            "content_hash": (
                hashes
                if isinstance(hashes, np.ndarray)  # one per row of ``table``
                else table["unique_id"].map(hashes).to_numpy()
                if hashes is not None
                else None
            ),
        }
    )
    # No string min or lambda inside groupby: each falls back to a Python loop per
    # group (≈ 35 s at 1M records); sorted distinct values and one join per person do not.
    persons = (
        pd.DataFrame(
            {
                "records": records.groupby("person_id", sort=True).size(),
                "first_record": smallest_per_group(records, "person_id", "unique_id"),
                "sources": sources_per_person(records),
            }
        )
        .rename_axis("person_id")
        .reset_index()
    )
    now = datetime.now(UTC).isoformat(timespec="seconds")
    persons["since"] = persons["person_id"].map(since or {}).fillna(now)
    for frame, path in ((records, layout.person_records_file(data_dir)),
                        (persons, layout.persons_file(data_dir))):  # fmt: skip
        tmp = path.with_suffix(".tmp")
        frame.to_parquet(tmp, index=False)
        tmp.replace(path)
    # links.write_links writes in place; the build swaps, like the files above.
    path = layout.links_file(data_dir)
    tmp = path.with_suffix(".tmp")
    pq.write_table(links.select(LINK_SCHEMA.names).cast(LINK_SCHEMA), tmp)
    tmp.replace(path)


def sources_per_person(records: pd.DataFrame) -> pd.Series:
    """Each person's distinct sources, sorted, comma-joined (index: person id, sorted).

    A join per person through ``groupby.agg`` cost a Python call per group (≈ 8 s of
    the 1M build's persons stage); persons hold few of the few sources, so each person
    gets a bit mask of its sources and each distinct mask is joined once.
    """
    person_codes, persons = pd.factorize(records["person_id"], sort=True)
    source_codes, sources = pd.factorize(records["source"], sort=True)
    if len(sources) > 62 or (source_codes < 0).any() or (person_codes < 0).any():
        pairs = records[["person_id", "source"]].drop_duplicates()
        pairs = pairs.sort_values(["person_id", "source"])
        joined: pd.Series = pairs.groupby("person_id", sort=True)["source"].agg(",".join)
        return joined
    masks = np.zeros(len(persons), dtype=np.int64)
    np.bitwise_or.at(masks, person_codes, np.left_shift(np.int64(1), source_codes))
    mask_codes, distinct = pd.factorize(masks)
    names = list(sources)
    text = np.empty(len(distinct), dtype=object)
    for i, mask in enumerate(distinct.tolist()):
        text[i] = ",".join(n for bit, n in enumerate(names) if mask >> bit & 1)
    return pd.Series(text[mask_codes], index=pd.Index(persons, name="person_id"))
