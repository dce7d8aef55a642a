"""build_persons over a real record store: precision, stable ids, growth."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pandas as pd
import pytest
import world

from conftest import BuiltWorld
from vetline.errors import BadInput
from vetline.records import ingest_extract
from vetline.resolve import build_persons
from vetline.resolve.links import read_links


def _person_records(data: Path) -> pd.DataFrame:
    return pd.read_parquet(data / "persons" / "records.parquet")


def _pairs(frame: pd.DataFrame, by: str) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for _, group in frame.groupby(by):
        out |= set(itertools.combinations(sorted(group["unique_id"]), 2))
    return out


def test_build_links_precisely(built_world: BuiltWorld) -> None:
    records = _person_records(built_world.data)
    truth = built_world.truth
    records["truth"] = [
        truth[(s, r)] for s, r in zip(records["source"], records["record_id"], strict=True)
    ]
    predicted, true = _pairs(records, "person_id"), _pairs(records, "truth")
    hits = len(predicted & true)
    assert hits / len(predicted) >= 0.99
    # Records sharing no identifier join only where an address or ZIP corroborates name
    # + DOB (birth country no longer does, issue 11): 0.97 measured; the pairs kept apart
    # are joined by "possible same person" links instead (0.986 with them).
    assert hits / len(true) >= 0.85
    person_of = dict(zip(records["unique_id"], records["person_id"], strict=True))
    linked = {
        (link.person_id, link.other_person_id)
        for side in read_links(built_world.data).values()
        for link in side
    }
    split = true - predicted
    in_links = sum((person_of[a], person_of[b]) in linked for a, b in split)
    assert (hits + in_links) / len(true) >= 0.95
    assert (built_world.data / "index" / "index.json").exists()


def test_links_join_the_same_truth(built_world: BuiltWorld) -> None:
    """Every link of the tiny world is between records of one true person."""
    truth = built_world.truth
    links = [link for side in read_links(built_world.data).values() for link in side]
    assert links

    def key(uid: str) -> tuple[str, str]:
        source, record_id = uid.split("|", 1)
        return source, record_id

    same = sum(truth[key(k.unique_id)] == truth[key(k.other_unique_id)] for k in links)
    assert same / len(links) >= 0.95


def test_rebuild_keeps_every_person_id(world_copy: BuiltWorld) -> None:
    before = _person_records(world_copy.data)
    report = build_persons(world_copy.data)
    after = _person_records(world_copy.data)
    assert not report.trained
    assert report.persons_new == 0
    assert before["person_id"].tolist() == after["person_id"].tolist()


def test_rebuild_from_scratch_gives_same_ids(world_copy: BuiltWorld) -> None:
    before = _person_records(world_copy.data)
    (world_copy.data / "persons" / "records.parquet").unlink()
    build_persons(world_copy.data)
    assert _person_records(world_copy.data)["person_id"].tolist() == before["person_id"].tolist()


def test_new_records_join_existing_persons(world_copy: BuiltWorld, tmp_path: Path) -> None:
    before = _person_records(world_copy.data)
    old_ids = dict(zip(before["unique_id"], before["person_id"], strict=True))
    returning = world_copy.people[:60]
    truth = world.write_extract(tmp_path / "more", returning, seed=9, prefix="n")
    ingest_extract(tmp_path / "more", world_copy.data)
    report = build_persons(world_copy.data)
    after = _person_records(world_copy.data)
    new_ids = dict(zip(after["unique_id"], after["person_id"], strict=True))
    kept = sum(new_ids[k] == v for k, v in old_ids.items())
    assert kept / len(old_ids) >= 0.99
    pid_of = {
        (s, r): p
        for s, r, p in zip(after["source"], after["record_id"], after["person_id"], strict=True)
    }
    old_truth = world_copy.truth
    by_truth = {}
    for key, person in old_truth.items():
        by_truth.setdefault(person, set()).add(pid_of[key])
    joined = sum(pid_of[key] in by_truth[p] for key, p in truth.items())
    assert joined / len(truth) >= 0.85
    assert report.records == len(after)


def test_bad_engine_and_empty_store(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="engine"):
        build_persons(tmp_path, engine="oracle")
    with pytest.raises(BadInput):
        build_persons(tmp_path)


def test_cli_build_prints_a_report(world_copy: BuiltWorld) -> None:
    from typer.testing import CliRunner

    from vetline.cli import app

    served = world_copy.data / "store" / ".served"
    shutil.rmtree(served, ignore_errors=True)
    result = CliRunner().invoke(app, ["build", "--data", str(world_copy.data)])
    assert result.exit_code == 0, result.output
    assert "persons" in result.output and "reused" in result.output
    # the rows files a server maps are written by the build: its first start is warm
    stored = {p.stem for p in (world_copy.data / "store").glob("*.parquet")}
    assert stored and {p.name.split(".")[0] for p in served.glob("*.arrow")} == stored
