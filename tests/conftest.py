"""Shared fixtures: one small synthetic world per test session, and its record store.

Generated once (session scope) because every package's tests read the same world; tests
that change the store copy it first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# The ``database`` fixture (SQLite and a throwaway PostgreSQL server) for every package.
pytest_plugins = ["dbfixtures"]

SMALL_WORLD_PERSONS = 3_000
SMALL_WORLD_SEED = 20261124


@pytest.fixture(scope="session")
def small_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An extract folder of a small synthetic world (every source, truth, person facts)."""
    from vetline.synth import NoiseConfig, generate_extract

    out = tmp_path_factory.mktemp("world") / "extract"
    generate_extract(out, persons=SMALL_WORLD_PERSONS, seed=SMALL_WORLD_SEED, noise=NoiseConfig())
    return out


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory, small_extract: Path) -> Path:
    """A data folder with ``small_extract`` ingested. Read-only: copy it before changing."""
    from vetline.records import ingest_extract

    data = tmp_path_factory.mktemp("data")
    ingest_extract(small_extract, data)
    return data
