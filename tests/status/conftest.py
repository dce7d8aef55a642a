"""The shipped policy, loaded once for the status tests."""

from __future__ import annotations

import pytest

from vetline.status import Policy, load_policy


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()
