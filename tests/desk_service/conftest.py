"""A small built world (the shared 3,000-person store, resolved once per session) and the
desk service over it, on both database backends."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from deskhelpers import Clock, DeskWorld
from fastapi import FastAPI

from vetline.db import Database
from vetline.desk.service import DeskService
from vetline.person import PersonLookup
from vetline.status import load_policy


@pytest.fixture(scope="session")
def desk_world(
    tmp_path_factory: pytest.TempPathFactory, small_store: Path, small_extract: Path
) -> DeskWorld:
    from vetline.resolve import build_persons

    data = tmp_path_factory.mktemp("desk") / "data"
    shutil.copytree(small_store, data)
    build_persons(data)
    with (small_extract / "person_facts.csv").open(encoding="utf-8") as handle:
        facts = list(csv.DictReader(handle))
    return DeskWorld(data, facts)


@pytest.fixture(scope="session")
def lookup(desk_world: DeskWorld) -> PersonLookup:
    return PersonLookup.open(desk_world.data)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(database: Database, lookup: PersonLookup, clock: Clock) -> Iterator[DeskService]:
    service = DeskService(database, lookup, policy=load_policy(), clock=clock)
    yield service
    service.close()


@pytest.fixture
def app(database: Database, desk: DeskService) -> Iterator[FastAPI]:
    from vetline.api import Settings, create_app
    from vetline.api.routers.desk import install_desk

    application = create_app(
        Settings(demo_mode=True, rate_limit_per_minute=100_000), database=database
    )
    install_desk(application, desk)
    yield application
