"""Where vetline keeps its data, resolved the same way by every command."""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "VETLINE_DATA"
DEFAULT_DATA_DIR = "vetline-data"


def resolve_data_dir(data: Path | None) -> Path:
    """``--data`` if given, else ``$VETLINE_DATA``, else ``./vetline-data``."""
    if data is not None:
        return data
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else Path(DEFAULT_DATA_DIR)
