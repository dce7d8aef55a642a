"""The trained model as plain data: what ``<data>/model/model.json`` holds.

A Splink model is m/u probabilities per comparison level plus term-frequency settings;
this is that, keyed by vetline's comparison names and level labels, with no SQL in it,
so one file serves the DuckDB build, the Spark build and the NumPy real-time scorer.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from vetline.errors import BadInput
from vetline.resolve.comparisons import COMPARISONS

MODEL_VERSION = 1


@dataclass(frozen=True)
class LevelParams:
    """Trained parameters of one level; ``m``/``u`` are ``None`` for the null level."""

    label: str
    m: float | None
    u: float | None
    log2_bf: float
    tf_column: str | None = None
    tf_weight: float = 1.0
    tf_minimum_u: float = 0.0
    tf_u_exact: float | None = None


@dataclass
class MatchModel:
    """Prior plus per-comparison level parameters (in comparison-level order)."""

    prior: float
    comparisons: dict[str, list[LevelParams]] = field(default_factory=dict)
    trained_on: dict[str, Any] = field(default_factory=dict)

    @property
    def prior_weight(self) -> float:
        """The prior as a match weight: log2(λ / (1 − λ)), as Splink adds it."""
        return math.log2(self.prior / (1 - self.prior))

    def to_json(self) -> dict[str, Any]:
        return {
            "version": MODEL_VERSION,
            "prior": self.prior,
            "trained_on": self.trained_on,
            "comparisons": {
                name: [asdict(p) for p in levels] for name, levels in self.comparisons.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MatchModel:
        if data.get("version") != MODEL_VERSION:
            raise BadInput("model.json", f"unsupported model version {data.get('version')!r}")
        comparisons = {
            name: [LevelParams(**p) for p in levels] for name, levels in data["comparisons"].items()
        }
        model = cls(float(data["prior"]), comparisons, dict(data.get("trained_on", {})))
        model.check()
        return model

    def check(self) -> None:
        """The model must describe exactly vetline's comparisons, level by level."""
        for comparison in COMPARISONS:
            levels = self.comparisons.get(comparison.name)
            if levels is None or [p.label for p in levels] != [
                lv.label for lv in comparison.levels
            ]:
                raise BadInput(
                    "model.json",
                    f"comparison {comparison.name!r} does not match this vetline version; "
                    "run `vetline build --retrain`",
                )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=1))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> MatchModel:
        if not path.exists():
            raise BadInput(str(path), "no trained model; run `vetline build` first")
        return cls.from_json(json.loads(path.read_text()))
