"""``vetline update``: the records an ingest added or changed, applied to the built persons
and the real-time index without a rebuild (issue 18 goal 4).

What is pending: the keys the ingest journal (``vetline.records.journal``) names after
the position the persons reflect (``persons/manifest.json``), each checked against the
store and the version last resolved (every resolved record is listed, through
``layout.read_person_records``, with the ``content_hash`` of the version it resolved): a
key never resolved is **new**, one whose hash differs **changed** — whatever number of
ingests ran in between; an interrupted update is simply redone (the position moves only
when the update is swapped in). Persons built before the journal are compared whole
once (``delta_pending._scan``).

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
one transaction (``vetline.updates``); if it fails, nothing is swapped. What it writes is
proportional to the delta (``delta_files.py``): one *part* of the person files (the
touched persons' records, rows and links), listed in the manifest last, the index
folder renamed in after it: a running server reloads when the index's ``index.json``
changes (``generation.py``). Old records' persons come from the index (its person
column and rows grouped by person), not from a read of every record.

Edit here: what counts as pending (``delta_pending.pending``), the change events
(``PersonChange``), the order of the writes (``delta_files.swap``).
"""

from __future__ import annotations

import fcntl
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from vetline.progress import ProgressFn, no_progress
from vetline.resolve import delta_files, layout, symbol_cache
from vetline.resolve.build import previous_since
from vetline.resolve.config import ResolveSettings
from vetline.resolve.delta_pending import key_hashes, manifest_of, pending, store_rows
from vetline.resolve.index import RecordIndex
from vetline.resolve.match_table import build_match_table
from vetline.resolve.model import MatchModel
from vetline.resolve.regroup import assign_ids, regroup, score_pairs
from vetline.resolve.standardise import clean_name

STAGE = "update persons"
STEPS = 6
#: Score only the pairs the build's predict scores (``comparisons.BLOCKING_FILTERS``);
#: False scores every pair sharing a key (before; ``bench_delta.py run --unfiltered``).
FILTER_BLOCKS = True


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
        # not ``asdict(self)``: it would copy every change (~4 s for 41k) to drop them
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "changes"}
        out["seconds"], out["cpu_seconds"] = dict(self.seconds), dict(self.cpu_seconds)
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


class _Taken:
    """Person ids a fresh id must not repeat: every id the index has ever named."""

    def __init__(self, index: RecordIndex) -> None:
        self._column = index.coded["person_id"]

    def __contains__(self, person_id: object) -> bool:
        return isinstance(person_id, str) and self._column.code_of(person_id) >= 0


def _update(
    data_dir: Path,
    s: ResolveSettings,
    progress: ProgressFn,
    on_changes: Callable[[UpdateReport], None] | None,
) -> UpdateReport:
    clock = _Clock()
    progress(STAGE, 0, STEPS)
    manifest = manifest_of(data_dir)
    found = pending(data_dir, manifest)
    new, changed = found.new, found.changed
    report = UpdateReport(records_new=len(new), records_changed=len(changed))
    clock.lap("find_pending")
    if not new and not changed:
        if manifest.journal != found.journal:  # nothing to apply: remember the position
            manifest.journal = found.journal
            manifest.write(data_dir)
        progress(STAGE, STEPS, STEPS)
        report.records, report.persons = manifest.records, manifest.persons
        clock.into(report)
        return report
    delta_keys = set(new) | set(changed)
    raw = found.rows.drop(columns=["content_hash"])
    hashes = key_hashes(found.rows)
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
    changed_rows = rows[rows >= 0]
    index.add(fresh, [""] * len(fresh))  # one provisional person id, set below
    progress(STAGE, 2, STEPS)
    clock.lap("index_write")

    threshold = s.cluster_threshold
    delta_rows = index.rows_of_keys(table["unique_id"].tolist())
    new_pairs = score_pairs(model, index, delta_rows, threshold, filtered=FILTER_BLOCKS)
    person = index.coded["person_id"]
    dirty = set(person.values(changed_rows).tolist())
    partners = (set(new_pairs["unique_id_l"]) | set(new_pairs["unique_id_r"])) - delta_keys
    partner_rows = index.rows_of_keys(sorted(partners))
    touched = dirty | set(person.values(partner_rows[partner_rows >= 0]).tolist())
    touched_rows = index.rows_of_persons(touched)
    before = pd.Series(
        person.values(touched_rows), index=index.coded["unique_id"].values(touched_rows)
    )
    members = before.index.difference(list(delta_keys)).tolist()
    clock.lap("score")
    old_rows = store_rows(data_dir, members) if members else found.rows.iloc[:0]
    hashes = pd.concat([hashes, key_hashes(old_rows)])
    old_table = (
        build_match_table(old_rows.drop(columns=["content_hash"])) if members else table.iloc[:0]
    )
    clock.lap("read_touched")
    remaining = old_table[old_table["unique_id"].map(before).isin(dirty)]
    within = dict(zip(remaining["unique_id"], remaining["unique_id"].map(before), strict=True))
    inner_rows = index.rows_of_keys(remaining["unique_id"].tolist())
    inner_pairs = score_pairs(
        model, index, inner_rows, threshold, within=within, filtered=FILTER_BLOCKS
    )
    progress(STAGE, 3, STEPS)
    clock.lap("score")

    everything = pd.concat([old_table, table], ignore_index=True)
    known = dict(zip(before.index.astype(str), before.astype(str), strict=True))
    grouped = regroup(
        everything, known, delta_keys, dirty, new_pairs, inner_pairs, model, threshold
    )
    since = previous_since(data_dir, touched)
    chosen, retired = assign_ids(grouped.clusters, known, since, _Taken(index))
    after = grouped.clusters.map(chosen)
    report.changes = _changes(after, known, set(new), set(changed), retired)
    progress(STAGE, 4, STEPS)
    clock.lap("regroup")

    part = delta_files.Part.of(
        data_dir, manifest, after, hashes, everything, grouped.links, touched, since,
        delta_keys, len(new),
    )  # fmt: skip
    clock.lap("part_frames")
    rows = index.rows_of_keys(after.index.tolist())
    index.set_persons(rows, after.tolist())
    symbol_cache.save(data_dir, index.symbols)
    clock.lap("write_set_persons")
    manifest = part.manifest(found.journal)
    report.pairs, report.links = grouped.scored, manifest.links
    kinds = [c.kind for c in report.changes]
    report.created, report.split = kinds.count("CREATED"), kinds.count("SPLIT")
    report.merged, report.retired = kinds.count("MERGED"), len(retired)
    report.persons_touched = len(touched)
    report.records, report.persons = manifest.records, manifest.persons
    progress(STAGE, 5, STEPS)
    tmp = delta_files.write_tmp(data_dir, part, retired, index, clock)
    clock.into(report)
    try:
        if on_changes is not None:
            on_changes(report)
    except BaseException:
        delta_files.discard(tmp)
        raise
    clock.lap("on_changes")
    delta_files.swap(data_dir, tmp, manifest)
    clock.lap("swap")
    if len(manifest.parts) >= layout.COMPACT_PARTS:
        layout.compact(data_dir)
        clock.lap("compact")
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
