"""The person files as a build's base plus update parts, read by one reader
(``layout.read_person_records`` / ``read_persons`` / ``read_person_links``): a newer
row replaces an older one of the same record, a superseded person's older row and
links drop out, and the result is sorted as one whole file was."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from vetline.resolve import layout
from vetline.resolve.links import LINK_SCHEMA


def _links(rows: list[tuple[str, str, str, str]]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {"person_id_l": a, "person_id_r": b, "unique_id_l": u, "unique_id_r": v,
             "match_probability": 0.99, "match_weight": 7.0, "reason": "why"}
            for a, b, u, v in rows
        ],
        schema=LINK_SCHEMA,
    )  # fmt: skip


def _records(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": ["s"] * len(rows),
            "record_id": [u for u, _ in rows],
            "unique_id": [f"s|{u}" for u, _ in rows],
            "person_id": [p for _, p in rows],
            "content_hash": ["h"] * len(rows),
        }
    )


def _persons(rows: list[tuple[str, int]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_id": [p for p, _ in rows],
            "records": [n for _, n in rows],
            "first_record": ["x"] * len(rows),
            "sources": ["s"] * len(rows),
            "since": ["2026-01-01"] * len(rows),
        }
    )


def _part(data: Path, n: int, records: pd.DataFrame, persons: pd.DataFrame,
          links: pa.Table, superseded: list[str]) -> None:  # fmt: skip
    layout.parts_dir(data).mkdir(parents=True, exist_ok=True)
    records.to_parquet(layout.part_file(data, n, "records"), index=False)
    persons.to_parquet(layout.part_file(data, n, "persons"), index=False)
    pq.write_table(links, layout.part_file(data, n, "links"))
    pq.write_table(pa.table({"person_id": superseded}), layout.part_file(data, n, "superseded"))


def test_base_and_parts_read_as_one_file(tmp_path: Path) -> None:
    data = tmp_path
    layout.persons_dir(data).mkdir()
    _records([("a", "PA"), ("b", "PB"), ("c", "PC")]).to_parquet(
        layout.person_records_file(data), index=False
    )
    _persons([("PA", 1), ("PB", 1), ("PC", 1)]).to_parquet(layout.persons_file(data), index=False)
    pq.write_table(
        _links([("PA", "PB", "s|a", "s|b"), ("PB", "PC", "s|b", "s|c")]), layout.links_file(data)
    )
    layout.write_base(data, 3, (3, 3, 2))
    base_only = layout.read_person_records(data).to_pandas()
    assert base_only["person_id"].tolist() == ["PA", "PB", "PC"]

    # update 1: a new record d joins PA, and PB merges into PA (PB retired)
    _part(data, 1, _records([("a", "PA"), ("b", "PA"), ("d", "PA")]), _persons([("PA", 3)]),
          _links([("PA", "PC", "s|b", "s|c")]), ["PA", "PB"])  # fmt: skip
    # update 2: c moves to a new person PD; PC retired
    _part(data, 2, _records([("c", "PD")]), _persons([("PD", 1)]), _links([]), ["PC", "PD"])
    manifest = layout.Manifest(parts=[1, 2], journal=5, records=4, persons=2, links=1)
    manifest.write(data)

    records = layout.read_person_records(data).to_pandas()
    assert records["unique_id"].tolist() == ["s|a", "s|b", "s|c", "s|d"]
    assert records["person_id"].tolist() == ["PA", "PA", "PD", "PA"]
    persons = layout.read_persons(data).to_pandas()
    assert persons[["person_id", "records"]].values.tolist() == [["PA", 3], ["PD", 1]]
    links = layout.read_person_links(data)
    assert links is not None
    # PA–PC from part 1 names PC, superseded by part 2: gone, as a rewrite would drop it
    assert links.num_rows == 0
    only = layout.read_person_records(data, ["person_id"], keys=["s|c"]).to_pandas()
    assert only["person_id"].tolist() == ["PD"]
    assert layout.read_persons(data, ids=["PA"]).num_rows == 1
    assert layout.Manifest.read(data) == manifest

    whole = (layout.read_person_records(data), layout.read_persons(data))
    assert layout.compact(data)  # the parts folded into the base: the same rows
    assert layout.Manifest.read(data) == layout.Manifest([], 5, 4, 2, 1)
    assert not list(layout.parts_dir(data).iterdir())
    assert layout.read_person_records(data).equals(whole[0])
    assert layout.read_persons(data).equals(whole[1])
    assert layout.read_person_links(data).num_rows == 0  # type: ignore[union-attr]

    layout.write_base(data, 6, (4, 2, 0))  # a build: parts gone
    assert not list(layout.parts_dir(data).iterdir())
    assert layout.read_person_records(data).num_rows == 4  # the base alone
