"""Leads fixtures: the service over a fresh migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from leadhelpers import Clock, TableCheck

from vetline.db import Database
from vetline.leads import LeadsService, load_leads_policy


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
