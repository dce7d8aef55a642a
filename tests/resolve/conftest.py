"""Fixtures for resolve tests: the tiny hand-made world, ingested and built once."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import world


@dataclass(frozen=True)
class BuiltWorld:
    data: Path
    people: list[dict[str, str]]
    truth: dict[tuple[str, str], str]


@pytest.fixture(scope="session")
def built_world(tmp_path_factory: pytest.TempPathFactory) -> BuiltWorld:
    """600 people, ~1,200 records in three sources, ingested and built (read-only)."""
    from vetline.records import ingest_extract
    from vetline.resolve import build_persons

    root = tmp_path_factory.mktemp("resolve-world")
    people = world.make_people(600, seed=1)
    truth = world.write_extract(root / "extract", people, seed=2)
    ingest_extract(root / "extract", root / "data")
    build_persons(root / "data")
    return BuiltWorld(root / "data", people, truth)


@pytest.fixture()
def world_copy(built_world: BuiltWorld, tmp_path: Path) -> BuiltWorld:
    """A private copy of the built world, for tests that change it."""
    data = tmp_path / "data"
    shutil.copytree(built_world.data, data)
    return BuiltWorld(data, built_world.people, built_world.truth)
