"""Leads fixtures: the service over a fresh migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from leadhelpers import Clock, TableCheck

from vetline.db import Database
from vetline.leads import LeadsService, load_leads_policy
from vetline.leads.person_check import PersonCoreCheck


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def check() -> TableCheck:
    return TableCheck()


@pytest.fixture
def leads(database: Database, check: TableCheck, clock: Clock) -> Iterator[LeadsService]:
    policy = load_leads_policy().model_copy(
        update={"sample_per_band": {"STRONG": 5, "REVIEW": 3, "WEAK": 2, "NONE": 2, "REJECTED": 1}}
    )
    yield LeadsService(database, check, policy=policy, clock=clock)


@pytest.fixture(scope="session")
def built_world(
    tmp_path_factory: pytest.TempPathFactory, small_store: Path, small_extract: Path
) -> tuple[Path, list[dict[str, str]]]:
    """The shared 3,000-person store resolved into persons, and its ground-truth facts."""
    from vetline.resolve import build_persons

    data = tmp_path_factory.mktemp("leads") / "data"
    shutil.copytree(small_store, data)
    build_persons(data)
    with (small_extract / "person_facts.csv").open(encoding="utf-8") as handle:
        return data, list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def core_check(built_world: tuple[Path, list[dict[str, str]]]) -> PersonCoreCheck:
    """The real re-check: the person core over the built world."""
    return PersonCoreCheck.open(built_world[0])
