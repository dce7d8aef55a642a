"""Fixtures for the records tests (helpers live in ``records_helpers.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def extract_dir(tmp_path: Path) -> Path:
    """An empty extract folder."""
    path = tmp_path / "extract"
    path.mkdir()
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data folder."""
    return tmp_path / "data"
