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


SECRET_ENV = "VETLINE_SECRET_KEY"
#: The shipped secret: refused by the server outside demo mode (``vetline.api.settings``).
DEFAULT_SECRET = "vetline-demo-secret-change-me"
ANCHOR_COPY_ENV = "VETLINE_AUDIT_ANCHOR_COPY"


def console_secret() -> str:
    """The server secret as console commands see it (``$VETLINE_SECRET_KEY``, else the demo
    default): the key of the audit checkpoints the CLI writes and verifies."""
    return os.environ.get(SECRET_ENV) or DEFAULT_SECRET


def anchor_copy() -> Path | None:
    """A second location for the audit checkpoints (``$VETLINE_AUDIT_ANCHOR_COPY``)."""
    env = os.environ.get(ANCHOR_COPY_ENV)
    return Path(env) if env else None
