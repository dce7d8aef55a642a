"""What ``vetline update`` writes: one part of the person files, the retired ids, the
index — to temporary or not-yet-listed names, swapped in at the end (``swap``).

A part (``layout.py``) holds only the persons the update touched: their records, their
rows, their links recomputed, and the ids it superseded. So the update's writes cost
in proportion to the delta, not the world: the whole-file rewrite it replaces was
≈ 8 CPU s at 1M records (records frame, links, persons, files; bench/README.md).
What the whole files would hold is unchanged — ``layout.read_*`` of base + parts equals
the files main's update wrote (``bench/bench_delta.py compare-files``).

Edit here: the part's frames (``Part.of``), the order of the writes (``swap``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vetline.records.layout import fsync, sync_tree
from vetline.resolve import layout
from vetline.resolve.build import person_links
from vetline.resolve.index import RecordIndex
from vetline.resolve.links import LINK_SCHEMA

if TYPE_CHECKING:
    from typing import Protocol

    class _Lap(Protocol):
        def lap(self, name: str) -> None: ...


_LINK_COLUMNS = ["unique_id_l", "unique_id_r", "match_probability", "match_weight", "reason"]


@dataclass
class Part:
    """One update's rows of the person files, and the totals after it."""

    number: int
    records: pd.DataFrame
    persons: pd.DataFrame
    links: pa.Table
    superseded: list[str]
    base: layout.Manifest
    totals: tuple[int, int, int]

    @classmethod
    def of(
        cls,
        data_dir: Path,
        manifest: layout.Manifest,
        after: pd.Series,
        hashes: pd.Series,
        table: pd.DataFrame,
        new_links: pd.DataFrame,
        touched: set[str],
        since: Mapping[str, str],
        delta: set[str],
        new: int,
    ) -> Part:
        """``after``: every record of the touched persons → its person now; ``hashes``:
        the version resolved of each; ``table``: their standardised rows; ``new``: how
        many of them were never resolved before."""
        records = _records(after, hashes, table)
        now_ids = set(after.unique())
        persons = _persons(records, since)
        old_links = layout.read_person_links(data_dir, naming=touched)
        links, dropped = _links(old_links, new_links, after, delta)
        totals = (
            manifest.records + new,
            manifest.persons + len(now_ids - touched) - len(touched - now_ids),
            manifest.links - dropped + links.num_rows,
        )
        superseded = sorted(touched | now_ids)
        return cls(manifest.next_part(), records, persons, links, superseded, manifest, totals)

    def manifest(self, journal: int) -> layout.Manifest:
        """The manifest listing this part (written last, by ``swap``)."""
        return layout.Manifest(
            parts=[*self.base.parts, self.number],
            journal=journal,
            records=self.totals[0],
            persons=self.totals[1],
            links=self.totals[2],
        )


def _records(after: pd.Series, hashes: pd.Series, table: pd.DataFrame) -> pd.DataFrame:
    """The touched persons' records as ``records.parquet`` holds them (sorted by key)."""
    rows = table.drop_duplicates("unique_id").set_index("unique_id").loc[after.index]
    out = pd.DataFrame(
        {
            "source": rows["source"].to_numpy(),
            "record_id": rows["record_id"].to_numpy(),
            "unique_id": after.index.to_numpy(),
            "person_id": after.to_numpy(),
            "content_hash": hashes[~hashes.index.duplicated(keep="first")]
            .reindex(after.index)
            .to_numpy(),
        }
    )
    return out.sort_values("unique_id", kind="stable").reset_index(drop=True)


def _persons(records: pd.DataFrame, since: Mapping[str, str]) -> pd.DataFrame:
    """The touched persons' rows as ``persons.parquet`` holds them: every record of a
    person an update names is among its records (``records``)."""
    pairs = records[["person_id", "source"]].drop_duplicates().sort_values(["person_id", "source"])
    fresh = (
        pd.DataFrame(
            {
                "records": records.groupby("person_id", sort=True).size(),
                "first_record": records.sort_values("unique_id")
                .drop_duplicates("person_id")
                .set_index("person_id")["unique_id"],
                "sources": pairs.groupby("person_id", sort=True)["source"].agg(",".join),
            }
        )
        .rename_axis("person_id")
        .reset_index()
    )
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    fresh["since"] = fresh["person_id"].map(dict(since)).fillna(stamp)
    return fresh.sort_values("person_id").reset_index(drop=True)


def _links(
    old: pa.Table | None, new_links: pd.DataFrame, after: pd.Series, delta: set[str]
) -> tuple[pa.Table, int]:
    """The touched persons' links: their old links (those of a re-scored record dropped)
    and the new ones, re-personed; and how many old rows they replace."""
    frames: list[pd.DataFrame] = []
    person = after.to_dict()
    dropped = 0
    if old is not None and old.num_rows:
        frame = old.to_pandas()
        dropped = len(frame)
        # an end outside the touched persons keeps the person its row names
        for side in ("l", "r"):
            for uid, pid in zip(
                frame[f"unique_id_{side}"], frame[f"person_id_{side}"], strict=True
            ):
                person.setdefault(uid, pid)
        frame = frame[~frame["unique_id_l"].isin(delta) & ~frame["unique_id_r"].isin(delta)]
        frames.append(frame[_LINK_COLUMNS])
    if len(new_links):
        frames.append(new_links[_LINK_COLUMNS])
    both = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_LINK_COLUMNS)
    ends = pd.DataFrame({"unique_id": list(person)})
    return person_links(both, ends, pd.Series(list(person.values()))), dropped


def write_tmp(
    data_dir: Path, part: Part, retired: Mapping[str, str], index: RecordIndex, clock: _Lap
) -> list[Path]:
    """The part's files (under its number: unlisted until ``swap`` writes the manifest),
    the retired ids and the index under temporary names."""
    folder = layout.parts_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for kind, frame in (("records", part.records), ("persons", part.persons)):
        path = layout.part_file(data_dir, part.number, kind)
        frame.to_parquet(path, index=False)
        out.append(path)
    path = layout.part_file(data_dir, part.number, "links")
    pq.write_table(part.links.select(LINK_SCHEMA.names).cast(LINK_SCHEMA), path)
    out.append(path)
    path = layout.part_file(data_dir, part.number, "superseded")
    pq.write_table(pa.table({"person_id": pa.array(part.superseded, pa.string())}), path)
    out.append(path)
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
    index_tmp = layout.index_dir(data_dir).with_name("index.update.tmp")
    shutil.rmtree(index_tmp, ignore_errors=True)
    clock.lap("write_files")
    index.save(index_tmp)
    clock.lap("write_index")
    out.append(index_tmp)
    return out


def discard(paths: Iterable[Path]) -> None:
    """Remove what ``write_tmp`` wrote (the change was refused: nothing is swapped)."""
    for path in paths:
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(True)


def swap(data_dir: Path, paths: list[Path], manifest: layout.Manifest) -> None:
    """List the part (the manifest, replaced atomically), rename the retired ids in,
    then the index folder last (a server reloads when it sees a new ``index.json``, so
    it never sees new persons with an old index)."""
    *_, retired, folder = paths
    sync_tree(*paths)  # on disk before the manifest and the renames publish them
    manifest.write(data_dir)
    retired.replace(retired.with_suffix("").with_suffix(".parquet"))
    live = layout.index_dir(data_dir)
    old = live.with_name("index.old")
    shutil.rmtree(old, ignore_errors=True)
    live.rename(old)
    folder.rename(live)
    fsync(retired.parent)  # the retired ids' rename
    fsync(data_dir)  # the index's rename
    shutil.rmtree(old, ignore_errors=True)
