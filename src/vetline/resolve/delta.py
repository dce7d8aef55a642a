"""``vetline update``: the records an ingest added or changed, applied to the built persons
and the real-time index without a rebuild (issue 18 goal 4).

What is pending is found by comparing the store with the build: every record the last
build or update resolved is listed in ``persons/records.parquet`` with the
``content_hash`` of the version it resolved, so a key not there is **new** and a key
whose hash differs is **changed** — whatever number of ingests ran in between, and an
interrupted update is simply redone.

Then (``regroup.py`` for the pure part): the pending records are standardised (the
build's functions), written into the index (new rows appended, changed rows rewritten in
place), scored against the records sharing a blocking key with them, and the persons
they touch regrouped through the build's own guards; ids stay stable (a merge keeps the
older id and the retired one is recorded in ``persons/retired.parquet``; a split's
smaller part gets a new id).

Every person whose records changed gets one ``PersonChange`` (records added, updated,
moved in and out, persons merged in, the person split from or retired into). The caller's
``on_changes`` hook receives the report *before* anything is swapped in: the command
writes one audit event per change and flags the open vetting cases of those persons in
one transaction (``vetline.updates``); if it fails, nothing is swapped. Files are
written to temporary names and renamed at the end, the index folder last: a running
server reloads when the index's ``index.json`` changes (``generation.py``).

Edit here: what counts as pending (``pending``), the change events (``PersonChange``),
the order of the writes (``_swap``).
"""

from __future__ import annotations

import fcntl
import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vetline.errors import BadInput
from vetline.progress import ProgressFn, no_progress
from vetline.resolve import layout, symbol_cache
from vetline.resolve.build import build_match_table, person_links, previous_since
from vetline.resolve.config import ResolveSettings
from vetline.resolve.index import RecordIndex
from vetline.resolve.links import LINK_SCHEMA
from vetline.resolve.model import MatchModel
from vetline.resolve.regroup import assign_ids, match_rows, regroup, score_pairs
from vetline.resolve.standardise import clean_name

STAGE = "update persons"
STEPS = 6


@dataclass(frozen=True)
class PersonChange:
    """One person whose records changed in an update (one audit event each).

    ``kind``: CREATED (new records only), SPLIT (a new id for part of an old person),
    MERGED (other persons joined it; their ids retired), RETIRED (its records all went
    to ``retired_into``), CHANGED (anything else: records added, updated, moved).
    """

    person_id: str
    kind: str
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    moved_in: tuple[tuple[str, str], ...] = ()  # (record, from person)
    moved_out: tuple[tuple[str, str], ...] = ()  # (record, to person)
    merged_from: tuple[str, ...] = ()
    split_from: str | None = None
    retired_into: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["moved_in"] = [{"record": r, "from": p} for r, p in self.moved_in]
        out["moved_out"] = [{"record": r, "to": p} for r, p in self.moved_out]
        return out


@dataclass
class UpdateReport:
    """What an update did (``<data>/model/update.json``, the CLI table, the audit)."""

    records_new: int = 0
    records_changed: int = 0
    persons_touched: int = 0
    created: int = 0
    merged: int = 0
    split: int = 0
    retired: int = 0
    pairs: int = 0
    links: int = 0
    records: int = 0
    persons: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    #: CPU seconds of this process per stage (the stable figure on a shared machine)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    changes: list[PersonChange] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("changes")
        out["changed_persons"] = len(self.changes)
        return out


class _Clock:
    """Wall and CPU seconds per stage: ``lap`` closes the stage begun at the last lap."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._t, self._c = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        t, c = time.perf_counter(), time.process_time()
        self.wall[name] = round(self.wall.get(name, 0.0) + t - self._t, 3)
        self.cpu[name] = round(self.cpu.get(name, 0.0) + c - self._c, 3)
        self._t, self._c = t, c

    def into(self, report: UpdateReport) -> None:
        report.seconds, report.cpu_seconds = dict(self.wall), dict(self.cpu)


@contextmanager
def _update_lock(data_dir: Path) -> Iterator[None]:
    """One update at a time per data folder (readers are never blocked)."""
    folder = layout.persons_dir(data_dir)
    with (folder / ".update.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _built(data_dir: Path) -> pd.DataFrame:
    path = layout.person_records_file(data_dir)
    if not path.exists() or not (layout.index_dir(data_dir) / "index.json").exists():
        raise BadInput(str(data_dir), "no built persons; run `vetline build` first")
    frame = pd.read_parquet(path)
    if "content_hash" not in frame.columns or frame["content_hash"].isna().all():
        raise BadInput(
            str(data_dir),
            "the last build predates incremental updates (no record versions kept); "
            "run `vetline build` once",
        )
    return frame


def pending(data_dir: Path, built: pd.DataFrame) -> tuple[list[str], list[str], pd.Series]:
    """New and changed record keys (``source|record_id``), and their current hashes.

    One DuckDB query joins the store's hashes with the versions last resolved (handed in
    as ``built``) and returns only the keys that differ: the scan stays in DuckDB's
    vectorised, multi-threaded C++ and only the delta becomes Python objects (the whole
    store as a pandas index cost 3.7 s at 1M records, bench/README.md)."""
    from vetline.records import RecordStore
    from vetline.records.sqlparts import connect

    store = RecordStore(data_dir)
    try:
        parts = [
            f"SELECT source || '|' || record_id AS k, content_hash AS h "
            f"FROM read_parquet('{store.parquet_glob(s).replace(chr(39), chr(39) * 2)}')"
            for s in store.sources()
        ]
    finally:
        store.close()
    if not parts:
        return [], [], pd.Series(dtype=object)
    then = pa.table(
        {
            "k": pa.array(built["unique_id"].to_numpy(), pa.string()),
            "h": pa.array(built["content_hash"].to_numpy(), pa.string()),
        }
    )
    con = connect()
    try:
        con.register("then_", then)
        found = con.sql(
            f"SELECT now_.k, now_.h, then_.k IS NULL AS is_new "
            f"FROM ({' UNION ALL '.join(parts)}) AS now_ LEFT JOIN then_ USING (k) "
            f"WHERE then_.k IS NULL OR then_.h IS DISTINCT FROM now_.h"
        ).fetch_arrow_table()
    finally:
        con.close()
    keys = found.column("k").to_pylist()
    is_new = found.column("is_new").to_pylist()
    new = sorted(k for k, n in zip(keys, is_new, strict=True) if n)
    changed = sorted(k for k, n in zip(keys, is_new, strict=True) if not n)
    return new, changed, pd.Series(found.column("h").to_pylist(), index=keys, dtype=object)


def _read(data_dir: Path, keys: list[str]) -> pd.DataFrame:
    from vetline.records import RecordStore

    store = RecordStore(data_dir)
    try:
        pairs = [(k.split("|", 1)[0], k.split("|", 1)[1]) for k in keys]
        frame: pd.DataFrame = store.read_identities(pairs).to_pandas()
        return frame
    finally:
        store.close()


def update_persons(
    data_dir: Path,
    *,
    settings: ResolveSettings | None = None,
    progress: ProgressFn | None = None,
    on_changes: Callable[[UpdateReport], None] | None = None,
) -> UpdateReport:
    """Apply pending new and changed records to persons, links and index (see module)."""
    data_dir = Path(data_dir)
    progress = progress or no_progress
    s = settings or ResolveSettings.load(data_dir)
    with _update_lock(data_dir):
        return _update(data_dir, s, progress, on_changes)


def _update(
    data_dir: Path,
    s: ResolveSettings,
    progress: ProgressFn,
    on_changes: Callable[[UpdateReport], None] | None,
) -> UpdateReport:
    clock = _Clock()
    progress(STAGE, 0, STEPS)
    built = _built(data_dir)
    new, changed, hashes = pending(data_dir, built)
    report = UpdateReport(records_new=len(new), records_changed=len(changed))
    clock.lap("find_pending")
    if not new and not changed:
        progress(STAGE, STEPS, STEPS)
        report.records, report.persons = len(built), int(built["person_id"].nunique())
        clock.into(report)
        return report
    before = pd.Series(built["person_id"].to_numpy(), index=built["unique_id"].to_numpy())
    delta_keys = set(new) | set(changed)
    raw = _read(data_dir, sorted(delta_keys))
    clock.lap("read_delta")
    given = raw["first_name"].dropna().unique().tolist() if "first_name" in raw else []
    symbol_cache.prime(data_dir, (clean_name(g) or "" for g in given))
    table = build_match_table(raw)
    clock.lap("standardise")
    model = MatchModel.load(layout.model_file(data_dir))
    index = RecordIndex.load(layout.index_dir(data_dir))
    progress(STAGE, 1, STEPS)
    clock.lap("load_index")

    is_changed = table["unique_id"].isin(changed)
    rows = index.rows_of_keys(table.loc[is_changed, "unique_id"].tolist())
    index.replace(rows[rows >= 0], table.loc[is_changed].iloc[rows >= 0])
    fresh = pd.concat([table.loc[~is_changed], table.loc[is_changed].iloc[rows < 0]])
    index.add(fresh, [""] * len(fresh))  # one provisional person id, set below
    progress(STAGE, 2, STEPS)
    clock.lap("index_write")

    threshold = s.cluster_threshold
    new_pairs = score_pairs(model, index, match_rows(table), threshold)
    dirty = set(before.reindex(changed).dropna())
    partners = set(new_pairs["unique_id_l"]) | set(new_pairs["unique_id_r"])
    touched = dirty | set(before.reindex(list(partners - delta_keys)).dropna())
    members = before[before.isin(touched)].index.difference(list(delta_keys)).tolist()
    clock.lap("score")
    old_table = build_match_table(_read(data_dir, members)) if members else table.iloc[:0]
    clock.lap("read_touched")
    remaining = old_table[old_table["unique_id"].map(before).isin(dirty)]
    within = dict(zip(remaining["unique_id"], remaining["unique_id"].map(before), strict=True))
    inner_pairs = score_pairs(model, index, match_rows(remaining), threshold, within=within)
    progress(STAGE, 3, STEPS)
    clock.lap("score")

    everything = pd.concat([old_table, table], ignore_index=True)
    chosen_rows = before[before.isin(touched)]
    known = dict(zip(chosen_rows.index.astype(str), chosen_rows.astype(str), strict=True))
    grouped = regroup(
        everything, known, delta_keys, dirty, new_pairs, inner_pairs, model, threshold
    )
    since = previous_since(data_dir)
    chosen, retired = assign_ids(grouped.clusters, known, since, set(before.unique()))
    after = grouped.clusters.map(chosen)
    report.changes = _changes(after, known, set(new), set(changed), retired)
    progress(STAGE, 4, STEPS)
    clock.lap("regroup")

    records = _records(built, after, hashes, everything)
    clock.lap("write_records_frame")
    links = _links(data_dir, records, grouped.links, delta_keys)
    clock.lap("write_links_frame")
    persons = _persons(data_dir, records, after, touched, since)
    clock.lap("write_persons_frame")
    rows = index.rows_of_keys(after.index.tolist())
    index.set_persons(rows, after.tolist())
    symbol_cache.save(data_dir, index.symbols)
    clock.lap("write_set_persons")
    _tally(report, records, persons, links, grouped.scored, touched, retired)
    progress(STAGE, 5, STEPS)
    tmp = _write_tmp(data_dir, records, persons, links, retired, index, clock)
    clock.into(report)
    try:
        if on_changes is not None:
            on_changes(report)
    except BaseException:
        for path in tmp:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(True)
        raise
    clock.lap("on_changes")
    _swap(data_dir, tmp)
    clock.lap("swap")
    clock.into(report)
    summary = report.summary() | {"at": datetime.now(UTC).isoformat(timespec="seconds")}
    (layout.model_file(data_dir).parent / "update.json").write_text(json.dumps(summary, indent=1))
    progress(STAGE, STEPS, STEPS)
    return report


def _changes(
    after: pd.Series,
    before: dict[str, str],
    new: set[str],
    changed: set[str],
    retired: dict[str, str],
) -> list[PersonChange]:
    """One ``PersonChange`` per person whose records changed (see ``PersonChange``)."""
    now = after.to_dict()
    held_before: dict[str, list[str]] = {}
    for uid, pid in before.items():
        held_before.setdefault(pid, []).append(uid)
    out: list[PersonChange] = []
    merged_into: dict[str, list[str]] = {}
    for old, into in retired.items():
        merged_into.setdefault(into, []).append(old)
    for key, uids in after.groupby(after.to_numpy()).groups.items():
        pid = str(key)
        mine = [str(u) for u in uids]
        added = tuple(sorted(u for u in mine if u in new))
        updated = tuple(sorted(u for u in mine if u in changed and before.get(u) == pid))
        moved_in = tuple(sorted((u, before[u]) for u in mine if u in before and before[u] != pid))
        moved_out = tuple(
            sorted((u, str(now[u])) for u in held_before.get(pid, []) if now[u] != pid)
        )
        merged = tuple(sorted(merged_into.get(pid, [])))
        if not (added or updated or moved_in or moved_out or merged):
            continue
        if pid not in held_before:
            sources = {p for _, p in moved_in}
            kind = "SPLIT" if moved_in and not sources & set(retired) else "CREATED"
            split_from = min(sources) if kind == "SPLIT" else None
        else:
            kind, split_from = ("MERGED" if merged else "CHANGED"), None
        out.append(PersonChange(pid, kind, added, updated, moved_in, moved_out, merged, split_from))
    for old, into in sorted(retired.items()):
        gone = tuple(sorted((u, str(now[u])) for u in held_before.get(old, [])))
        out.append(PersonChange(old, "RETIRED", moved_out=gone, retired_into=into))
    return out


def _records(
    built: pd.DataFrame, after: pd.Series, hashes: pd.Series, table: pd.DataFrame
) -> pd.DataFrame:
    """``records.parquet`` after the update: touched records re-personed, new appended,
    every resolved record with the hash of the version now resolved."""
    keep = built[~built["unique_id"].isin(after.index)]
    touched = table.drop_duplicates("unique_id").set_index("unique_id").loc[after.index]
    fresh = pd.DataFrame(
        {
            "source": touched["source"].to_numpy(),
            "record_id": touched["record_id"].to_numpy(),
            "unique_id": after.index.to_numpy(),
            "person_id": after.to_numpy(),
            "content_hash": hashes.reindex(after.index)
            .fillna(built.set_index("unique_id")["content_hash"].reindex(after.index))
            .to_numpy(),
        }
    )
    out = pd.concat([keep[fresh.columns], fresh], ignore_index=True)
    return out.sort_values("unique_id", kind="stable").reset_index(drop=True)


def _links(
    data_dir: Path, records: pd.DataFrame, new_links: pd.DataFrame, delta: set[str]
) -> pa.Table:
    """Old links re-personed (those of a re-scored record dropped) plus the new ones."""
    path = layout.links_file(data_dir)
    old = pq.read_table(path).to_pandas() if path.exists() else pd.DataFrame()
    if len(old):
        old = old[~old["unique_id_l"].isin(delta) & ~old["unique_id_r"].isin(delta)]
    columns = ["unique_id_l", "unique_id_r", "match_probability", "match_weight", "reason"]
    frames = [f[columns] for f in (old, new_links) if len(f)]
    both = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return person_links(both, records[["unique_id"]], records["person_id"])


def _persons(
    data_dir: Path,
    records: pd.DataFrame,
    after: pd.Series,
    touched: set[str],
    since: dict[str, str],
) -> pd.DataFrame:
    """``persons.parquet``: untouched rows kept, the touched persons' rows recomputed."""
    path = layout.persons_file(data_dir)
    old = pd.read_parquet(path)
    now_ids = set(after.unique())
    keep = old[~old["person_id"].isin(touched | now_ids)]
    mine = records[records["person_id"].isin(now_ids)]
    pairs = mine[["person_id", "source"]].drop_duplicates().sort_values(["person_id", "source"])
    fresh = (
        pd.DataFrame(
            {
                "records": mine.groupby("person_id", sort=True).size(),
                "first_record": mine.sort_values("unique_id")
                .drop_duplicates("person_id")
                .set_index("person_id")["unique_id"],
                "sources": pairs.groupby("person_id", sort=True)["source"].agg(",".join),
            }
        )
        .rename_axis("person_id")
        .reset_index()
    )
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    fresh["since"] = fresh["person_id"].map(since).fillna(stamp)
    if "since" not in keep.columns:
        keep = keep.assign(since=keep["person_id"].map(since))
    out = pd.concat([keep[fresh.columns], fresh], ignore_index=True)
    return out.sort_values("person_id").reset_index(drop=True)


def _tally(
    report: UpdateReport,
    records: pd.DataFrame,
    persons: pd.DataFrame,
    links: pa.Table,
    scored: int,
    touched: set[str],
    retired: dict[str, str],
) -> None:
    kinds = [c.kind for c in report.changes]
    report.created, report.split = kinds.count("CREATED"), kinds.count("SPLIT")
    report.merged, report.retired = kinds.count("MERGED"), len(retired)
    report.pairs, report.links = scored, links.num_rows
    report.persons_touched = len(touched)
    report.records, report.persons = len(records), len(persons)


def _write_tmp(
    data_dir: Path,
    records: pd.DataFrame,
    persons: pd.DataFrame,
    links: pa.Table,
    retired: dict[str, str],
    index: RecordIndex,
    clock: _Clock,
) -> list[Path]:
    """Everything the update writes, under temporary names (``_swap`` renames them)."""
    out = []
    for frame, path in (
        (records, layout.person_records_file(data_dir)),
        (persons, layout.persons_file(data_dir)),
    ):
        tmp = path.with_suffix(".update.tmp")
        frame.to_parquet(tmp, index=False)
        out.append(tmp)
    tmp = layout.links_file(data_dir).with_suffix(".update.tmp")
    pq.write_table(links.select(LINK_SCHEMA.names).cast(LINK_SCHEMA), tmp)
    out.append(tmp)
    retired_path = layout.persons_dir(data_dir) / "retired.parquet"
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    rows = pd.DataFrame(
        {"person_id": list(retired), "merged_into": list(retired.values()), "at": stamp}
    )
    if retired_path.exists():
        rows = pd.concat([pd.read_parquet(retired_path), rows], ignore_index=True)
    tmp = retired_path.with_suffix(".update.tmp")
    rows.to_parquet(tmp, index=False)
    out.append(tmp)
    folder = layout.index_dir(data_dir).with_name("index.update.tmp")
    shutil.rmtree(folder, ignore_errors=True)
    clock.lap("write_files")
    index.save(folder)
    clock.lap("write_index")
    out.append(folder)
    return out


def _swap(data_dir: Path, tmp: list[Path]) -> None:
    """Rename the temporary files over the live ones; the index folder last (a server
    reloads when it sees a new ``index.json``, so it never sees new persons with an old
    index)."""
    *files, folder = tmp
    for path in files:
        path.replace(path.with_suffix("").with_suffix(".parquet"))
    live = layout.index_dir(data_dir)
    old = live.with_name("index.old")
    shutil.rmtree(old, ignore_errors=True)
    live.rename(old)
    folder.rename(live)
    shutil.rmtree(old, ignore_errors=True)
