"""The hash chain, as pure functions: canonical JSON and the SHA-256 over it.

Why canonical JSON: the hash must be reproducible by anyone with the rows (an auditor's
own script included), independent of column order or database. Keys sorted, no spaces,
UTF-8; ``None`` stays ``null``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def canonical_json(value: Mapping[str, Any]) -> str:
    """``value`` as canonical JSON text; refuses what JSON cannot represent exactly."""
    try:
        return json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"audit details must be plain JSON: {exc}") from exc


def event_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 hex digest of the canonical JSON of an event's hashed fields."""
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()
