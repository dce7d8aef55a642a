"""The batch policy: band thresholds, chunking, retention, audit sample, priority points.

Read from ``vetline/data/batch.toml`` (or a file given to the job) and validated with
pydantic, so a bad value stops the job before any row is read, naming the key. Its
values are copied into every job's manifest (``thresholds``): a run can be reproduced.

Edit here: a new knob (add it to the model and to ``data/batch.toml``).
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from vetline.errors import BadInput
from vetline.priority import PriorityWeights


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bands(_Strict):
    strong_min_probability: float = Field(default=0.99, gt=0, le=1)
    review_min_probability: float = Field(default=0.5, gt=0, le=1)
    weak_min_probability: float = Field(default=0.01, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Bands:
        if not (
            self.weak_min_probability <= self.review_min_probability <= self.strong_min_probability
        ):
            raise ValueError("need weak_min <= review_min <= strong_min")
        return self


class JobSettings(_Strict):
    chunk_rows: int = Field(default=2000, ge=1, le=1_000_000)
    retention_days: int = Field(default=365, ge=1, le=3650)


class AuditSample(_Strict):
    per_band: int = Field(default=50, ge=0, le=100_000)
    seed: int = 16


class PriorityPoints(_Strict):
    felony: int = Field(default=15, ge=0)
    misdemeanor: int = Field(default=5, ge=0)
    active_criminal_warrant: int = Field(default=20, ge=0)
    active_immigration_warrant: int = Field(default=10, ge=0)
    red_notice: int = Field(default=30, ge=0)


_ORI = re.compile(r"^[A-Z]{2}[A-Z0-9]{7}$")


class Partner(_Strict):
    """A 287(g) partner agency (its Memorandum of Agreement): the jail facilities whose
    rosters its officers may submit, beside the agency's own ORI, and the authority a
    roster job of it records."""

    name: str = Field(min_length=1, max_length=128)
    authority: str = Field(min_length=1, max_length=300)
    facilities: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _oris(self) -> Partner:
        wrong = [f for f in self.facilities if not _ORI.match(f)]
        if wrong:
            raise ValueError(f"facilities are ORIs (9 characters, state code first): {wrong}")
        return self


class BatchPolicy(_Strict):
    bands: Bands = Bands()
    job: JobSettings = JobSettings()
    audit_sample: AuditSample = AuditSample()
    priority: PriorityPoints = PriorityPoints()
    #: agency ORI → its 287(g) agreement (``[partners.<ORI>]``); see ``rosters.py``.
    partners: dict[str, Partner] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _partner_oris(self) -> BatchPolicy:
        wrong = [ori for ori in self.partners if not _ORI.match(ori)]
        if wrong:
            raise ValueError(f"partners are keyed by agency ORI: {wrong}")
        return self

    def weights(self) -> PriorityWeights:
        return PriorityWeights(**self.priority.model_dump())

    def thresholds(self) -> dict[str, Any]:
        """What the manifest records (``thresholds``)."""
        return {
            **self.bands.model_dump(),
            "chunk_rows": self.job.chunk_rows,
            "audit_per_band": self.audit_sample.per_band,
        }


def load_batch_policy(path: Path | None = None) -> BatchPolicy:
    """Load and validate the batch policy (default: the shipped ``data/batch.toml``)."""
    if path is None:
        path = Path(str(resources.files("vetline") / "data" / "batch.toml"))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(str(path), f"cannot read the batch policy: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(str(path), f"not valid TOML: {exc}") from None
    try:
        return BatchPolicy.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadInput(f"{path.name}: {where}", first["msg"]) from None
