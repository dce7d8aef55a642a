"""Fixtures of the generator's tests: one default-size world (10,000 people) per session,
and a DuckDB connection with every file of an extract as a view (all text, as written)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from vetline.records.contract import SOURCE_NAMES

DEFAULT_PERSONS = 10_000
SEED = 7


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from vetline.synth import NoiseConfig, generate_extract

    out = tmp_path_factory.mktemp("synth") / "world"
    generate_extract(out, persons=DEFAULT_PERSONS, seed=SEED, noise=NoiseConfig())
    return out


def connect(extract: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name in (*SOURCE_NAMES, "truth", "person_facts", "truth_noise"):
        path = extract / f"{name}.csv"
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_csv('{path}', all_varchar=true, header=true)"
        )
    return con


@pytest.fixture(scope="session")
def db(world: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(world)
    yield con
    con.close()
