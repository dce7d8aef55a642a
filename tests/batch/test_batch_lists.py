"""Built-in lists and the roster delta (issue 16 item 8), through the CLI as a user runs
them: the INTERPOL notices, the overstays derived from entry/exit, and a jail roster
whose second day vets only the new bookings."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import BatchWorld
from vetline.cli import app

ARGS = ["--purpose", "test", "--authority", "DHS/ICE-011", "--as-of", "2026-11-01"]


@pytest.fixture(scope="module")
def world(batch_world: BatchWorld, tmp_path_factory: pytest.TempPathFactory) -> BatchWorld:
    """A private copy (roster runs remember the previous roster in the data folder)."""
    data = tmp_path_factory.mktemp("lists") / "data"
    shutil.copytree(batch_world.data, data, ignore=shutil.ignore_patterns("batch"))
    return BatchWorld(data, batch_world.facts)


def _batch(world: BatchWorld, *args: str) -> str:
    result = CliRunner().invoke(app, ["batch", *args, "--data", str(world.data), *ARGS])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_interpol_list_is_every_loaded_notice(world: BatchWorld, tmp_path: Path) -> None:
    _batch(world, "--list", "interpol", "--out", str(tmp_path / "out"))
    results = pd.read_parquet(tmp_path / "out" / "results.parquet")
    store = world.data / "store" / "interpol.parquet"
    notices = duckdb.sql(f"SELECT notice_id FROM '{store}' ORDER BY record_id").fetchall()
    assert results["list_ref"].tolist() == [n[0] for n in notices]
    manifest = pd.read_json(tmp_path / "out" / "manifest.json", typ="series")
    assert manifest["list_kind"] == "interpol" and manifest["source_name"] == "interpol"
    # The console job is in the audit trail: who, why, which input, which result.
    from sqlalchemy import select

    from vetline.audit.models import AuditEvent
    from vetline.db import Actor, Database, UnitOfWork, database_url

    database = Database.from_url(database_url(world.data))
    try:
        with UnitOfWork(database, Actor.system(), read_only=True) as uow:
            events = uow.session.scalars(
                select(AuditEvent).where(AuditEvent.object_id == manifest["job_id"])
            ).all()
            kinds = [(e.event_type, e.details, e.actor_username) for e in events]
    finally:
        database.dispose()
    assert [k[0] for k in kinds] == ["BATCH_JOB_STARTED", "BATCH_JOB_FINISHED"]
    assert all('"purpose":"test"' in k[1].replace(" ", "") for k in kinds)
    assert manifest["result_sha256"] in kinds[1][1]
    assert all(k[2].startswith("cli:") for k in kinds)


def test_overstays_are_derived_from_entry_exit(world: BatchWorld, tmp_path: Path) -> None:
    _batch(world, "--list", "overstays", "--out", str(tmp_path / "out"))
    listed = pd.read_parquet(tmp_path / "out" / "input" / "overstays.parquet")
    assert len(listed) > 0 and listed["list_ref"].str.startswith("entry_exit|").all()
    store = world.data / "store" / "entry_exit.parquet"
    rows = duckdb.sql(
        f"SELECT record_id, event, admit_until FROM '{store}' WHERE record_id IN "
        f"(SELECT unnest(?))", params=[[r.split("|")[1] for r in listed["list_ref"]]]
    ).fetchall()  # fmt: skip
    assert all(event == "ARRIVAL" and until < "2026-11-01" for _, event, until in rows)
    results = pd.read_parquet(tmp_path / "out" / "results.parquet")
    assert len(results) == len(listed)


def _roster(path: Path, facts: list[dict[str, str]], start: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["booking_id", "last_name", "first_name", "dob", "booking_date",
                      "facility_ori"])  # fmt: skip
        for n, f in enumerate(facts):
            out.writerow([f"BK{start + n}", f["true_last_name"], f["true_first_name"],
                          f["true_dob"], "2026-10-30", "CA0194200"])  # fmt: skip
    return path


def test_a_roster_run_vets_only_new_bookings(world: BatchWorld, tmp_path: Path) -> None:
    day1 = _roster(tmp_path / "day1.csv", world.facts[500:520], 0)
    said = _batch(world, str(day1), "--roster-facility", "CA0194200", "--out", str(tmp_path / "d1"))
    assert "vetting centre told of" in said  # in-custody persons became desk encounters
    first = pd.read_parquet(tmp_path / "d1" / "results.parquet")
    assert first["list_ref"].tolist() == [f"BK{n}" for n in range(20)]
    # Day 2: 15 of day 1's bookings still there, 5 new ones.
    day2 = tmp_path / "day2.csv"
    rows = list(csv.reader(day1.open(encoding="utf-8")))
    extra = list(csv.reader(_roster(tmp_path / "x.csv", world.facts[520:525], 20).open()))
    with day2.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows[:16] + extra[1:])
    _batch(world, str(day2), "--roster-facility", "CA0194200", "--out", str(tmp_path / "d2"))
    second = pd.read_parquet(tmp_path / "d2" / "results.parquet")
    assert second["list_ref"].tolist() == [f"BK{n}" for n in range(20, 25)]
    manifest = pd.read_json(tmp_path / "d2" / "manifest.json", typ="series")
    assert manifest["list_kind"] == "roster"
    assert manifest["list_details"]["new_bookings"] == "5"
    assert manifest["list_details"]["roster_rows"] == "20"
    # In-custody persons go to the vetting centre as encounters (booking, facility, date).
    encounters = pd.read_csv(tmp_path / "d2" / "encounters.csv", dtype=str)
    assert set(encounters["booking"]) <= {f"BK{n}" for n in range(20, 25)} and len(encounters)
    assert set(encounters["facility_ori"]) == {"CA0194200"}
    assert set(encounters["match_band"]) <= {"STRONG", "REVIEW"}
    # The same roster again: nothing new, nothing vetted.
    out = _batch(world, str(day2), "--roster-facility", "CA0194200", "--out",
                 str(tmp_path / "d3"))  # fmt: skip
    assert "no new bookings" in out
    # Another facility has its own history: all its bookings are new.
    _batch(world, str(day2), "--roster-facility", "TX0570000", "--out", str(tmp_path / "tx"))
    assert len(pd.read_parquet(tmp_path / "tx" / "results.parquet")) == 20
