"""A small built world (the shared 3,000-person store, resolved once per session), the desk
and the vetting centre over it, and the API app with both installed — on SQLite and on the
throwaway PostgreSQL (the ``database`` fixture is parametrised over both)."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from vettinghelpers import Clock, World

from vetline.db import Database
from vetline.desk.service import DeskService
from vetline.person import PersonLookup
from vetline.status import load_policy
from vetline.vetting import VettingService


@pytest.fixture(scope="session")
def world(
    tmp_path_factory: pytest.TempPathFactory, small_store: Path, small_extract: Path
) -> World:
    from vetline.resolve import build_persons

    data = tmp_path_factory.mktemp("vetting") / "data"
    shutil.copytree(small_store, data)
    build_persons(data)
    with (small_extract / "person_facts.csv").open(encoding="utf-8") as handle:
        facts = list(csv.DictReader(handle))
    return World(data, facts)


@pytest.fixture(scope="session")
def lookup(world: World) -> PersonLookup:
    return PersonLookup.open(world.data)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def desk(database: Database, lookup: PersonLookup, clock: Clock) -> Iterator[DeskService]:
    service = DeskService(database, lookup, policy=load_policy(), clock=clock)
    yield service
    service.close()


@pytest.fixture
def vetting(desk: DeskService, world: World) -> VettingService:
    from vetline.vetting import install_intake

    svc = VettingService(desk, data_dir=world.data)
    install_intake(svc)
    return svc


@pytest.fixture
def app(database: Database, desk: DeskService, vetting: VettingService) -> FastAPI:
    from vetline.api import Settings, create_app
    from vetline.api.routers.desk import install_desk
    from vetline.api.routers.vetting import install_vetting

    application = create_app(
        Settings(demo_mode=True, rate_limit_per_minute=100_000), database=database
    )
    install_desk(application, desk)
    install_vetting(application, vetting)
    return application
