"""Trust-layer fixtures: migrated databases on SQLite and PostgreSQL, a clock, a policy.

``database`` (from ``tests/dbfixtures.py``, loaded by the root conftest) is parametrised
over both backends, so each test taking it runs twice; the PostgreSQL server starts once
per session.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from trusthelpers import PEPPER, Clock

from vetline.auth.policy import AuthPolicy
from vetline.db import Actor, Database, UnitOfWork


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def policy() -> AuthPolicy:
    return AuthPolicy(pepper=PEPPER)


@pytest.fixture
def uow_factory(database: Database, clock: Clock) -> Callable[..., UnitOfWork]:
    """``uow_factory(actor=None)`` → a UnitOfWork on the test database with the test clock."""

    def make(actor: Actor | None = None) -> UnitOfWork:
        return UnitOfWork(database, actor or Actor.system("test"), clock=clock, write=True)

    return make
