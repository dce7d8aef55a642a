"""Policy as data: thresholds, recommendation gates, admission classes, priority tiers.

Loaded once at start-up from ``vetline/data/policy.toml`` (or a file the operator names)
and validated with pydantic, then passed into ``assess``: the engine never reads files.
Priority tiers are checked to reference only conduct, warrants, notices and court
history, never a protected characteristic (project principle 4).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from vetline.errors import BadInput
from vetline.status.charges import ChargeTable, RemovalCategory, load_charge_table
from vetline.vocab import MatchLevel

#: Words that may never appear in a priority criterion: protected characteristics and
#: proxies for them (reference §6.2: local screening that used accent or birthplace).
FORBIDDEN_CRITERIA_TERMS: frozenset[str] = frozenset(
    {
        "nationality",
        "citizenship",
        "birth_country",
        "birthplace",
        "country",
        "race",
        "ethnicity",
        "religion",
        "language",
        "accent",
        "sex",
        "gender",
        "name",
        "passport_country",
        "issuing_country",
    }
)

_FIXED_CRITERIA: frozenset[str] = frozenset(
    {
        "felony_conviction",
        "warrant:ACTIVE_WARRANT",
        "notice:INTERPOL_RED_NOTICE",
        "history:FINAL_ORDER",
        "history:REMOVED_AND_REENTERED",
    }
)
#: Every criterion a tier may use: a closed vocabulary, so nothing else can creep in.
ALLOWED_CRITERIA: frozenset[str] = _FIXED_CRITERIA | {
    f"conviction:{c.value}" for c in RemovalCategory if c not in {"NONE", "REVIEW"}
}

_LEVEL_ORDER = {
    MatchLevel.POSITIVE: 3,
    MatchLevel.PROBABLE: 2,
    MatchLevel.POSSIBLE: 1,
    MatchLevel.NO_RECORD: 0,
}


def match_at_least(level: MatchLevel, minimum: MatchLevel) -> bool:
    """Whether identity resolution reached ``minimum``."""
    return _LEVEL_ORDER[level] >= _LEVEL_ORDER[minimum]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Strict):
    aggravated_felony_min_sentence_days: Annotated[int, Field(ge=1)] = 365
    cimt_window_years: Annotated[int, Field(ge=1, le=20)] = 5
    marijuana_exception_max_convictions: Annotated[int, Field(ge=0, le=5)] = 1
    derivation_age_years: Annotated[int, Field(ge=16, le=21)] = 18
    ina_320_effective: date = date(2001, 2, 27)
    flag_minor_lpr_unchecked_parents: bool = True


class RecommendationGates(_Strict):
    detainer_min_match: MatchLevel = MatchLevel.POSITIVE
    notification_min_match: MatchLevel = MatchLevel.PROBABLE
    lead_min_match: MatchLevel = MatchLevel.PROBABLE
    removable_if_convicted_statuses: tuple[str, ...] = ("LPR",)

    @field_validator("detainer_min_match")
    @classmethod
    def _detainer_positive(cls, v: MatchLevel) -> MatchLevel:
        if v is not MatchLevel.POSITIVE:
            raise ValueError("a detainer needs a POSITIVE identity; this cannot be loosened")
        return v

    @field_validator("notification_min_match", "lead_min_match")
    @classmethod
    def _not_below_probable(cls, v: MatchLevel) -> MatchLevel:
        if not match_at_least(v, MatchLevel.PROBABLE):
            raise ValueError("enforcement needs at least a PROBABLE identity")
        return v


class AdmissionClasses(_Strict):
    immigrant: frozenset[str] = frozenset()
    nonimmigrant: frozenset[str] = frozenset()
    refugee: frozenset[str] = frozenset({"RE"})
    parole: frozenset[str] = frozenset({"PAROLE"})

    @field_validator("immigrant", "nonimmigrant", "refugee", "parole", mode="before")
    @classmethod
    def _upper(cls, v: object) -> object:
        if isinstance(v, list | tuple | set | frozenset):
            return frozenset(str(x).strip().upper() for x in v)
        return v


class PriorityTier(_Strict):
    tier: str
    label: str
    when_any: tuple[str, ...]

    @field_validator("when_any")
    @classmethod
    def _known_criteria(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for criterion in v:
            lowered = criterion.lower()
            bad = [t for t in FORBIDDEN_CRITERIA_TERMS if t in lowered]
            if bad:
                raise ValueError(
                    f"criterion {criterion!r} references a protected characteristic "
                    f"or its proxy ({bad[0]}); tiers may use conduct, warrants and notices only"
                )
            if criterion not in ALLOWED_CRITERIA:
                raise ValueError(
                    f"unknown criterion {criterion!r}; allowed: {sorted(ALLOWED_CRITERIA)}"
                )
        return v


class PolicyFile(_Strict):
    """The TOML file's shape."""

    charge_table: str = "charge_categories.csv"
    default_tier: str = "4"
    thresholds: Thresholds = Thresholds()
    recommendation: RecommendationGates = RecommendationGates()
    admission_classes: AdmissionClasses = AdmissionClasses()
    priority_tiers: tuple[PriorityTier, ...] = ()

    @field_validator("admission_classes")
    @classmethod
    def _disjoint(cls, v: AdmissionClasses) -> AdmissionClasses:
        groups = {
            "immigrant": v.immigrant,
            "nonimmigrant": v.nonimmigrant,
            "refugee": v.refugee,
            "parole": v.parole,
        }
        names = list(groups)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                both = groups[a] & groups[b]
                if both:
                    raise ValueError(f"classes {sorted(both)} are both {a} and {b}")
        return v


@dataclass(frozen=True)
class Policy:
    """Everything configurable the engine uses; built once, passed to every ``assess``."""

    thresholds: Thresholds
    gates: RecommendationGates
    admission: AdmissionClasses
    tiers: tuple[PriorityTier, ...]
    default_tier: str
    charges: ChargeTable


def parse_policy(data: dict[str, object], charges: ChargeTable, name: str = "policy") -> Policy:
    """Validate a policy mapping (as read from TOML) and combine it with a charge table."""
    try:
        spec = PolicyFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadInput(f"{name}: {where}", first["msg"]) from None
    return Policy(
        thresholds=spec.thresholds,
        gates=spec.recommendation,
        admission=spec.admission_classes,
        tiers=spec.priority_tiers,
        default_tier=spec.default_tier,
        charges=charges,
    )


def load_policy(path: Path | None = None, charge_table: Path | None = None) -> Policy:
    """Load and validate the policy file (default: the shipped one) and its charge table.

    The adapter between files and the pure engine: call it once at start-up.
    """
    if path is None:
        path = Path(str(resources.files("vetline") / "data" / "policy.toml"))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(str(path), f"cannot read the policy file: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(str(path), f"not valid TOML: {exc}") from None
    table_name = data.get("charge_table", "charge_categories.csv")
    if charge_table is None:
        charge_table = path.parent / str(table_name)
    return parse_policy(data, load_charge_table(charge_table), name=path.name)
