"""The leads' tunables, as data: audit-sample sizes, the precision gate, the expiry.

Read from ``vetline/data/leads.toml`` (or a file the operator names) and validated with
pydantic; the service receives a ``LeadsPolicy`` and never reads files. Kept apart from the
status engine's ``policy.toml`` because none of it changes a status or a removability.

Edit here: a new tunable (a field with its default), then its line in ``leads.toml``.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from vetline.errors import BadInput

BANDS = ("STRONG", "REVIEW", "WEAK", "NONE", "REJECTED")


class LeadsPolicy(BaseModel):
    """Validated tunables (``extra="forbid"``: a misspelt key is an error, not a default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Rows drawn per band for blind review; a band smaller than this is reviewed whole.
    sample_per_band: dict[str, Annotated[int, Field(ge=0, le=10_000)]] = {
        "STRONG": 80,
        "REVIEW": 40,
        "WEAK": 20,
        "NONE": 20,
        "REJECTED": 10,
    }
    #: Confidence of the interval on measured precision.
    confidence: Annotated[float, Field(gt=0.5, lt=1.0)] = 0.95
    #: Leads of a job may be assigned only when the strong band's measured precision (the
    #: interval's lower end; the point value when the whole band was reviewed) reaches this.
    min_strong_precision: Annotated[float, Field(ge=0.0, le=1.0)] = 0.95
    #: Days from confirmation after which a lead must be re-vetted (reference §11.3 item 3).
    expiry_days: Annotated[int, Field(ge=1, le=365)] = 30

    @field_validator("sample_per_band")
    @classmethod
    def _known_bands(cls, value: dict[str, int]) -> dict[str, int]:
        unknown = set(value) - set(BANDS)
        if unknown:
            raise ValueError(f"unknown bands {sorted(unknown)}; bands are {', '.join(BANDS)}")
        return value


def load_leads_policy(path: Path | None = None) -> LeadsPolicy:
    """The shipped policy, or ``path``; bad content raises ``BadInput`` naming the key."""
    if path is None:
        path = Path(str(resources.files("vetline") / "data" / "leads.toml"))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(str(path), f"cannot read the leads policy: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(str(path), f"not valid TOML: {exc}") from None
    try:
        return LeadsPolicy.model_validate(data.get("leads", {}))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadInput(f"{path.name}: leads.{where}", first["msg"]) from None
