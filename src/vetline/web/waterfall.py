"""The match waterfall, as Splink draws it: the prior, then each compared field's match
weight (its comparison level's weight plus the term-frequency adjustment), bars climbing
or falling to the final match weight, with the cumulative probability after each step.

Pure: the resolver's explanation (``Resolution.explanation``, stored in the query's draft)
in, the steps and the SVG geometry out. The same object that decided — the resolver's
explanation — is what is drawn; nothing is recomputed from the records.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

WIDTH: Final = 640
ROW: Final = 26
LABEL_WIDTH: Final = 120
VALUE_ROOM: Final = 60  # right of the plot, for the last bar's value label
MARGIN: Final = 12


@dataclass(frozen=True)
class Step:
    """One bar: a field (or the prior) and what it did to the match weight."""

    field: str
    comparison: str
    weight: float
    tf_adjustment: float
    before: float  # cumulative match weight before this step
    after: float  # ... and after it
    probability: float  # cumulative probability after it

    @property
    def level_weight(self) -> float:
        """The comparison level's own weight (the weight without the tf adjustment)."""
        return self.weight - self.tf_adjustment


@dataclass(frozen=True)
class Bar:
    """A step placed on the chart (SVG user units)."""

    step: Step
    y: float
    x: float
    width: float
    rising: bool


@dataclass(frozen=True)
class Chart:
    """The whole waterfall: the steps, their bars, the zero line, the final values."""

    steps: tuple[Step, ...]
    bars: tuple[Bar, ...]
    zero_x: float
    height: float
    width: float
    final_weight: float
    final_probability: float


def probability_of(weight: float) -> float:
    """Match weight (log2 Bayes factor) to probability."""
    if weight > 60:
        return 1.0
    return 1.0 / (1.0 + math.pow(2.0, -weight))


def steps_of(explanation: Sequence[Mapping[str, Any]]) -> tuple[Step, ...]:
    """The explanation as cumulative steps (the prior first, as the resolver lists it)."""
    total = 0.0
    steps: list[Step] = []
    for item in explanation:
        weight = float(item.get("weight") or 0.0)
        tf = float(item.get("tf_adjustment") or 0.0)
        before, total = total, total + weight
        steps.append(
            Step(
                field=str(item.get("field", "")), comparison=str(item.get("comparison", "")),
                weight=weight, tf_adjustment=tf, before=before, after=total,
                probability=probability_of(total),
            )
        )  # fmt: skip
    return tuple(steps)


def chart(explanation: Sequence[Mapping[str, Any]]) -> Chart:
    """Lay the steps out: one row each, x scaled to the range the cumulative weight spans."""
    steps = steps_of(explanation)
    points = [0.0] + [s.after for s in steps]
    low, high = min(points), max(points)
    span = max(high - low, 1.0)
    plot = WIDTH - LABEL_WIDTH - 2 * MARGIN - VALUE_ROOM

    def x(value: float) -> float:
        return round(LABEL_WIDTH + MARGIN + (value - low) / span * plot, 2)

    bars = tuple(
        Bar(
            step=s, y=MARGIN + i * ROW, x=min(x(s.before), x(s.after)),
            width=max(abs(x(s.after) - x(s.before)), 1.0), rising=s.weight >= 0,
        )
        for i, s in enumerate(steps)
    )  # fmt: skip
    final = steps[-1].after if steps else 0.0
    return Chart(
        steps=steps, bars=bars, zero_x=x(0.0), height=2 * MARGIN + max(len(steps), 1) * ROW,
        width=WIDTH, final_weight=final, final_probability=probability_of(final),
    )  # fmt: skip
